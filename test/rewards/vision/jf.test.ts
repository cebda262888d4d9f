import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { boundPixels } from "../../../src/rewards/vision/davis.ts";
import { jfReward } from "../../../src/rewards/vision/jf.ts";
import { close, corner, empty, one, shifted, square } from "./helpers.ts";

const run = (completion: string, reference: unknown, params: Record<string, unknown> = {}, meta?: Record<string, unknown>) =>
  one(jfReward, params, completion, reference, meta);

// 4×4 frames (square, shifted, corner, empty: helpers.ts). On 4×4 the DAVIS tolerance is ceil(0.008·√32) = ceil(0.045) = 1 px: disk(1) is the plus sign.

/*
 * Hand derivation (DAVIS _seg2bmap: a pixel is boundary when it differs from its right, lower or
 * lower-right neighbour; last row: right only; last column: lower only; bottom-right corner never).
 *
 * Gold square boundary G (8 px), shifted boundary S (7 px), corner-pixel boundary C (3 px):
 *   G: 1 1 1 0      S: 0 1 1 1      C: 0 0 0 0
 *      1 0 1 0         0 1 0 0         0 0 0 0
 *      1 1 1 0         0 1 1 1         0 0 1 1
 *      0 0 0 0         0 0 0 0         0 0 1 0
 * G dilated by the plus covers rows 0–2 and row 3 but (3,3).
 *
 * frame 0, square vs square:  J = 1,        F = 1.
 * frame 1, shifted vs square: J = 2/6,      S ⊂ dil(G): P = 7/7; dil(S) covers rows 0–2: R = 8/8; F = 1.
 * frame 2, corner vs square:  J = 0/5 = 0,  C ⊂ dil(G): P = 3/3; dil(C) = (1,2),(1,3),(2,1),(2,2),(2,3),(3,1),(3,2),(3,3)
 *                             holds G's (1,2),(2,1),(2,2): R = 3/8; F = 2·(3/8)/(1 + 3/8) = 6/11.
 * frame 3, empty vs empty:    J = 1 (empty union), F = 1 (no boundary on either side: P = R = 1).
 * J = (1 + 1/3 + 0 + 1)/4 = 7/12; F = (3 + 6/11)/4 = 39/44; J&F = (7/12 + 39/44)/2 = 97/132 ≈ 0.734848.
 */
