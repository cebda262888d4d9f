/**
 * Any reward applied per segment: each segment becomes a sample of its own (the segment alone,
 * or the completion up to the segment's end), scored by the reward's ordinary batch call, and
 * the results come back as the Outcome's `segments`.
 */
import { ok } from "../core/outcome.ts";
import type { Outcome, Reward, RewardContext, Sample, Segment } from "../core/types.ts";
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
 * Scores every span with `reward` and folds the result into one Outcome with `segments`. A span
 * the reward could not score (status not ok) is left out of `segments` and of the aggregate;
 * if none scored, the first failure is returned.
 */
export async function scorePerSegment(reward: Reward, sample: Sample, text: string, spans: readonly Span[], ctx: RewardContext, opts: PerSegmentOptions = {}): Promise<Outcome> {
  if (spans.length === 0) return { score: null, status: "not_applicable", reason: "no segments in the completion" };
  const outs = await reward.score(segmentSamples(sample, text, spans, opts.context), ctx);
  const segments: Segment[] = [];
  spans.forEach((s, k) => {
    const o = outs[k]!;
    if (o.status !== "ok" || o.score === null) return;
    const seg: Segment = { start: s.start, end: s.end, score: o.score };
    if (s.label !== undefined) seg.label = s.label;
    segments.push(seg);
  });
  if (segments.length === 0) return outs[0]!;
  const scores = segments.map((s) => s.score);
  const agg = opts.aggregate ?? "mean";
  const total =
    agg === "min" ? Math.min(...scores) : agg === "sum" ? scores.reduce((a, b) => a + b, 0) : agg === "last" ? scores[scores.length - 1]! : scores.reduce((a, b) => a + b, 0) / scores.length;
  return { ...ok(total, { segments_scored: segments.length, segments_total: spans.length }), segments };
}
