import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { pointInBoxReward } from "../../../src/rewards/vision/point-in-box.ts";
import { one } from "./helpers.ts";

const run = (completion: string, reference: unknown, params: Record<string, unknown> = {}) => one(pointInBoxReward, params, completion, reference);

describe("point_in_box", () => {
  it("a point inside the box scores 1, outside 0, on the edge 1", async () => {
    assert.equal((await run("<answer><point>(150, 90)</point></answer>", [100, 50, 200, 150])).score, 1);
    assert.equal((await run("<answer><point>(250, 90)</point></answer>", [100, 50, 200, 150])).score, 0);
    assert.equal((await run("<answer>[200, 150]</answer>", [100, 50, 200, 150])).score, 1);
  });

  it("Molmo points on a 0–100 grid against a pixel box of a 640×480 image", async () => {
    // x = 25% of 640 = 160, y = 20% of 480 = 96: inside [100, 50, 200, 150].
    const o = await run('<point x="25.0" y="20.0" alt="dog">dog</point>', { boxes: [100, 50, 200, 150], width: 640, height: 480 }, {
      pred_coords: "normalized",
      pred_scale: 100,
    });
    assert.equal(o.score, 1);
    assert.deepEqual(o.details!.predicted, [[160, 96]]);
  });

  it("one point per box: two points in the same box count once (1 of 2 boxes -> 1/2)", async () => {
    const boxes = [
      [0, 0, 10, 10],
      [20, 0, 30, 10],
    ];
    const o = await run("[[2, 2], [3, 3]]", boxes);
    assert.equal(o.score, 0.5);
    assert.equal(o.details!.hits, 1);
    assert.equal((await run("[[2, 2], [25, 5]]", boxes)).score, 1);
    // Three points, two hits: mean 2/3; precision 2/3, recall 1, F1 = 4/5.
    assert.equal((await run("[[2, 2], [25, 5], [50, 50]]", boxes)).score, 2 / 3);
    assert.equal((await run("[[2, 2], [25, 5], [50, 50]]", boxes, { score_by: "f1" })).score, 0.8);
  });

  it("empty conventions and failures", async () => {
    assert.equal((await run("[]", [])).score, 1);
    assert.equal((await run("[5, 5]", [])).score, 0);
    const o = await run("somewhere on the left", [0, 0, 10, 10]);
    assert.equal(o.score, 0);
    assert.equal(o.details!.reason, "no point found in the answer");
    const bad = await run("(1, 1)", { boxes: [[0, 0, 10]] });
    assert.equal(bad.status, "invalid_input");
    assert.equal(bad.reason, "reference.boxes[0]: expected four finite numbers");
  });
});
