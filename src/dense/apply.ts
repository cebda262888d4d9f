/**
 * Any reward applied per segment: each segment becomes a sample of its own (the segment alone,
 * or the completion up to the segment's end), scored by the reward's ordinary batch call, and
 * the results come back as the Outcome's `segments`.
 */
import { foldSegmentOutcomes } from "../core/segments.ts";
import type { Outcome, Reward, RewardContext, Sample } from "../core/types.ts";
import type { Span } from "./segment.ts";

export type PerSegmentOptions = {
  /** What the reward sees as the completion: the segment alone (default) or the text up to its end. */
  context?: "segment" | "prefix";
  /** How segment scores become the sample's score (default "mean"); "min" suits "every step must hold". */
  aggregate?: "mean" | "min" | "sum" | "last";
};

/** The samples that score each segment of `text`; ids are `<id>#<k>`. */
export function segmentSamples(sample: Sample, text: string, spans: readonly Span[], context: "segment" | "prefix" = "segment"): Sample[] {
  return spans.map((s, k) => ({ ...sample, id: `${sample.id}#${k}`, completion: context === "prefix" ? text.slice(0, s.end) : s.text }));
}

/**
 * Scores every span with `reward` and folds the result into one Outcome with `segments` (see
 * foldSegmentOutcomes: failed segments are left out; if none scored, the first failure stands).
 */
export async function scorePerSegment(reward: Reward, sample: Sample, text: string, spans: readonly Span[], ctx: RewardContext, opts: PerSegmentOptions = {}): Promise<Outcome> {
  if (spans.length === 0) return { score: null, status: "not_applicable", reason: "no segments in the completion" };
  const outs = await reward.score(segmentSamples(sample, text, spans, opts.context), ctx);
  return foldSegmentOutcomes(outs, spans, opts.aggregate);
}
