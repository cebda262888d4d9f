import { z } from "zod";
import { invalidInput, ok } from "../../core/outcome.ts";
import { defineRewardType } from "../../core/reward-type.ts";
import type { Outcome, Sample } from "../../core/types.ts";
import { answerParams, fromAnswer, matchParams, readReference, takePredictions } from "./common.ts";
import { segmentIou } from "./geometry.ts";
import { matchSets, pick, summary } from "./matching.ts";
import { extractSegments, seconds } from "./parse.ts";

const Params = z.strictObject({
  ...matchParams,
  ...answerParams,
});
type P = z.output<typeof Params>;

type Seg = [number, number];

/**
 * Gold segments: `[start, end]`, a list of them (`[]` = the event does not occur),
 * `{start, end}`, or `{segments | segment | timestamps: ...}`; times in seconds or "mm:ss" /
 * "hh:mm:ss" strings.
 */
function readGoldSegments(ref: unknown): Seg[] | string {
  let raw: unknown = ref;
  let field = "reference";
  if (typeof ref === "object" && ref !== null && !Array.isArray(ref)) {
    const o = ref as Record<string, unknown>;
    if ("start" in o || "end" in o) raw = [[o.start, o.end]];
    else {
      const key = (["segments", "segment", "timestamps"] as const).find((k) => k in o);
      if (key === undefined) return "reference.segments: missing (expected [start, end] or a list of them)";
      raw = o[key];
      field = `reference.${key}`;
    }
  }
  if (!Array.isArray(raw)) return `${field}: expected [start, end] or a list of them`;
  const single = raw.length === 2 && !Array.isArray(raw[0]);
  const list: unknown[] = single ? [raw] : raw;
  const out: Seg[] = [];
  for (let i = 0; i < list.length; i++) {
    const at = single ? field : `${field}[${i}]`;
    const seg = list[i];
    if (!Array.isArray(seg) || seg.length !== 2) return `${at}: expected [start, end]`;
    const a = seconds(seg[0]);
    const b = seconds(seg[1]);
    if (a === undefined || b === undefined) return `${at}: expected times in seconds or "mm:ss"`;
    if (!(b > a)) return `${at}: end must be after start`;
    out.push([a, b]);
  }
  return out;
}

function scoreOne(s: Sample, p: P): Outcome {
  const gold = readReference(s.reference, readGoldSegments);
  if (typeof gold === "string") return invalidInput(gold);

  const taken = takePredictions(fromAnswer(s, p, extractSegments), p, "segments", { n_gold: gold.length });
  if (!("items" in taken)) return taken;
  const pred = taken.items;
  // A reversed predicted segment (end < start) overlaps nothing.
  const tiou = (i: number, j: number) => (pred[i]![1] < pred[i]![0] ? 0 : segmentIou(pred[i]!, gold[j]!));
  const m = matchSets(pred.length, gold.length, tiou, (i, j) => tiou(i, j) >= p.threshold);
  const details: Record<string, unknown> = {
    tiou: m.mean,
    matches: m.pairs.map((x) => ({ pred: x.pred, gold: x.gold, tiou: x.score })),
    ...summary(m),
    threshold: p.threshold,
    predicted: pred,
    ...taken.parse,
  };
  return ok(pick(m, p.score_by), details);
}

/**
 * Temporal IoU of predicted [start, end] segments against gold segments (video grounding /
 * moment retrieval rewards such as Veason-R1's temporal term and Time-R1's tIoU), several
 * segments matched one-to-one by the Hungarian algorithm.
 * @example
 * rewards: { when: { type: temporal_iou } }
 * # reference: [12.0, 18.0]     completion: "<answer>13.5 to 18.0 seconds</answer>"  -> 0.75
 */
export const temporalIouReward = defineRewardType({
  type: "temporal_iou",
  summary: "Temporal IoU of predicted [start, end] segments against gold segments (Hungarian-matched)",
  params: Params,
  runs: "worker",
  uses: ["completion", "reference"],
  create(p) {
    return { name: "temporal_iou", score: async (batch) => batch.map((s) => scoreOne(s, p)) };
  },
  describe: (p) => `temporal IoU (${p.score_by}${p.score_by === "mean" ? "" : ` @ ${p.threshold}`})`,
});
