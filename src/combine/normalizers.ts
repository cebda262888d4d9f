/**
 * Per-reward normalizers over a batch column (NaN = absent; absent values take no part):
 * z-score, rank and min-max within the batch or within each group; running mean/std (EMA or
 * cumulative) carried across batches; and Reference-Frozen Normalization (Quark, reconstruction):
 * statistics of the reference policy's rollouts, computed once and then frozen.
 */
import type { Normalizer } from "../spec/schema.ts";
import type { BatchView, ColumnStep } from "./batch.ts";
import { samplePath, truthy } from "./paths.ts";
import { averageRanks, nanMoments, ratio } from "./stats.ts";

/** A normalizer step, with its state when it keeps any. */
export type NormalizerImpl = {
  step: ColumnStep;
  /** The state to persist after a batch (stateless normalizers have none). */
  save?: () => unknown;
  /** Restores a saved state (ignored when it is not of this normalizer's shape). */
  load?: (saved: unknown) => void;
};

export function compileNormalizer(n: Normalizer): NormalizerImpl {
  switch (n.type) {
    case "zscore": {
      const unbiased = n.std === "unbiased";
      const eps = n.eps;
      return {
        step: scoped(n.scope, (v, idx) => {
          const { mean, std } = nanMoments(v, idx, unbiased);
          for (const i of idx) v[i] = ratio(v[i]! - mean, std + eps);
        }),
      };
    }
    case "rank":
      return {
        step: scoped(n.scope, (v, idx) => {
          const present = idx.filter((i) => v[i]! === v[i]!);
          if (present.length === 1) {
            v[present[0]!] = 0.5;
            return;
          }
          const r = averageRanks(v, present);
          present.forEach((i, k) => (v[i] = (r[k]! - 1) / (present.length - 1)));
        }),
      };
    case "minmax": {
      if (n.min !== undefined && n.max !== undefined) {
        const lo = n.min;
        const span = n.max - n.min;
        return {
          step: (v) => {
            for (let i = 0; i < v.length; i++) v[i] = (v[i]! - lo) / span;
          },
        };
      }
      return {
        step: scoped(n.scope, (v, idx) => {
          let lo = Infinity;
          let hi = -Infinity;
          for (const i of idx) {
            const x = v[i]!;
            if (x < lo) lo = x;
            if (x > hi) hi = x;
          }
          for (const i of idx) v[i] = hi > lo ? (v[i]! - lo) / (hi - lo) : 0.5;
        }),
      };
    }
    case "running":
      return n.mode === "ema" ? emaNormalizer(n.decay, n.eps) : cumulativeNormalizer(n.eps);
    case "reference_frozen_recon":
      return referenceFrozenRecon(n);
  }
}

/** Applies `f` to the whole batch or to each group, passing the indices of present values. */
function scoped(scope: "batch" | "group", f: (v: Float64Array, idx: number[]) => void): ColumnStep {
  return (v, batch: BatchView) => {
    if (scope === "batch") {
      const idx: number[] = [];
      for (let i = 0; i < v.length; i++) if (v[i]! === v[i]!) idx.push(i);
      if (idx.length > 0) f(v, idx);
      return;
    }
    for (const g of batch.groups) {
      const idx = g.filter((i) => v[i]! === v[i]!);
      if (idx.length > 0) f(v, idx);
    }
  };
}

/** Batch moments of the present values: count, mean and mean of squares. */
function batchMoments(v: Float64Array): { n: number; mean: number; meanSq: number } {
  let n = 0;
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < v.length; i++) {
    const x = v[i]!;
    if (x === x) {
      n++;
      s += x;
      s2 += x * x;
    }
  }
  return { n, mean: n ? s / n : 0, meanSq: n ? s2 / n : 0 };
}

type EmaState = { kind: "ema"; count: number; mean: number; meanSq: number };

/**
 * Running mean/std as exponential moving averages of the first and second moments. The decay is
 * per sample: a batch of n values moves them a fraction 1 − decay^n toward the batch's own, so
 * batch size does not change how fast they forget. The first batch initializes them. Statistics
 * are updated with the batch before it is normalized (TRL's RunningMoments order).
 */
