/**
 * Weighting schemes over the batch's term columns (NaN = absent): TRL's two multi-objective
 * aggregations and Quark's Tri-Factor Adaptive Dynamic Weighting (reconstruction).
 */
import { nanMean, nanMoments, pairCorrelation, ratio } from "./stats.ts";

/**
 * Tri-Factor weights [RECON] (Quark, research/paper-formulas.md §2):
 * w̃_k = (1 + a_k)·ρ_k·(1 − ν_k) with weakness a_k = max(0, −z̄_k), risk priority ρ_k and
 * redundancy ν_k; w = w̃/Σw̃. When every w̃ is 0 (all dimensions fully redundant) the risk
 * priorities alone are used, so the total never collapses to 0.
 */
export function triFactorWeightsRecon(zbar: readonly number[], rho: readonly number[], nu: readonly number[]): number[] {
  const raw = zbar.map((z, k) => (1 + (z === z ? Math.max(0, -z) : 0)) * rho[k]! * (1 - nu[k]!));
  const total = raw.reduce((a, b) => a + b, 0);
  if (total > 0) return raw.map((w) => w / total);
  const r = rho.reduce((a, b) => a + b, 0);
  return r > 0 ? rho.map((x) => x / r) : rho.map(() => 1 / rho.length);
}

/** ν_k = max_{j≠k} |corr(z_k, z_j)| over the batch (pairwise-complete; 0 for a lone dimension). */
export function redundancy(columns: readonly Float64Array[]): number[] {
  const K = columns.length;
  const nu = new Array<number>(K).fill(0);
  for (let a = 0; a < K; a++) {
    for (let b = a + 1; b < K; b++) {
      const c = Math.min(1, Math.abs(pairCorrelation(columns[a]!, columns[b]!)));
      if (c > nu[a]!) nu[a] = c;
      if (c > nu[b]!) nu[b] = c;
    }
  }
  return nu;
}

/** Batch means z̄_k of each column. */
export function columnMeans(columns: readonly Float64Array[]): number[] {
  return columns.map((c) => nanMean(c));
}

/**
 * TRL `sum_then_normalize` after the weighted sum: (s − group mean)/(std + eps) with the
 * unbiased std of the group ("group"), of the batch ("batch"), or no division ("none"). A group
 * of one has std 0. `idx` are the samples with a sum; others are left untouched.
 */
export function normalizeSums(sums: Float64Array, groups: readonly (readonly number[])[], scale: "group" | "batch" | "none", eps: number): void {
  let batchStd = 0;
  if (scale === "batch") batchStd = nanMoments(sums, undefined, true).std;
  for (const g of groups) {
    const { mean, std } = nanMoments(sums, g as number[], true);
    for (const i of g) {
      const s = sums[i]!;
      if (s !== s) continue;
      sums[i] = scale === "none" ? s - mean : ratio(s - mean, (scale === "batch" ? batchStd : std) + eps);
    }
  }
}

/** TRL/GDPO `normalize_then_sum`, first half: each column normalized within each group (unbiased std). */
export function groupZ(column: Float64Array, groups: readonly (readonly number[])[], eps: number): Float64Array {
  const out = new Float64Array(column.length).fill(Number.NaN);
  for (const g of groups) {
    const { mean, std } = nanMoments(column, g as number[], true);
    for (const i of g) {
      const x = column[i]!;
      if (x === x) out[i] = ratio(x - mean, std + eps);
    }
  }
  return out;
}

/** (s − batch mean)/(unbiased batch std + eps) over the present sums, in place. */
export function batchZ(sums: Float64Array, eps: number): void {
  const { mean, std } = nanMoments(sums, undefined, true);
  for (let i = 0; i < sums.length; i++) if (sums[i]! === sums[i]!) sums[i] = ratio(sums[i]! - mean, std + eps);
}
