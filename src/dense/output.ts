/**
 * The spec's `dense` output: each sample's per-segment component scores, weighted and merged by
 * span, and — with a tokenizer — placed on the last token of each segment, with the holistic
 * reward on the response's last token (verl puts the outcome reward at valid_response_length − 1;
 * Fine-Grained RLHF puts segment j's reward at its last token).
 */
import { completionText } from "../core/text.ts";
import type { DenseOutput, Sample, Segment, TokenRewards } from "../core/types.ts";
import type { ScoredSample } from "../pipeline/pipeline.ts";
import type { CompiledSpec } from "../spec/compile.ts";
import { tokenLevelRewards } from "./spans.ts";
import type { TokenizedText, TokenizerJson } from "./tokenizer.ts";

/** Builds the pipeline's `finish` hook for a spec with a `dense` section. */
export function denseFinisher(spec: CompiledSpec, tokenizer?: TokenizerJson): (samples: readonly Sample[], results: ScoredSample[]) => void {
  const dense = spec.dense!;
  const weights = new Map(spec.rewards.filter((r) => r.perSegment).map((r) => [r.name, dense.weights?.[r.name] ?? r.weight]));
  return (samples, results) => {
    results.forEach((r, i) => {
      if (r.status === "invalid_input" && Object.values(r.components).every((c) => c.status === "invalid_input")) return;
      const segments = mergeSegments(r, weights);
      const out: DenseOutput = { segments };
      if (tokenizer) {
        const sample = samples[i]!;
        const { tt, reason } = tokenize(tokenizer, sample);
        const holistic = dense.holistic === "none" ? null : dense.holistic === "total" ? r.score : (r.components[dense.holistic]?.score ?? null);
        out.tokens = placeOnTokens(tt, segments, holistic);
        if (reason) out.reason = reason;
      }
      r.dense = out;
    });
  };
}

/** Weighted sum of the per-segment components' scores, one entry per distinct span, in text order. */
function mergeSegments(r: ScoredSample, weights: Map<string, number>): Segment[] {
  const bySpan = new Map<string, Segment>();
  for (const [name, w] of weights) {
    for (const s of r.components[name]?.segments ?? []) {
      const key = `${s.start}:${s.end}`;
      const seg = bySpan.get(key);
      if (seg) seg.score += w * s.score;
      else bySpan.set(key, { ...s, score: w * s.score });
    }
  }
  return [...bySpan.values()].sort((a, b) => a.start - b.start || a.end - b.end);
}

/**
 * The response's tokens: the trainer's own ids (`meta.response_ids`) when they decode to the
 * completion, else the completion tokenized here (and a reason saying so).
 */
function tokenize(tok: TokenizerJson, sample: Sample): { tt: TokenizedText; reason?: string } {
  const text = completionText(sample);
  const ids = sample.meta?.response_ids;
  if (Array.isArray(ids) && ids.every((x) => Number.isInteger(x))) {
    try {
      const tt = tok.fromIds(ids as number[]);
      if (tt.text === text) return { tt };
      return { tt: tok.encode(text), reason: "meta.response_ids do not decode to the completion text: tokenized the completion instead" };
    } catch (err) {
      return { tt: tok.encode(text), reason: `meta.response_ids: ${(err as Error).message}; tokenized the completion instead` };
    }
  }
  return { tt: tok.encode(text) };
}

function placeOnTokens(tt: TokenizedText, segments: Segment[], holistic: number | null): TokenRewards {
  const length = tt.ids.length;
  const placed = new Map<number, number>();
  const { positions } = tokenLevelRewards(tt, segments);
  positions.forEach((p, k) => {
    if (p >= 0) placed.set(p, (placed.get(p) ?? 0) + segments[k]!.score);
  });
  if (holistic !== null && length > 0) placed.set(length - 1, (placed.get(length - 1) ?? 0) + holistic);
  const sorted = [...placed.entries()].sort((a, b) => a[0] - b[0]);
  return { length, positions: sorted.map(([p]) => p), values: sorted.map(([, v]) => v) };
}
