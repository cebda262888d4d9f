import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { compile } from "../../../src/index.ts";
import { boxIouReward } from "../../../src/rewards/vision/box-iou.ts";
import { close, one, scoreWith } from "./helpers.ts";

const run = (completion: string, reference: unknown, params: Record<string, unknown> = {}) => one(boxIouReward, params, completion, reference);

describe("box_iou: single box (hand-computed)", () => {
  it("Mixed-R1's example: [30,30,70,70] vs gold [10,10,50,50] -> IoU 400/2800 = 1/7", async () => {
    const o = await run("<think>the cat is at the top left</think><answer>[30, 30, 70, 70]</answer>", [10, 10, 50, 50]);
    assert.equal(o.status, "ok");
    close(o.score, 1 / 7);
    close(o.details!.iou as number, 1 / 7);
    assert.equal(o.details!.how, "json");
  });

  it("GIoU: −5/63 raw, score (GIoU + 1)/2 = 29/63", async () => {
    const o = await run("[30, 30, 70, 70]", [10, 10, 50, 50], { metric: "giou" });
    close(o.score, 29 / 63);
    close(o.details!.giou as number, -5 / 63);
    close(o.details!.iou as number, 1 / 7);
  });

  it("GIoU still rewards a near miss more than a far miss (IoU is 0 for both)", async () => {
    // Gold [0,0,10,10]. Near [12,0,22,10]: union 200, hull 220 -> GIoU −1/11, score 5/11.
    // Far [90,0,100,10]: union 200, hull 1000 -> GIoU −0.8, score 0.1.
    const near = await run("[12, 0, 22, 10]", [0, 0, 10, 10], { metric: "giou" });
    const far = await run("[90, 0, 100, 10]", [0, 0, 10, 10], { metric: "giou" });
    close(near.score, 5 / 11);
    close(far.score, 0.1);
    assert.equal(near.details!.iou, 0);
  });

  it("the thresholded variant 1[IoU ≥ t]: score_by recall (or precision / f1) with one box each", async () => {
    assert.equal((await run("[30, 30, 70, 70]", [10, 10, 50, 50], { score_by: "recall" })).score, 0);
    assert.equal((await run("[30, 30, 70, 70]", [10, 10, 50, 50], { score_by: "recall", threshold: 0.1 })).score, 1);
    assert.equal((await run("[12, 12, 50, 50]", [10, 10, 50, 50], { score_by: "f1" })).score, 1); // IoU 0.9025
  });

  it("reads xywh predictions and xywh gold", async () => {
    close((await run("[30, 30, 40, 40]", [10, 10, 50, 50], { pred_format: "xywh" })).score, 1 / 7);
    close((await run("[30, 30, 70, 70]", { boxes: [10, 10, 40, 40], format: "xywh" })).score, 1 / 7);
    close((await run("[30, 30, 70, 70]", [10, 10, 40, 40], { gold_format: "xywh" })).score, 1 / 7);
  });
});

describe("box_iou: coordinate frames", () => {
  it("Qwen2-VL boxes on a 0–1000 grid against pixel gold of a 100×200 image", async () => {
    // [30,30,70,70] px = x/100·1000, y/200·1000 -> (300,150),(700,350).
    const o = await run("<|box_start|>(300,150),(700,350)<|box_end|>", { boxes: [10, 10, 50, 50], width: 100, height: 200 }, {
      pred_coords: "normalized",
      pred_scale: 1000,
    });
    close(o.score, 1 / 7);
    assert.deepEqual(o.details!.predicted, [[30, 30, 70, 70]]);
    assert.equal(o.details!.how, "box_start tokens");
  });

  it("pixel predictions against normalized gold", async () => {
    const o = await run("[30, 30, 70, 70]", { boxes: [[0.1, 0.1, 0.5, 0.5]], coords: "normalized", width: 100, height: 100 });
    close(o.score, 1 / 7);
  });

  it("pixel predictions on a resized input (pred_width × pred_height) are rescaled to the gold frame", async () => {
    const o = await run("[15, 15, 35, 35]", { boxes: [10, 10, 50, 50], width: 100, height: 100, pred_width: 50, pred_height: 50 });
    close(o.score, 1 / 7);
  });

  it("needs the image size when the frames differ: invalid_input naming the field", async () => {
    const o = await run("[0.3, 0.3, 0.7, 0.7]", [10, 10, 50, 50], { pred_coords: "normalized" });
    assert.equal(o.status, "invalid_input");
    assert.match(o.reason!, /^reference\.width\/height: needed/);
  });
});

