/**
 * Per-reward transforms: affine, clip, and LSC — the log-sigmoid-centered transform of "Transforming
 * and Combining Rewards for Aligning Large Language Models" (Wang et al., ICML 2024):
 * u(x, y) = log σ(r(x, y) − r_ref(x)), so that Σ_i u_i = log Π_i P(good_i | x, y).
 */
import type { Transform } from "../spec/schema.ts";
import type { BatchView, ColumnStep, Fail } from "./batch.ts";
import { samplePath, truthy } from "./paths.ts";
import { logSigmoid, nanMoments, normalQuantile, quantileLinear } from "./stats.ts";

/** Compiles one transform to a column step. */
export function compileTransform(t: Transform): ColumnStep {
  switch (t.type) {
    case "affine": {
      const { scale, shift } = t;
      return (v) => {
        for (let i = 0; i < v.length; i++) v[i] = scale * v[i]! + shift;
      };
    }
    case "clip": {
      const lo = t.min ?? -Infinity;
      const hi = t.max ?? Infinity;
      return (v) => {
        for (let i = 0; i < v.length; i++) {
          const x = v[i]!;
          if (x < lo) v[i] = lo;
          else if (x > hi) v[i] = hi;
        }
      };
    }
    case "lsc": {
      const ref = lscReference(t);
      return (v, batch, fail) => {
        const refs = ref(v, batch, fail);
        for (let i = 0; i < v.length; i++) {
          const x = v[i]!;
          if (x !== x) continue;
          const r = refs[i]!;
          if (r !== r) v[i] = Number.NaN;
          else v[i] = logSigmoid(x - r);
        }
      };
    }
  }
}

type LscOptions = Extract<Transform, { type: "lsc" }>;

/**
 * r_ref from a reference policy's scores: the q-quantile, estimated as mean + Φ⁻¹(q)·std
 * (population std; the reimplementation's default, 85th percentile) or empirically with linear
 * interpolation.
 */
export function referenceQuantile(scores: readonly number[], q: number, estimate: "normal" | "empirical"): number {
  if (estimate === "empirical") return quantileLinear(scores, q);
  const { mean, std } = nanMoments(scores);
  return mean + normalQuantile(q) * std;
}

/** Returns, for a column, each sample's r_ref (NaN after reporting why through `fail`). */
function lscReference(t: LscOptions): (v: Float64Array, batch: BatchView, fail: Fail) => Float64Array {
  if (t.reference !== undefined) {
    const r = t.reference;
    return (v) => new Float64Array(v.length).fill(r);
  }
  if (t.reference_field !== undefined) {
    return perSampleReference(t.reference_field, "lsc reference", "expected a number", (r) => (typeof r === "number" && Number.isFinite(r) ? r : undefined));
  }
  if (t.reference_scores_field !== undefined) {
    return perSampleReference(t.reference_scores_field, "lsc reference scores", "expected a non-empty list of numbers", (r) =>
      Array.isArray(r) && r.length > 0 && r.every((x) => typeof x === "number" && Number.isFinite(x)) ? referenceQuantile(r as number[], t.quantile, t.estimate) : undefined,
    );
  }
  const field = t.reference_flag_field!;
  const flag = samplePath(field);
  return (v, batch, fail) => {
    const out = new Float64Array(v.length).fill(Number.NaN);
    for (const g of batch.groups) {
      const scores: number[] = [];
      for (const i of g) if (v[i]! === v[i]! && truthy(flag(batch.samples[i]!))) scores.push(v[i]!);
      if (scores.length === 0) {
        for (const i of g) if (v[i]! === v[i]!) fail(i, "invalid_input", `lsc: no reference sample (${field}) with a score in the group`);
        continue;
      }
      const r = referenceQuantile(scores, t.quantile, t.estimate);
      for (const i of g) out[i] = r;
    }
    return out;
  };
}

/**
 * r_ref read from each scored sample's own field: `toRef` turns the field's value into r_ref, or
 * gives undefined when the value is unusable (then `fail` says "<label> <field>: missing" or
 * "...: <expected>"). The reference_field and reference_scores_field forms differ only in `toRef`.
 */
function perSampleReference(
  field: string,
  label: string,
  expected: string,
  toRef: (value: unknown) => number | undefined,
): (v: Float64Array, batch: BatchView, fail: Fail) => Float64Array {
  const get = samplePath(field);
  return (v, batch, fail) => {
    const out = new Float64Array(v.length).fill(Number.NaN);
    for (let i = 0; i < v.length; i++) {
      if (v[i]! !== v[i]!) continue;
      const r = get(batch.samples[i]!);
      const ref = toRef(r);
      if (ref !== undefined) out[i] = ref;
      else fail(i, "invalid_input", `${label} ${field}: ${r === undefined ? "missing" : expected}`);
    }
    return out;
  };
}
