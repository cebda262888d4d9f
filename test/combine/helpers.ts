import { createCombiner, type CombinerOptions } from "../../src/combine/combiner.ts";
import type { Total } from "../../src/core/combiner.ts";
import type { Outcome, Sample } from "../../src/core/types.ts";
import { registry } from "../../src/rewards/index.ts";
import { compileSpec } from "../../src/spec/compile.ts";

export const okO = (score: number): Outcome => ({ score, status: "ok" });
export const bad = (status: Outcome["status"], reason = `it was ${status}`): Outcome => ({ score: null, status, reason });

/** A sample for the combiner (it reads only group, meta, reference and the completion). */
export function sample(id: string, extra: Partial<Sample> = {}): Sample {
  return { id, prompt: "", completion: "", ...extra };
}

export function combinerOf(spec: object, options?: CombinerOptions) {
  return createCombiner(compileSpec(spec, { registry }), options);
}

/** Totals of one batch: `rows[i]` are sample i's component scores by reward name. */
export function totals(spec: object, rows: Record<string, number | Outcome>[], samples?: Sample[], options?: CombinerOptions): Total[] {
  const comps = rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === "number" ? okO(v) : v])));
  return combinerOf(spec, options).combine(samples ?? rows.map((_, i) => sample(String(i))), comps);
}

export const scores = (ts: Total[]) => ts.map((t) => t.score);

/** assert.ok(|a − b| ≤ tol) for each pair, with a readable message. */
export function close(actual: readonly (number | null)[], expected: readonly number[], tol = 1e-4): void {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} != ${expected.length}: ${JSON.stringify(actual)}`);
  actual.forEach((a, i) => {
    if (a === null || Math.abs(a - expected[i]!) > tol) throw new Error(`[${i}] ${a} is not within ${tol} of ${expected[i]} (got ${JSON.stringify(actual)})`);
  });
}
