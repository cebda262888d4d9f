import type { ScoredSample } from "../pipeline/pipeline.ts";
import type { Outcome } from "../core/types.ts";

export type OutputOptions = {
  /** Include each component's `details` (extracted answers, judge text...). */
  details: boolean;
};

/** One output row: the input id, the total, and every component's score/status/reason. */
export function resultRow(r: ScoredSample, o: OutputOptions, extra?: { group?: string; input?: unknown }): Record<string, unknown> {
  const components: Record<string, Partial<Outcome>> = {};
  for (const [name, c] of Object.entries(r.components)) {
    const row: Partial<Outcome> = { score: c.score, status: c.status };
    if (c.reason !== undefined) row.reason = c.reason;
    if (o.details && c.details !== undefined) row.details = c.details;
    if (o.details && c.segments !== undefined) row.segments = c.segments;
    components[name] = row;
  }
  const out: Record<string, unknown> = { id: r.id, score: r.score, status: r.status };
  if (r.reason !== undefined) out.reason = r.reason;
  if (r.gate !== undefined) out.gate = r.gate;
  if (extra?.group !== undefined) out.group = extra.group;
  out.components = components;
  if (r.dense !== undefined) out.dense = r.dense;
  if (extra?.input !== undefined) out.input = extra.input;
  return out;
}
