import { z } from "zod";
import { invalidInput, ok } from "../../core/outcome.ts";
import { defineRewardType } from "../../core/reward-type.ts";
import type { Outcome, Sample } from "../../core/types.ts";
import { answerParams, fromAnswer, matchParams, readReference, takePredictions } from "./common.ts";
import { pointInBox } from "./geometry.ts";
import { goldBoxesAndScale } from "./gold-boxes.ts";
import { matchSets, pick, summary } from "./matching.ts";
import { extractPoints } from "./parse.ts";

const Params = z.strictObject({
  /** Layout of gold boxes whose reference does not say (`reference.format`). */
  gold_format: z.enum(["xyxy", "xywh"]).default("xyxy"),
  /** `pixel`, or `normalized` coordinates running 0..pred_scale (100 for Molmo's points). */
  pred_coords: z.enum(["pixel", "normalized"]).default("pixel"),
  pred_scale: z.number().positive().finite().default(1),
  score_by: matchParams.score_by,
  max_predictions: matchParams.max_predictions,
  ...answerParams,
});
type P = z.output<typeof Params>;

function scoreOne(s: Sample, p: P): Outcome {
  const ref = readReference(s.reference, (v) => goldBoxesAndScale(v, p));
  if (typeof ref === "string") return invalidInput(ref);
  const { gold, scale } = ref;

  const taken = takePredictions(fromAnswer(s, p, extractPoints), p, "points", { n_gold: gold.boxes.length });
  if (!("items" in taken)) return taken;
  const pts = taken.items.map(([x, y]): [number, number] => [x * scale.sx, y * scale.sy]);
  const inside = (i: number, j: number) => pointInBox(pts[i]![0], pts[i]![1], gold.boxes[j]!);
  // Each point may claim one box and each box one point: a hit is worth 1, a miss 0.
  const m = matchSets(pts.length, gold.boxes.length, (i, j) => (inside(i, j) ? 1 : 0), inside);
  const details: Record<string, unknown> = {
    hits: m.tp,
    matches: m.pairs.map((x) => ({ pred: x.pred, gold: x.gold, inside: x.hit })),
    ...summary(m),
    predicted: pts,
    ...taken.parse,
  };
  return ok(pick(m, p.score_by), details);
}

/**
 * Whether predicted points fall inside gold boxes (edges included), one point per box.
 * With one point and one box every score_by gives 1 for a hit and 0 for a miss.
 * @example
 * rewards: { pointing: { type: point_in_box } }
 * # reference: [100, 50, 200, 150]     completion: "<answer><point>(150, 90)</point></answer>"  -> 1
 */
export const pointInBoxReward = defineRewardType({
  type: "point_in_box",
  summary: "Predicted points fall inside the gold boxes (one-to-one matched; fraction hit, or P/R/F1)",
  params: Params,
  runs: "worker",
  uses: ["completion", "reference"],
  create(p) {
    return { name: "point_in_box", score: async (batch) => batch.map((s) => scoreOne(s, p)) };
  },
  describe: (p) => `points inside gold boxes (${p.score_by})`,
});
