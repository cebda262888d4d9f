import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { maskIouReward } from "../../../src/rewards/vision/mask-iou.ts";
import { close, one, shifted } from "./helpers.ts";

const run = (completion: string, reference: unknown, params: Record<string, unknown> = {}, meta?: Record<string, unknown>) =>
  one(maskIouReward, params, completion, reference, meta);

// 4×4 masks. centre = rows 1–2, cols 1–2 (RLE [5,2,2,2,5] = "52203"); shifted = rows 1–2, cols 2–3.
const centreRle = { size: [4, 4], counts: "52203" };
const empty = { size: [4, 4], counts: [16] };

describe("mask_iou (hand-computed)", () => {
  it("the same mask written three ways scores 1", async () => {
    assert.equal((await run(`<answer>${JSON.stringify(centreRle)}</answer>`, centreRle)).score, 1);
    assert.equal((await run('{"size": [4, 4], "counts": [5, 2, 2, 2, 5]}', centreRle)).score, 1);
    assert.equal((await run("[[0,0,0,0],[0,1,1,0],[0,1,1,0],[0,0,0,0]]", centreRle)).score, 1);
  });

  it("a 2-D answer shifted one column right: intersection 2, union 6 -> 1/3", async () => {
    const o = await run(JSON.stringify(shifted), centreRle);
    close(o.score, 1 / 3);
    assert.deepEqual([o.details!.pred_area, o.details!.gold_area], [[4], [4]]);
  });

  it("gold as COCO polygons {size, polygons} and as a COCO annotation", async () => {
    // The polygon (1,1),(3,1),(3,3),(1,3) covers pixels x, y ∈ {1, 2}: the centre square.
    assert.equal((await run(JSON.stringify(centreRle), { size: [4, 4], polygons: [[1, 1, 3, 1, 3, 3, 1, 3]] })).score, 1);
    assert.equal((await run(JSON.stringify(centreRle), { segmentation: [[1, 1, 3, 1, 3, 3, 1, 3]], height: 4, width: 4 })).score, 1);
    assert.equal((await run(JSON.stringify(centreRle), { segmentation: centreRle, iscrowd: 0 })).score, 1);
    // A polygon answer is rasterized the same way.
    assert.equal((await run('{"size": [4, 4], "polygons": [[1, 1, 3, 1, 3, 3, 1, 3]]}', centreRle)).score, 1);
  });

  it("two empty masks: 0 by default (pycocotools), 1 with empty_pair_iou: 1 (DAVIS)", async () => {
    const o = await run(JSON.stringify(empty), empty);
    assert.equal(o.score, 0);
    assert.equal((await run(JSON.stringify(empty), empty, { empty_pair_iou: 1 })).score, 1);
    // An empty mask against a real one is 0 either way.
    assert.equal((await run(JSON.stringify(empty), centreRle, { empty_pair_iou: 1 })).score, 0);
  });

  it("no masks expected and none given ([] vs []) -> 1; a mask where none is expected -> 0", async () => {
    assert.equal((await run("[]", [])).score, 1);
    assert.equal((await run(JSON.stringify(centreRle), { masks: [] })).score, 0);
  });

  it("several instances are matched one-to-one", async () => {
    // Gold: centre and shifted; prediction lists them swapped plus an empty extra -> (1 + 1 + 0) / 3.
    const o = await run(JSON.stringify({ masks: [shifted, centreRle, empty] }), { masks: [centreRle, shifted] });
    close(o.score, 2 / 3);
    assert.deepEqual(o.details!.unmatched_pred, [2]);
    assert.deepEqual([o.details!.precision, o.details!.recall], [2 / 3, 1]);
  });

  it("reads masks a tool left in sample.meta (source: meta)", async () => {
    const o = await run("ignored", centreRle, { source: "meta", meta_key: "sam_masks" }, { sam_masks: [shifted] });
    close(o.score, 1 / 3);
    const missing = await run("ignored", centreRle, { source: "meta" }, {});
    assert.equal(missing.score, 0);
    assert.equal(missing.details!.reason, "meta.masks: no predicted masks");
  });

  it("a predicted mask of another size scores 0 and is reported", async () => {
    const o = await run('{"size": [2, 8], "counts": [16]}', centreRle);
    assert.equal(o.score, 0);
    assert.deepEqual(o.details!.size_mismatch, [{ pred: 0, gold: 0 }]);
  });

  it("a predicted mask that does not decode is the model's fault: 0 with the reason", async () => {
    const o = await run('{"size": [4, 4], "counts": "5220"}', centreRle);
    assert.equal(o.status, "ok");
    assert.equal(o.score, 0);
    assert.equal(o.details!.reason, "predicted mask 0.counts: runs add up to 11, but size 4×4 has 16 pixels");
    assert.equal((await run("a mask", centreRle)).details!.reason, "no mask (RLE object or 2-D array) found in the answer");
  });

  it("malformed gold masks are invalid_input naming the field", async () => {
    const cases: [unknown, string][] = [
      [{ size: [4, 4], counts: "5~" }, "reference.counts: counts string has a character outside '0'..'o' at 1"],
      [{ masks: [centreRle, { size: [4, 4], counts: [3] }] }, "reference.masks[1].counts: runs add up to 3, but size 4×4 has 16 pixels"],
      [{ size: "4x4", counts: "52203" }, "reference.size: expected [height, width] as two non-negative integers"],
      [{ mask: [[0, 1], [1]] }, "reference.mask[1]: expected a row of 2 values like row 0"],
      [42, "reference.masks: expected a mask (RLE {size, counts}, 2-D array or {size, polygons}) or a list of masks"],
    ];
    for (const [ref, reason] of cases) {
      const o = await run(JSON.stringify(centreRle), ref);
      assert.equal(o.status, "invalid_input", reason);
      assert.equal(o.reason, reason);
    }
  });
});
