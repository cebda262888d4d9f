import { z } from "zod";
import { invalidInput, ok } from "../../core/outcome.ts";
import { defineRewardType } from "../../core/reward-type.ts";
import type { Outcome, Sample } from "../../core/types.ts";
import { answerParams, MISSING, maskSourceParams, predictedMasks, readReference, takePredictions } from "./common.ts";
import { BoundaryScratch, boundaryF, boundPixels, regionJ } from "./davis.ts";
import { extractFrames, isMaskLike } from "./parse.ts";
import { toColumnMajor } from "./rle.ts";

const Params = z.strictObject({
  /** Boundary tolerance: a fraction of the image diagonal (< 1), or whole pixels (≥ 1). DAVIS: 0.008. */
  bound_th: z
    .number()
    .positive()
    .finite()
    .default(0.008)
    .refine((v) => v < 1 || Number.isInteger(v), "a tolerance of 1 or more is a whole number of pixels"),
  /** Drop the first and last frames, as DAVIS' semi-supervised evaluation does (the first is given as input). */
  exclude_first_last: z.boolean().default(false),
  ...maskSourceParams,
  ...answerParams,
});
type P = z.output<typeof Params>;

type Frame = { h: number; w: number; data: Uint8Array };

/** `[frames...]` or `{frames: [...]}` (also `masks`). */
function frameList(v: unknown): unknown[] | undefined {
  if (Array.isArray(v)) return v.every(isMaskLike) ? v : undefined;
  if (typeof v === "object" && v !== null) {
    const o = v as Record<string, unknown>;
    const list = o.frames ?? o.masks;
    return Array.isArray(list) ? list : undefined;
  }
  return undefined;
}

/**
 * Gold frames: a list of per-frame masks, or `{frames: [...], void?: [...]}` where `void` marks,
 * per frame, pixels left out of both measures (DAVIS label 255); a `null` void entry means none.
 */
function readGold(ref: unknown): { frames: Frame[]; voids: (Uint8Array | undefined)[] } | string {
  const o = typeof ref === "object" && ref !== null && !Array.isArray(ref) ? (ref as Record<string, unknown>) : undefined;
  const list = Array.isArray(ref) ? ref : o?.frames;
  const field = Array.isArray(ref) ? "reference" : "reference.frames";
  if (!Array.isArray(list)) return "reference.frames: expected a list of per-frame masks";
  if (list.length === 0) return `${field}: no frames`;
  const frames: Frame[] = [];
  for (let t = 0; t < list.length; t++) {
    const d = toColumnMajor(list[t], `${field}[${t}]`);
    if (!d.ok) return d.why;
    frames.push(d);
  }
  const voids: (Uint8Array | undefined)[] = frames.map(() => undefined);
  if (o?.void !== undefined) {
    if (!Array.isArray(o.void) || o.void.length !== frames.length) return `reference.void: expected one entry (mask or null) per frame (${frames.length})`;
    for (let t = 0; t < frames.length; t++) {
      if (o.void[t] === null) continue;
      const d = toColumnMajor(o.void[t], `reference.void[${t}]`);
      if (!d.ok) return d.why;
      if (d.h !== frames[t]!.h || d.w !== frames[t]!.w) return `reference.void[${t}]: size ${d.h}×${d.w} differs from the frame's ${frames[t]!.h}×${frames[t]!.w}`;
      voids[t] = d.data;
    }
  }
  return { frames, voids };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

function scoreOne(s: Sample, p: P): Outcome {
  const gold = readReference(s.reference, readGold);
  if (typeof gold === "string") return invalidInput(gold);
  const nGold = gold.frames.length;

  if (p.exclude_first_last && nGold < 3) return invalidInput(`reference.frames: exclude_first_last needs at least 3 frames, got ${nGold}`);

  const taken = takePredictions(predictedMasks(s, p, extractFrames, frameList), p, "frames", { n_frames: nGold });
  if (!("items" in taken)) return taken;
  // missing_as_empty: no answer means "the object is in no frame".
  const items = taken.parse.how === MISSING ? gold.frames.map((g) => ({ size: [g.h, g.w], counts: [g.h * g.w] })) : taken.items;
  if (items.length !== nGold) {
    return ok(0, { reason: `${items.length} predicted frames, the reference has ${nGold}`, n_frames: nGold });
  }
  const first = p.exclude_first_last ? 1 : 0;
  const last = p.exclude_first_last ? nGold - 1 : nGold;
  const J: number[] = [];
  const F: number[] = [];
  let scratch: BoundaryScratch | undefined;
  let boundPix = 0;
  for (let t = first; t < last; t++) {
    const g = gold.frames[t]!;
    const d = toColumnMajor(items[t], `predicted frame ${t}`);
    if (!d.ok) return ok(0, { reason: d.why, n_frames: nGold });
    if (d.h !== g.h || d.w !== g.w) return ok(0, { reason: `predicted frame ${t} is ${d.h}×${d.w}, the reference frame is ${g.h}×${g.w}`, n_frames: nGold });
    // Column-major data is the transposed image (rows = width); J and F do not change under transposition.
    if (!scratch || scratch.rows !== g.w || scratch.cols !== g.h) {
      scratch = new BoundaryScratch(g.w, g.h);
      boundPix = boundPixels(p.bound_th, g.h, g.w);
    }
    const v = gold.voids[t];
    J.push(regionJ(g.data, d.data, v));
    F.push(boundaryF(g.data, d.data, scratch, boundPix, v).f);
  }
  const jMean = mean(J);
  const fMean = mean(F);
  return ok((jMean + fMean) / 2, {
    JF: (jMean + fMean) / 2,
    J: jMean,
    F: fMean,
    // DAVIS "recall": share of frames scoring above 0.5.
    J_recall: J.filter((x) => x > 0.5).length / J.length,
    F_recall: F.filter((x) => x > 0.5).length / F.length,
    J_frames: J,
    F_frames: F,
    bound_pix: boundPix,
    frames_scored: J.length,
    ...taken.parse,
  });
}

/**
 * DAVIS J&F for one object over a video: J = mean region IoU over frames (an empty union scores
 * 1), F = mean boundary F-measure with the DAVIS tolerance (bound_th · image diagonal, rounded up).
 * @example
 * rewards: { vos: { type: jf, source: meta, meta_key: sam2_masks } }
 * # reference: { frames: [{size: [480, 854], counts: "..."}, ...] }
 */
export const jfReward = defineRewardType({
  type: "jf",
  summary: "DAVIS video segmentation J&F: mean region IoU (J) and boundary F-measure (F) over frames",
  params: Params,
  runs: "worker",
  uses: ["completion", "reference", "meta"],
  create(p) {
    return { name: "jf", score: async (batch) => batch.map((s) => scoreOne(s, p)) };
  },
  describe: (p) => `DAVIS J&F (bound_th ${p.bound_th})`,
});
