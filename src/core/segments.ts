import type { Outcome, Segment } from "./types.ts";

/** A character span [start, end) of a completion, as a segmenter returns it. */
export type Span = { start: number; end: number; text: string; label?: string };

export type Aggregate = "mean" | "min" | "sum" | "last";

/**
 * Folds the outcomes of a completion's segments into one Outcome with `segments`. A segment the
 * reward could not score (status not ok) is left out of `segments` and of the aggregate; if none
 * scored, the first failure stands for the whole, naming the segment.
 */
export function foldSegmentOutcomes(outs: readonly Outcome[], spans: readonly Span[], aggregate: Aggregate = "mean"): Outcome {
  if (spans.length === 0) return { score: null, status: "not_applicable", reason: "no segments in the completion" };
  const segments: Segment[] = [];
  spans.forEach((s, k) => {
    const o = outs[k];
    if (!o || o.status !== "ok" || o.score === null) return;
    const seg: Segment = { start: s.start, end: s.end, score: o.score };
    if (s.label !== undefined) seg.label = s.label;
    segments.push(seg);
  });
  if (segments.length === 0) {
    const k = outs.findIndex((o) => o && o.status !== "ok");
    const first = outs[Math.max(0, k)]!;
    return { ...first, score: null, reason: `segment ${Math.max(0, k) + 1} of ${spans.length}: ${first.reason ?? first.status}` };
  }
  const scores = segments.map((s) => s.score);
  const total =
    aggregate === "min"
      ? Math.min(...scores)
      : aggregate === "sum"
        ? scores.reduce((a, b) => a + b, 0)
        : aggregate === "last"
          ? scores[scores.length - 1]!
          : scores.reduce((a, b) => a + b, 0) / scores.length;
  return { score: total, status: "ok", details: { segments_scored: segments.length, segments_total: spans.length }, segments };
}
