import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { boxGiou, boxIou, isInverted, pointInBox, segmentIou, toXyxy } from "../../../src/rewards/vision/geometry.ts";

const close = (a: number, b: number, eps = 1e-12) => assert.ok(Math.abs(a - b) <= eps, `${a} ≠ ${b}`);

describe("box IoU and GIoU (hand-computed)", () => {
  it("Mixed-R1's worked example: [10,10,50,50] vs [30,30,70,70]", () => {
    // Intersection 20·20 = 400; union 1600 + 1600 − 400 = 2800; IoU = 1/7 ≈ 0.142857.
    close(boxIou([10, 10, 50, 50], [30, 30, 70, 70]), 1 / 7);
    // Enclosing box [10,10,70,70] = 3600; GIoU = 1/7 − (3600 − 2800)/3600 = 1/7 − 2/9 = −5/63 ≈ −0.079365.
    close(boxGiou([10, 10, 50, 50], [30, 30, 70, 70]), -5 / 63);
  });

  it("identical boxes: IoU = GIoU = 1", () => {
    assert.equal(boxIou([1, 2, 3, 4], [1, 2, 3, 4]), 1);
    assert.equal(boxGiou([1, 2, 3, 4], [1, 2, 3, 4]), 1);
  });

  it("a box inside another: IoU = GIoU = 16/100 (the hull is the outer box)", () => {
    close(boxIou([0, 0, 10, 10], [2, 2, 6, 6]), 0.16);
    close(boxGiou([0, 0, 10, 10], [2, 2, 6, 6]), 0.16);
  });

  it("disjoint boxes: IoU 0, GIoU −(hull − union)/hull", () => {
    // [0,0,10,10] and [20,0,30,10]: union 200, hull [0,0,30,10] = 300 -> GIoU = −100/300.
    assert.equal(boxIou([0, 0, 10, 10], [20, 0, 30, 10]), 0);
    close(boxGiou([0, 0, 10, 10], [20, 0, 30, 10]), -1 / 3);
    // Far apart: [0,0,1,1] and [9,9,10,10]: union 2, hull 100 -> −0.98.
    close(boxGiou([0, 0, 1, 1], [9, 9, 10, 10]), -0.98);
  });

  it("touching boxes: IoU 0 and GIoU 0 (hull = union)", () => {
    assert.equal(boxIou([0, 0, 10, 10], [10, 0, 20, 10]), 0);
    assert.equal(boxGiou([0, 0, 10, 10], [10, 0, 20, 10]), 0);
  });

  it("partial overlap in one axis: [0,0,4,2] vs [2,0,6,2] -> 4 / 12", () => {
    close(boxIou([0, 0, 4, 2], [2, 0, 6, 2]), 1 / 3);
    close(boxGiou([0, 0, 4, 2], [2, 0, 6, 2]), 1 / 3); // hull [0,0,6,2] = 12 = union
  });

  it("IoU is unchanged by per-axis scaling (why normalized and pixel boxes compare after rescaling)", () => {
    const a = boxIou([10, 10, 50, 50], [30, 30, 70, 70]);
    close(boxIou([10 / 640, 10 / 480, 50 / 640, 50 / 480], [30 / 640, 30 / 480, 70 / 640, 70 / 480]), a);
  });

  it("converts xywh to xyxy and flags inverted boxes", () => {
    assert.deepEqual(toXyxy([10, 20, 30, 40], "xywh"), [10, 20, 40, 60]);
    assert.deepEqual(toXyxy([10, 20, 30, 40], "xyxy"), [10, 20, 30, 40]);
    assert.equal(isInverted([5, 0, 4, 10]), true);
    assert.equal(isInverted([0, 0, Number.NaN, 1]), true);
    assert.equal(isInverted([0, 0, 0, 1]), false);
  });
});

describe("points and segments", () => {
  it("point in box includes the edges", () => {
    assert.equal(pointInBox(5, 5, [0, 0, 10, 10]), true);
    assert.equal(pointInBox(10, 0, [0, 0, 10, 10]), true);
    assert.equal(pointInBox(10.001, 5, [0, 0, 10, 10]), false);
  });

  it("temporal IoU: [12, 18] vs [13.5, 18] = 4.5 / 6; touching = 0; nested = ratio of lengths", () => {
    close(segmentIou([13.5, 18], [12, 18]), 0.75);
    assert.equal(segmentIou([0, 5], [5, 10]), 0);
    close(segmentIou([2, 4], [0, 10]), 0.2);
    // [0, 10] vs [5, 20]: intersection 5, union 10 + 15 − 5 = 20.
    close(segmentIou([0, 10], [5, 20]), 0.25);
  });
});