describe("box_iou: several boxes, Hungarian matching", () => {
  it("finds the assignment greedy misses: mean (7/13 + 4/11)/2 = 129/286", async () => {
    // Gold g1 [0,0,10,10], g2 [5,0,15,10]; A [2,0,12,10]: IoU(A,g1) = 80/120 = 2/3, IoU(A,g2) = 70/130 = 7/13;
    // B [−1,0,4,10]: IoU(B,g1) = 40/110 = 4/11, IoU(B,g2) = 0. Greedy (A–g1, B–g2) sums 0.667;
    // the optimal A–g2, B–g1 sums 7/13 + 4/11 = 129/143 ≈ 0.902.
    const o = await run(
      '[{"bbox_2d": [2, 0, 12, 10]}, {"bbox_2d": [-1, 0, 4, 10]}]',
      [
        [0, 0, 10, 10],
        [5, 0, 15, 10],
      ],
    );
    close(o.score, 129 / 286);
    assert.deepEqual(
      (o.details!.matches as { pred: number; gold: number }[]).map((m) => [m.pred, m.gold]),
      [
        [0, 1],
        [1, 0],
      ],
    );
    // Only A–g2 (0.538) clears 0.5: precision = recall = F1 = 1/2.
    assert.deepEqual([o.details!.tp, o.details!.precision, o.details!.recall, o.details!.f1], [1, 0.5, 0.5, 0.5]);
  });

  it("an extra predicted box costs like a missing one: one exact box + one stray -> 1/2", async () => {
    const o = await run("[[10, 10, 50, 50], [200, 200, 220, 220]]", [[10, 10, 50, 50]]);
    assert.equal(o.score, 0.5);
    assert.deepEqual(o.details!.unmatched_pred, [1]);
    assert.equal((await run("[[10, 10, 50, 50], [200, 200, 220, 220]]", [[10, 10, 50, 50]], { score_by: "f1" })).score, 2 / 3);
    assert.equal((await run("[[10, 10, 50, 50], [200, 200, 220, 220]]", [[10, 10, 50, 50]], { score_by: "recall" })).score, 1);
    assert.equal((await run("[[10, 10, 50, 50], [200, 200, 220, 220]]", [[10, 10, 50, 50]], { score_by: "precision" })).score, 0.5);
  });

  it("a missing box: one of two gold boxes found -> 1/2", async () => {
    const o = await run("<box>(10,10),(50,50)</box>", [
      [10, 10, 50, 50],
      [60, 60, 90, 90],
    ]);
    assert.equal(o.score, 0.5);
    assert.deepEqual(o.details!.unmatched_gold, [1]);
  });

  it("refuses more boxes than max_predictions with score 0", async () => {
    const many = JSON.stringify(Array.from({ length: 5 }, (_, i) => [i, i, i + 10, i + 10]));
    const o = await run(many, [0, 0, 10, 10], { max_predictions: 4 });
    assert.equal(o.score, 0);
    assert.match(o.details!.reason as string, /5 boxes predicted, more than max_predictions \(4\)/);
  });
});

