/**
 * Small numeric helpers for the combiner. Values are plain arrays; NaN marks "absent" (a skipped
 * component) and every statistic ignores it, like torch's nanmean/nanstd in TRL.
 */

/** Mean of the non-NaN values (NaN when there are none). */
export function nanMean(xs: ArrayLike<number>, idx?: readonly number[]): number {
  let s = 0;
  let n = 0;
  const len = idx ? idx.length : xs.length;
  for (let k = 0; k < len; k++) {
    const v = xs[idx ? idx[k]! : k]!;
    if (v === v) {
      s += v;
      n++;
    }
  }
  return n === 0 ? Number.NaN : s / n;
}

/**
 * Mean, standard deviation and count of the non-NaN values. The std is the population one, or
 * Bessel-corrected with `unbiased`; fewer values than the std needs give std 0.
 */
export function nanMoments(xs: ArrayLike<number>, idx?: readonly number[], unbiased = false): { mean: number; std: number; count: number } {
  const mean = nanMean(xs, idx);
  let ss = 0;
  let n = 0;
  const len = idx ? idx.length : xs.length;
  for (let k = 0; k < len; k++) {
    const v = xs[idx ? idx[k]! : k]!;
    if (v === v) {
      ss += (v - mean) * (v - mean);
      n++;
    }
  }
  const d = unbiased ? n - 1 : n;
  return { mean, std: d > 0 ? Math.sqrt(ss / d) : 0, count: n };
}

/** Empirical quantile with linear interpolation between order statistics (numpy's default). */
export function quantileLinear(values: readonly number[], q: number): number {
  const xs = [...values].sort((a, b) => a - b);
  if (xs.length === 0) return Number.NaN;
  const pos = q * (xs.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, xs.length - 1);
  return xs[lo]! + (pos - lo) * (xs[hi]! - xs[lo]!);
}

/**
 * Φ⁻¹(p), the standard normal quantile: Acklam's rational approximation (relative error below
 * 1.2e-9), enough for a reference quantile (Φ⁻¹(0.85) = 1.0364333894937898).
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) return p === 0 ? -Infinity : p === 1 ? Infinity : Number.NaN;
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const plow = 0.02425;
  if (p < plow) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  if (p > 1 - plow) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
}

/** log σ(z) = −log(1 + e^(−z)), computed as −softplus(−z) without overflow. */
export function logSigmoid(z: number): number {
  return z >= 0 ? -Math.log1p(Math.exp(-z)) : z - Math.log1p(Math.exp(z));
}

/**
 * Pearson correlation over the indices where both values are present; 0 when fewer than two
 * such pairs or either side is constant (no evidence that one duplicates the other).
 */
export function pairCorrelation(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let n = 0;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < x.length; i++) {
    const a = x[i]!;
    const b = y[i]!;
    if (a === a && b === b) {
      n++;
      sx += a;
      sy += b;
    }
  }
  if (n < 2) return 0;
  const mx = sx / n;
  const my = sy / n;
  let cxy = 0;
  let cxx = 0;
  let cyy = 0;
  for (let i = 0; i < x.length; i++) {
    const a = x[i]!;
    const b = y[i]!;
    if (a === a && b === b) {
      cxy += (a - mx) * (b - my);
      cxx += (a - mx) * (a - mx);
      cyy += (b - my) * (b - my);
    }
  }
  if (cxx <= 0 || cyy <= 0) return 0;
  return cxy / Math.sqrt(cxx * cyy);
}

/** Average ranks (1-based; ties share the mean of their ranks) of `values[idx[k]]`. */
export function averageRanks(values: ArrayLike<number>, idx: readonly number[]): number[] {
  const order = idx.map((_, k) => k).sort((a, b) => values[idx[a]!]! - values[idx[b]!]!);
  const ranks = new Array<number>(idx.length);
  let start = 0;
  while (start < order.length) {
    let end = start;
    const v = values[idx[order[start]!]!]!;
    while (end + 1 < order.length && values[idx[order[end + 1]!]!]! === v) end++;
    const r = (start + end) / 2 + 1;
    for (let k = start; k <= end; k++) ranks[order[k]!] = r;
    start = end + 1;
  }
  return ranks;
}

/** num/den where 0/0 is 0: a value equal to the mean stays 0 when the spread is 0 (eps 0). */
export function ratio(num: number, den: number): number {
  return num === 0 ? 0 : num / den;
}
