import { z } from "zod";
import { invalidInput, ok } from "../../core/outcome.ts";
import { defineRewardType } from "../../core/reward-type.ts";
import type { Outcome, Sample } from "../../core/types.ts";
import { answerParams, maskSourceParams, matchParams, predictedMasks, readReference, takePredictions } from "./common.ts";
import { matchSets, pick, summary } from "./matching.ts";
import { extractMasks, isMaskLike } from "./parse.ts";
import { type Rle, rleArea, rleOverlap, toRle } from "./rle.ts";

const Params = z.strictObject({
  /**
   * IoU of a pair whose masks are both empty. 0 follows pycocotools (`mask.iou` is 0 whenever
   * the intersection is empty); 1 follows the DAVIS J convention (empty union = perfect).
   */
  empty_pair_iou: z.number().min(0).max(1).default(0),
  ...matchParams,
  ...maskSourceParams,
  ...answerParams,
});
type P = z.output<typeof Params>;

/** A list of mask values: one mask, a list of masks, `{mask}` or `{masks}`. */
function maskList(v: unknown): unknown[] | undefined {
  if (isMaskLike(v)) return [v];
  if (Array.isArray(v)) return v;
  if (typeof v === "object" && v !== null) {
    const o = v as Record<string, unknown>;
    if ("mask" in o) return [o.mask];
    if (Array.isArray(o.masks)) return o.masks;
    if ("polygons" in o || "polygon" in o || "segmentation" in o) return [v];
  }
  return undefined;
}

/**
 * Gold masks. Reference forms: a mask (COCO RLE `{size, counts}` compressed or uncompressed, a
 * 2-D 0/1 array, or COCO polygons `{size, polygons}`), a list of masks (`[]` = no object),
 * `{mask: ...}` or `{masks: [...]}`.
 */
function readGold(ref: unknown): Rle[] | string {
  const o = typeof ref === "object" && ref !== null && !Array.isArray(ref) ? (ref as Record<string, unknown>) : undefined;
  let items: unknown[];
  let field: (i: number) => string;
  if (isMaskLike(ref) || (o && !("mask" in o) && !("masks" in o))) {
    items = [ref];
    field = () => "reference";
  } else if (Array.isArray(ref)) {
    items = ref;
    field = (i) => `reference[${i}]`;
  } else if (o && "mask" in o) {
    items = [o.mask];
    field = () => "reference.mask";
  } else if (o && Array.isArray(o.masks)) {
    items = o.masks;
    field = (i) => `reference.masks[${i}]`;
  } else {
    return "reference.masks: expected a mask (RLE {size, counts}, 2-D array or {size, polygons}) or a list of masks";
  }
  const out: Rle[] = [];
  for (let i = 0; i < items.length; i++) {
    const r = toRle(items[i], field(i));
    if (!r.ok) return r.why;
    out.push(r.rle);
  }
  return out;
}

function scoreOne(s: Sample, p: P): Outcome {
  const gold = readReference(s.reference, readGold);
  if (typeof gold === "string") return invalidInput(gold);

  const taken = takePredictions(predictedMasks(s, p, extractMasks, maskList), p, "masks", { n_gold: gold.length });
  if (!("items" in taken)) return taken;
  const raw = taken.items;
  const pred: Rle[] = [];
  for (let i = 0; i < raw.length; i++) {
    const r = toRle(raw[i], `predicted mask ${i}`);
    // A mask the model wrote but that does not decode is the model's fault: score 0, say why.
    if (!r.ok) return ok(0, { reason: r.why, n_gold: gold.length });
    pred.push(r.rle);
  }

  const nG = gold.length;
  const iou = new Float64Array(pred.length * nG);
  const mismatched: { pred: number; gold: number }[] = [];
  for (let i = 0; i < pred.length; i++) {
    for (let j = 0; j < nG; j++) {
      const a = pred[i]!;
      const b = gold[j]!;
      if (a.h !== b.h || a.w !== b.w) {
        mismatched.push({ pred: i, gold: j });
        continue;
      }
      const { inter, union } = rleOverlap(a, b);
      iou[i * nG + j] = union === 0 ? p.empty_pair_iou : inter === 0 ? 0 : inter / union;
    }
  }
  const m = matchSets(
    pred.length,
    nG,
    (i, j) => iou[i * nG + j]!,
    (i, j) => iou[i * nG + j]! >= p.threshold,
  );
  const details: Record<string, unknown> = {
    iou: m.mean,
    matches: m.pairs.map((x) => ({ pred: x.pred, gold: x.gold, iou: x.score })),
    ...summary(m),
    threshold: p.threshold,
    pred_area: pred.map(rleArea),
    gold_area: gold.map(rleArea),
    ...taken.parse,
  };
  if (mismatched.length > 0) details.size_mismatch = mismatched;
  return ok(pick(m, p.score_by), details);
}

/**
 * Mask IoU against gold masks given as COCO RLE (compressed strings or uncompressed runs), 2-D
 * binary arrays or COCO polygons, computed on the runs without decoding; several masks are
 * matched one-to-one by the Hungarian algorithm.
 * @example
 * rewards: { seg: { type: mask_iou } }
 * # reference: { size: [4, 4], counts: "52203" }
 * # completion: '<answer>{"size": [4, 4], "counts": [5, 2, 2, 2, 5]}</answer>'  -> 1
 */
export const maskIouReward = defineRewardType({
  type: "mask_iou",
  summary: "IoU of predicted masks (COCO RLE, 2-D arrays, polygons) against gold masks (Hungarian-matched)",
  params: Params,
  runs: "worker",
  uses: ["completion", "reference", "meta"],
  create(p) {
    return { name: "mask_iou", score: async (batch) => batch.map((s) => scoreOne(s, p)) };
  },
  describe: (p) => `mask IoU (${p.score_by}${p.score_by === "mean" ? "" : ` @ ${p.threshold}`})`,
});