describe("box_iou: empty and failing inputs", () => {
  it("no gold box and an explicit empty answer [] -> 1; a box where none exists -> 0", async () => {
    assert.equal((await run("<answer>[]</answer>", [])).score, 1);
    assert.equal((await run("<answer>[1, 1, 5, 5]</answer>", [])).score, 0);
    assert.equal((await run("<answer>[]</answer>", { boxes: [] })).score, 1);
  });

  it("an empty answer where a box exists -> 0", async () => {
    const o = await run("<answer>[]</answer>", [10, 10, 50, 50]);
    assert.equal(o.score, 0);
    assert.equal(o.details!.recall, 0);
  });

  it("an answer with no box is the model's fault: status ok, score 0, details say why", async () => {
    const o = await run("<answer>the cat</answer>", [10, 10, 50, 50]);
    assert.deepEqual(o, { score: 0, status: "ok", details: { reason: "no box found in the answer", n_gold: 1 } });
    // missing_as_empty turns it into an empty prediction: right when there is no object.
    assert.equal((await run("<answer>there is no cat</answer>", [], { missing_as_empty: true })).score, 1);
    assert.equal((await run("<answer>there is no cat</answer>", [])).score, 0);
  });

  it("require_tag: no <answer> block scores 0", async () => {
    const o = await run("[10, 10, 50, 50]", [10, 10, 50, 50], { require_tag: true });
    assert.equal(o.score, 0);
    assert.match(o.details!.reason as string, /no <answer>/);
    assert.equal((await run("[10, 10, 50, 50]", [10, 10, 50, 50])).score, 1);
  });

  it("an inverted predicted box is worth nothing (IoU 0, GIoU −1)", async () => {
    const o = await run("[50, 50, 10, 10]", [10, 10, 50, 50], { metric: "giou" });
    assert.equal(o.score, 0);
    assert.deepEqual(o.details!.inverted_pred, [0]);
  });

  it("malformed references are invalid_input naming the field", async () => {
    const cases: [unknown, string][] = [
      [undefined, "reference: missing"],
      [{ boxes: [[1, 2, 3]] }, "reference.boxes[0]: expected four finite numbers"],
      [{ bbox: "x" }, "reference.bbox: expected a box [x1, y1, x2, y2] or a list of boxes"],
      [{ region: [1, 2, 3, 4] }, "reference.boxes: missing (expected a box [x1, y1, x2, y2] or a list of boxes)"],
      [[5, 5, 1, 9], "reference: x2 < x1 or y2 < y1 (format xyxy)"],
      [[[1, 1, 1, 9]], "reference[0]: the box has zero area"],
      [{ boxes: [1, 1, 2, 2], format: "cxcywh" }, 'reference.format: expected "xyxy" or "xywh"'],
      [{ boxes: [1, 1, 2, 2], width: -4 }, "reference.width: expected a positive number of pixels"],
      ["not json", "reference: a string that is not JSON"],
    ];
    for (const [ref, reason] of cases) {
      const o = await run("[1, 1, 2, 2]", ref);
      assert.equal(o.status, "invalid_input", reason);
      assert.equal(o.score, null);
      assert.equal(o.reason, reason);
    }
  });

  it("accepts a reference stored as a JSON string", async () => {
    close((await run("[30, 30, 70, 70]", "[10, 10, 50, 50]")).score, 1 / 7);
  });

  it("rejects bad params at compile time", () => {
    assert.equal(boxIouReward.params.safeParse({ metric: "diou" }).success, false);
    assert.equal(boxIouReward.params.safeParse({ threshold: 1.5 }).success, false);
    assert.equal(boxIouReward.params.safeParse({ answer_tag: "<answer>" }).success, false);
  });
});

describe("box_iou through the pipeline", () => {
  it("runs in a worker and scores a batch", async () => {
    const p = await compile({ rewards: { grounding: { type: "box_iou", metric: "giou" } } });
    try {
      const res = await p.score([
        { id: "a", prompt: "", completion: "<answer>[10, 10, 50, 50]</answer>", reference: [10, 10, 50, 50] },
        { id: "b", prompt: "", completion: "<answer>[30, 30, 70, 70]</answer>", reference: [10, 10, 50, 50] },
        { id: "c", prompt: "", completion: "<answer>[1, 1, 2, 2]</answer>", reference: { boxes: [[1, 2, 3]] } },
      ]);
      assert.equal(res[0]!.score, 1);
      close(res[1]!.components.grounding!.score, 29 / 63);
      assert.equal(res[2]!.components.grounding!.status, "invalid_input");
    } finally {
      await p.close();
    }
  });

  it("scores many samples in one call", async () => {
    const out = await scoreWith(
      boxIouReward,
      {},
      Array.from({ length: 50 }, (_, i) => ({ completion: `[${i}, 0, ${i + 10}, 10]`, reference: [0, 0, 10, 10] })),
    );
    // Shift by i along x: IoU = (10 − i)/(10 + i) for i < 10, else 0.
    out.forEach((o, i) => close(o.score, i < 10 ? (10 - i) / (10 + i) : 0));
  });
});
