import { z } from "zod";
import { invalidInput, ok } from "../../core/outcome.ts";
import { defineRewardType } from "../../core/reward-type.ts";
import type { Outcome, Sample } from "../../core/types.ts";
import { answerParams, fromAnswer, matchParams, readReference, takePredictions } from "./common.ts";
import { type Box, boxGiou, boxIou, isInverted, toXyxy } from "./geometry.ts";
import { goldBoxesAndScale } from "./gold-boxes.ts";
import { matchSets, pick, summary } from "./matching.ts";
import { extractBoxes } from "./parse.ts";

const Format = z.enum(["xyxy", "xywh"]);

const Params = z.strictObject({
  /** `iou`, or `giou` (generalized IoU, mapped from [−1, 1] to [0, 1] as (GIoU + 1) / 2). */
  metric: z.enum(["iou", "giou"]).default("iou"),
  /** Layout of the predicted boxes. */
  pred_format: Format.default("xyxy"),
  /** Layout of gold boxes whose reference does not say (`reference.format`). */
  gold_format: Format.default("xyxy"),
  /** `pixel`, or `normalized` coordinates running 0..pred_scale. */
  pred_coords: z.enum(["pixel", "normalized"]).default("pixel"),
  /** Upper end of normalized predicted coordinates: 1, or 1000 for Qwen2-VL's `<|box_start|>` boxes. */
  pred_scale: z.number().positive().finite().default(1),
  ...matchParams,
  ...answerParams,
});
type P = z.output<typeof Params>;

function scoreOne(s: Sample, p: P): Outcome {
  const ref = readReference(s.reference, (v) => goldBoxesAndScale(v, p));
  if (typeof ref === "string") return invalidInput(ref);
  const { gold, scale } = ref;

  const taken = takePredictions(fromAnswer(s, p, extractBoxes), p, "boxes", { n_gold: gold.boxes.length });
  if (!("items" in taken)) return taken;
  const pred: Box[] = taken.items.map((b) => {
    const [x1, y1, x2, y2] = toXyxy(b, p.pred_format);
    return [x1 * scale.sx, y1 * scale.sy, x2 * scale.sx, y2 * scale.sy];
  });
  const inverted = pred.flatMap((b, i) => (isInverted(b) ? [i] : []));

  // An inverted predicted box (x2 < x1 or y2 < y1) is worth nothing: IoU 0, GIoU −1.
  const nG = gold.boxes.length;
  const iou = new Float64Array(pred.length * nG);
  const giou = p.metric === "giou" ? new Float64Array(pred.length * nG) : undefined;
  for (let i = 0; i < pred.length; i++) {
    const bad = isInverted(pred[i]!);
    for (let j = 0; j < nG; j++) {
      iou[i * nG + j] = bad ? 0 : boxIou(pred[i]!, gold.boxes[j]!);
      if (giou) giou[i * nG + j] = bad ? -1 : boxGiou(pred[i]!, gold.boxes[j]!);
    }
  }
  const m = matchSets(
    pred.length,
    nG,
    giou ? (i, j) => (giou[i * nG + j]! + 1) / 2 : (i, j) => iou[i * nG + j]!,
    (i, j) => iou[i * nG + j]! >= p.threshold,
  );
  // Raw means over max(#pred, #gold), unmatched boxes counting as IoU 0 / GIoU −1.
  const denom = Math.max(pred.length, nG);
  const meanIou = denom === 0 ? 1 : m.pairs.reduce((a, x) => a + iou[x.pred * nG + x.gold]!, 0) / denom;
  const details: Record<string, unknown> = {
    metric: p.metric,
    iou: meanIou,
    ...(giou ? { giou: denom === 0 ? 1 : (m.pairs.reduce((a, x) => a + giou[x.pred * nG + x.gold]!, 0) - (denom - m.pairs.length)) / denom } : {}),
    matches: m.pairs.map((x) => ({
      pred: x.pred,
      gold: x.gold,
      iou: iou[x.pred * nG + x.gold]!,
      ...(giou ? { giou: giou[x.pred * nG + x.gold]! } : {}),
    })),
    ...summary(m),
    threshold: p.threshold,
    predicted: pred,
    ...taken.parse,
  };
  if (inverted.length > 0) details.inverted_pred = inverted;
  return ok(pick(m, p.score_by), details);
}

/**
 * IoU / GIoU between predicted and gold boxes, several boxes matched one-to-one by the Hungarian
 * algorithm (Mixed-R1's IoU reward; Veason-R1's Hungarian-matched spatial reward).
 * @example
 * rewards: { grounding: { type: box_iou, metric: giou, pred_coords: normalized, pred_scale: 1000 } }
 * # reference: { boxes: [[10, 10, 50, 50]], width: 640, height: 480 }
 * # completion: "<answer>[{\"bbox_2d\": [12, 8, 49, 52]}]</answer>"
 */
export const boxIouReward = defineRewardType({
  type: "box_iou",
  summary: "IoU or GIoU of predicted boxes against gold boxes (Hungarian-matched; mean IoU or P/R/F1 at a threshold)",
  params: Params,
  runs: "worker",
  uses: ["completion", "reference"],
  create(p) {
    return { name: "box_iou", score: async (batch) => batch.map((s) => scoreOne(s, p)) };
  },
  describe: (p) => `box ${p.metric} (${p.score_by}${p.score_by === "mean" ? "" : ` @ ${p.threshold}`})`,
});
