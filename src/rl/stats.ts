/** Small statistics over plain number arrays, written out so the conventions are explicit. */

export function mean(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** Variance: population (divide by n) or unbiased (Bessel, n − 1; torch.std's default). */
export function variance(xs: readonly number[], unbiased: boolean): number {
  const n = xs.length;
  if (n === 0 || (unbiased && n < 2)) return Number.NaN;
  const m = mean(xs);
  let s = 0;
  for (const x of xs) s += (x - m) * (x - m);
  return s / (unbiased ? n - 1 : n);
}

export function std(xs: readonly number[], unbiased: boolean): number {
  return Math.sqrt(variance(xs, unbiased));
}

/** Weighted mean and unbiased variance where weight w counts as w equal observations (tokens). */
export function weightedMoments(xs: readonly number[], ws: readonly number[]): { mean: number; variance: number; count: number } {
  let n = 0;
  let s = 0;
  for (let i = 0; i < xs.length; i++) {
    n += ws[i]!;
    s += ws[i]! * xs[i]!;
  }
  const m = s / n;
  let q = 0;
  for (let i = 0; i < xs.length; i++) q += ws[i]! * (xs[i]! - m) * (xs[i]! - m);
  return { mean: m, variance: n > 1 ? q / (n - 1) : Number.NaN, count: n };
}