function emaNormalizer(decay: number, eps: number): NormalizerImpl {
  let st: EmaState = { kind: "ema", count: 0, mean: 0, meanSq: 0 };
  return {
    step: (v) => {
      const b = batchMoments(v);
      if (b.n === 0) return;
      if (st.count === 0) st = { kind: "ema", count: b.n, mean: b.mean, meanSq: b.meanSq };
      else {
        const keep = Math.pow(decay, b.n);
        st = { kind: "ema", count: st.count + b.n, mean: keep * st.mean + (1 - keep) * b.mean, meanSq: keep * st.meanSq + (1 - keep) * b.meanSq };
      }
      const std = Math.sqrt(Math.max(0, st.meanSq - st.mean * st.mean));
      for (let i = 0; i < v.length; i++) v[i] = ratio(v[i]! - st.mean, std + eps);
    },
    save: () => st,
    load: (s) => {
      if (isState<EmaState>(s, "ema", ["count", "mean", "meanSq"])) st = s;
    },
  };
}

type CumulativeState = { kind: "cumulative"; count: number; mean: number; m2: number };

/** Running mean/std over every value seen so far (Chan et al.'s parallel merge of moments). */
function cumulativeNormalizer(eps: number): NormalizerImpl {
  let st: CumulativeState = { kind: "cumulative", count: 0, mean: 0, m2: 0 };
  return {
    step: (v) => {
      st = mergeMoments(st, v, () => true);
      if (st.count === 0) return;
      const std = Math.sqrt(st.m2 / st.count);
      for (let i = 0; i < v.length; i++) v[i] = ratio(v[i]! - st.mean, std + eps);
    },
    save: () => st,
    load: (s) => {
      if (isState<CumulativeState>(s, "cumulative", ["count", "mean", "m2"])) st = s;
    },
  };
}

function mergeMoments<S extends { count: number; mean: number; m2: number }>(st: S, v: Float64Array, use: (i: number) => boolean, limit = Infinity): S {
  let { count, mean, m2 } = st;
  for (let i = 0; i < v.length && count < limit; i++) {
    const x = v[i]!;
    if (x !== x || !use(i)) continue;
    count++;
    const d = x - mean;
    mean += d / count;
    m2 += d * (x - mean);
  }
  return { ...st, count, mean, m2 };
}

type FrozenState = { kind: "reference_frozen"; count: number; mean: number; m2: number; frozen: boolean };

/**
 * RFN [RECON] (Quark): z = clip((r − μ)/(σ + ε), −c, c) with μ, σ (population) of the reference
 * policy's rollouts, never updated once known. Given `mean`/`std` they are frozen from the start;
 * otherwise the first `calibration_samples` values (only flagged samples when `reference_field` is
 * set) are the reference rollouts, and the statistics freeze when that many have been seen. While
 * calibrating, values are normalized with the statistics gathered so far; before the first
 * reference value there are none, and the value fails (`not_applicable`, the error policy decides).
 */
function referenceFrozenRecon(n: Extract<Normalizer, { type: "reference_frozen_recon" }>): NormalizerImpl {
  const { clip, eps } = n;
  const flag = n.reference_field === undefined ? undefined : samplePath(n.reference_field);
  const target = n.calibration_samples ?? 0;
  const given = n.mean !== undefined && n.std !== undefined;
  let st: FrozenState = given
    ? { kind: "reference_frozen", count: 0, mean: n.mean!, m2: 0, frozen: true }
    : { kind: "reference_frozen", count: 0, mean: 0, m2: 0, frozen: false };
  const sigma = () => (given ? n.std! : st.count > 0 ? Math.sqrt(st.m2 / st.count) : 0);
  return {
    step: (v, batch, fail) => {
      if (!st.frozen) {
        st = mergeMoments(st, v, (i) => !flag || truthy(flag(batch.samples[i]!)), target);
        if (st.count >= target) st = { ...st, frozen: true };
      }
      if (st.count === 0 && !given) {
        const why = `reference statistics not calibrated yet (0 of ${target} reference values${n.reference_field ? ` flagged by ${n.reference_field}` : ""})`;
        for (let i = 0; i < v.length; i++) {
          if (v[i]! === v[i]!) {
            v[i] = Number.NaN;
            fail(i, "not_applicable", why);
          }
        }
        return;
      }
      const s = sigma();
      for (let i = 0; i < v.length; i++) {
        const z = ratio(v[i]! - st.mean, s + eps);
        v[i] = z < -clip ? -clip : z > clip ? clip : z;
      }
    },
    save: given ? undefined : () => st,
    load: given
      ? undefined
      : (s) => {
          if (isState<FrozenState>(s, "reference_frozen", ["count", "mean", "m2"])) st = s;
        },
  };
}

function isState<T>(s: unknown, kind: string, numbers: readonly string[]): s is T {
  if (s === null || typeof s !== "object" || (s as { kind?: unknown }).kind !== kind) return false;
  return numbers.every((k) => typeof (s as Record<string, unknown>)[k] === "number");
}