describe("jf: DAVIS J&F on synthetic 4×4 frames (hand-derived)", () => {
  it("scores four frames to J = 7/12, F = 39/44, J&F = 97/132", async () => {
    const o = await run(`<answer>${JSON.stringify([square, shifted, corner, empty])}</answer>`, { frames: [square, square, square, empty] });
    assert.equal(o.status, "ok");
    close(o.score, 97 / 132);
    close(o.details!.J as number, 7 / 12);
    close(o.details!.F as number, 39 / 44);
    const J = o.details!.J_frames as number[];
    const F = o.details!.F_frames as number[];
    [1, 1 / 3, 0, 1].forEach((v, t) => close(J[t], v));
    [1, 1, 6 / 11, 1].forEach((v, t) => close(F[t], v));
    assert.equal(o.details!.bound_pix, 1);
    // DAVIS recall: share of frames above 0.5 -> J: 2/4, F: 4/4.
    assert.deepEqual([o.details!.J_recall, o.details!.F_recall], [0.5, 1]);
  });

  it("a prediction on a frame where the object is absent: J = 0 and F = 0 (P = 0, R = 1)", async () => {
    const o = await run(JSON.stringify([square]), [empty]);
    assert.equal(o.score, 0);
  });

  it("void pixels are left out: masking column 3 of the shifted frame gives J = 2/4, F = 1", async () => {
    const voidCol3 = [0, 1, 2, 3].map(() => [0, 0, 0, 1]);
    const o = await run(JSON.stringify([shifted]), { frames: [square], void: [voidCol3] });
    close(o.details!.J as number, 0.5);
    close(o.details!.F as number, 1);
    close(o.score, 0.75);
  });

  it("exclude_first_last scores only the middle frames (DAVIS semi-supervised)", async () => {
    const o = await run(JSON.stringify([corner, shifted, corner]), [square, square, square], { exclude_first_last: true });
    close(o.details!.J as number, 1 / 3);
    assert.equal(o.details!.frames_scored, 1);
    assert.equal((await run("[]", [square, square], { exclude_first_last: true })).status, "invalid_input");
  });

  it("a larger tolerance in pixels (bound_th ≥ 1) forgives more: corner frame with 2 px", async () => {
    // disk(2) = offsets with dx² + dy² ≤ 4 (the plus of arm 2 and the four diagonal neighbours). From
    // C = (2,2),(2,3),(3,2) it reaches G's (0,2), (1,2), (2,0), (2,1), (2,2) but not (0,0), (0,1), (1,0)
    // (each at squared distance ≥ 5): R = 5/8, P = 1, F = 2·(5/8)/(13/8) = 10/13 (6/11 with 1 px).
    const o = await run(JSON.stringify([corner]), [square], { bound_th: 2 });
    close(o.details!.F as number, 10 / 13);
  });

  it("RLE frames give the same numbers as 2-D arrays (and J, F ignore the layout)", async () => {
    const rle = [
      { size: [4, 4], counts: [5, 2, 2, 2, 5] },
      { size: [4, 4], counts: [9, 2, 2, 2, 1] },
    ];
    const o = await run(JSON.stringify(rle), { frames: [square, square] });
    close(o.details!.J as number, (1 + 1 / 3) / 2);
    close(o.details!.F as number, 1);
  });

  it("a non-square frame keeps row/column roles straight", async () => {
    // 2×5 gold with a 2-wide bar; prediction shifted right by 3: J = 0. tolerance ceil(0.008·√29) = 1.
    const gold = [
      [1, 1, 0, 0, 0],
      [1, 1, 0, 0, 0],
    ];
    const pred = [
      [0, 0, 0, 1, 1],
      [0, 0, 0, 1, 1],
    ];
    // Gold boundary: row 0 pixels differing from right/lower/lower-right: (0,1) only (v=1, right 0);
    // last row (row 1): (1,1) (1 ^ 0). Prediction: (0,2) (0 ^ right 1), (1,2); (0,4) and (1,4) are the
    // last column: 1 ^ lower = 1 ^ 1 = 0 and the corner. Distance between (·,1) and (·,2) is 1: P = R = 1.
    const o = await run(JSON.stringify([pred]), [gold]);
    assert.equal(o.details!.J, 0);
    close(o.details!.F as number, 1);
    assert.equal(boundPixels(0.008, 2, 5), 1);
  });

  it("frame count or size mismatches score 0 with the reason; bad gold is invalid_input", async () => {
    assert.equal((await run(JSON.stringify([square]), [square, square])).details!.reason, "1 predicted frames, the reference has 2");
    assert.equal((await run(JSON.stringify([[[1]]]), [square])).details!.reason, "predicted frame 0 is 1×1, the reference frame is 4×4");
    assert.equal((await run("no masks", [square])).details!.reason, "no list of per-frame masks found in the answer");
    assert.equal((await run("[]", { frames: [] })).reason, "reference.frames: no frames");
    assert.equal((await run("[]", { frames: [{ size: [4, 4], counts: "5" }] })).reason, "reference.frames[0].counts: runs add up to 5, but size 4×4 has 16 pixels");
  });

  it("missing_as_empty: no answer means the object is absent in every frame", async () => {
    const o = await run("the object never appears", [empty, empty], { missing_as_empty: true });
    assert.equal(o.score, 1);
  });

  it("reads frames from sample.meta (e.g. SAM2 propagation output)", async () => {
    const o = await run("", [square], { source: "meta", meta_key: "sam2" }, { sam2: { frames: [square] } });
    assert.equal(o.score, 1);
  });

  it("the DAVIS tolerance on a 480×854 frame is 8 px", () => {
    // √(480² + 854²) = 979.65…; 0.008 × 979.65 = 7.84 -> 8.
    assert.equal(boundPixels(0.008, 480, 854), 8);
    assert.equal(boundPixels(3, 480, 854), 3);
  });
});
