/**
 * Fine-Grained RLHF (Wu et al., NeurIPS 2023) dense rewards: K reward models each split the
 * output into their own segments; RM k's reward for segment j sits on that segment's last token,
 * weighted by w_k; a holistic RM's normalized score sits on the final token; a per-token KL
 * penalty is subtracted everywhere:
 *   r_t = Σ_k Σ_j 1(t = T_j^k)·w_k·R_k(j) − β·(log π_θ(a_t) − log π_init(a_t)).
 */

/** The QA-Feedback constants of the released config (`fine_grained_config.yml`). */
export const QA_FEEDBACK = {
  /** R1, per sub-sentence: +0.3 if predicted "no error", else −0.3. */
  relevance: { segment: "subsentences", positive: 0.3, negative: -0.3 },
  /** R2, per sentence: +0.5 / −0.5. */
  factuality: { segment: "sentences", positive: 0.5, negative: -0.5 },
  /** R3, whole sequence: ((r − mean)/std)·scale + bias on the last token. */
  completeness: { mean: -0.44677690555995353, std: 8.301160619054132, scale: 0.3, bias: 0.0 },
  klCoef: 0.3,
} as const;

export type SegmentChannel = {
  /** Token index of each segment's last token (T_j^k). */
  ends: readonly number[];
  /** The RM's reward for each segment (R_k(j)). */
  values: readonly number[];
  /** w_k (default 1; the QA-Feedback config folds weights into ± magnitudes). */
  weight?: number;
};

export type HolisticChannel = { score: number; mean: number; std: number; scale?: number; bias?: number };

/** A binary segment verdict as a reward: `positive` when the segment has no error. */
export function labelReward(noError: boolean, values: { positive: number; negative: number }): number {
  return noError ? values.positive : values.negative;
}

/** The holistic RM's normalized score: ((r − mean)/std)·scale + bias. */
export function holisticReward(h: HolisticChannel): number {
  return ((h.score - h.mean) / h.std) * (h.scale ?? 1) + (h.bias ?? 0);
}

/**
 * The per-token reward list of one response of `length` tokens. Indices past the end are clipped
 * to the last token (the code clips to the generated length − 1).
 */
export function fineGrainedTokenRewards(
  length: number,
  channels: readonly SegmentChannel[],
  opts: { holistic?: HolisticChannel; kl?: { coef: number; logRatios: readonly number[] } } = {},
): number[] {
  const r = new Array<number>(length).fill(0);
  if (length === 0) return r;
  for (const ch of channels) {
    if (ch.ends.length !== ch.values.length) throw new Error(`segment channel: ${ch.ends.length} ends but ${ch.values.length} values`);
    const w = ch.weight ?? 1;
    ch.ends.forEach((t, j) => {
      r[Math.min(Math.max(t, 0), length - 1)]! += w * ch.values[j]!;
    });
  }
  if (opts.holistic) r[length - 1]! += holisticReward(opts.holistic);
  if (opts.kl) for (let t = 0; t < length; t++) r[t]! -= opts.kl.coef * (opts.kl.logRatios[t] ?? 0);
  return r;
}
