/**
 * Exact rationals on BigInt. Answers like 1/2004! or 2^{100} must compare exactly, so every
 * number that can stay rational does; sizes are capped so a hostile input cannot make one
 * multiplication take seconds.
 */

export type Q = { readonly n: bigint; readonly d: bigint };

/** Results with more bits than this are treated as "not exactly computable". */
export const MAX_BITS = 80_000;

const SMALL = 1n << 1000n;
const ZERO: Q = { n: 0n, d: 1n };
const ONE: Q = { n: 1n, d: 1n };

function gcd(a: bigint, b: bigint): bigint {
  if (a < 0n) a = -a;
  if (b < 0n) b = -b;
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

function bitLength(x: bigint): number {
  if (x < 0n) x = -x;
  return x === 0n ? 0 : x.toString(16).length * 4;
}

/** A normalized rational, or undefined for a zero denominator or an oversized result. */
export function q(n: bigint, d: bigint = 1n): Q | undefined {
  if (d === 0n) return undefined;
  if (d < 0n) {
    n = -n;
    d = -d;
  }
  if (d !== 1n) {
    const g = gcd(n, d);
    if (g > 1n) {
      n /= g;
      d /= g;
    }
  }
  if ((n > SMALL || n < -SMALL || d > SMALL) && bitLength(n) + bitLength(d) > MAX_BITS) return undefined;
  return { n, d };
}

export const qInt = (n: number | bigint): Q => ({ n: BigInt(n), d: 1n });
export const qZero = ZERO;
export const qOne = ONE;

export const add = (a: Q, b: Q) => q(a.n * b.d + b.n * a.d, a.d * b.d);
export const sub = (a: Q, b: Q) => q(a.n * b.d - b.n * a.d, a.d * b.d);
export const mul = (a: Q, b: Q) => q(a.n * b.n, a.d * b.d);
export const div = (a: Q, b: Q) => (b.n === 0n ? undefined : q(a.n * b.d, a.d * b.n));
export const neg = (a: Q): Q => ({ n: -a.n, d: a.d });
export const isZero = (a: Q) => a.n === 0n;
export const isInt = (a: Q) => a.d === 1n;
export const eq = (a: Q, b: Q) => a.n === b.n && a.d === b.d;
export const cmp = (a: Q, b: Q) => {
  const l = a.n * b.d;
  const r = b.n * a.d;
  return l < r ? -1 : l > r ? 1 : 0;
};

/** a^e for an integer exponent, undefined when the result would be too large. */
export function pow(a: Q, e: bigint): Q | undefined {
  if (e === 0n) return a.n === 0n ? undefined : ONE;
  if (e < 0n) {
    if (a.n === 0n) return undefined;
    return pow({ n: a.d, d: a.n }, -e);
  }
  if (a.n === 0n || (a.n === 1n && a.d === 1n)) return a;
  if (a.n === -1n && a.d === 1n) return e % 2n === 0n ? ONE : a;
  const bits = (bitLength(a.n) + bitLength(a.d)) * Number(e);
  if (!Number.isFinite(bits) || bits > MAX_BITS) return undefined;
  return q(a.n ** e, a.d ** e);
}

/** Exact root: a^(1/k) when it is rational, else undefined. */
export function root(a: Q, k: bigint): Q | undefined {
  if (k <= 0n) return undefined;
  if (a.n < 0n) {
    if (k % 2n === 0n) return undefined;
    const r = root(neg(a), k);
    return r && neg(r);
  }
  const rn = intRoot(a.n, k);
  const rd = intRoot(a.d, k);
  if (rn === undefined || rd === undefined) return undefined;
  return q(rn, rd);
}

function intRoot(x: bigint, k: bigint): bigint | undefined {
  if (x < 2n) return x;
  const approx = BigInt(Math.round(Math.pow(Number(x), 1 / Number(k))));
  for (const c of [approx - 1n, approx, approx + 1n]) if (c >= 0n && c ** k === x) return c;
  if (bitLength(x) < 1000) return undefined;
  // Large values: Newton iteration on BigInt.
  let r = 1n << BigInt(Math.ceil(bitLength(x) / Number(k)));
  for (let i = 0; i < 2000; i++) {
    const next = ((k - 1n) * r + x / r ** (k - 1n)) / k;
    if (next >= r) break;
    r = next;
  }
  return r ** k === x ? r : undefined;
}

export function toNumber(a: Q): number {
  const n = Number(a.n);
  const d = Number(a.d);
  if (Number.isFinite(n) && Number.isFinite(d) && Math.abs(n) < 2 ** 53 && d < 2 ** 53) return n / d;
  // Scale both down to keep the quotient finite.
  const shift = Math.max(bitLength(a.n), bitLength(a.d)) - 1000;
  if (shift > 0) {
    const s = BigInt(shift);
    const nn = Number(a.n >> s);
    const dd = Number(a.d >> s);
    if (dd === 0) return a.n < 0n ? -Infinity : Infinity;
    return nn / dd;
  }
  return n / d;
}

/** a rounded to k decimals, half away from zero, as a scaled integer (value * 10^k). */
export function roundScaled(a: Q, k: number): bigint {
  const scale = 10n ** BigInt(k);
  const sign = a.n < 0n ? -1n : 1n;
  const num = (a.n < 0n ? -a.n : a.n) * scale * 2n + a.d;
  return (sign * num) / (2n * a.d);
}

/** Parses "12", "-0.25", "1.5e-3" (already free of separators) into an exact rational. */
export function fromDecimal(text: string): Q | undefined {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!m || (m[2] === "" && (m[3] ?? "") === "")) return undefined;
  const frac = m[3] ?? "";
  let n = BigInt((m[2] || "0") + frac);
  let d = 10n ** BigInt(frac.length);
  const e = m[4] ? Number(m[4]) : 0;
  if (Math.abs(e) > 4000) return undefined;
  if (e > 0) n *= 10n ** BigInt(e);
  else if (e < 0) d *= 10n ** BigInt(-e);
  if (m[1] === "-") n = -n;
  return q(n, d);
}

const factorials = new Map<bigint, Q>();

/** n! for n <= 3000 (about 9,000 digits), by binary splitting, cached. */
export function factorial(n: bigint): Q | undefined {
  if (n < 0n || n > 3000n) return undefined;
  const hit = factorials.get(n);
  if (hit) return hit;
  const prod = (lo: bigint, hi: bigint): bigint => {
    if (hi - lo < 16n) {
      let r = 1n;
      for (let i = lo; i <= hi; i++) r *= i;
      return r;
    }
    const mid = (lo + hi) / 2n;
    return prod(lo, mid) * prod(mid + 1n, hi);
  };
  const v = q(n < 2n ? 1n : prod(2n, n));
  if (v && factorials.size < 256) factorials.set(n, v);
  return v;
}

export function binomial(n: bigint, k: bigint): Q | undefined {
  if (k < 0n || n < 0n) return k < 0n ? qZero : undefined;
  if (k > n) return qZero;
  if (k > n - k) k = n - k;
  if (k > 5000n) return undefined;
  let r = 1n;
  for (let i = 1n; i <= k; i++) r = (r * (n - k + i)) / i;
  return q(r);
}

export function floorQ(a: Q): bigint {
  const f = a.n / a.d;
  return a.n < 0n && f * a.d !== a.n ? f - 1n : f;
}

export function gcdInt(a: bigint, b: bigint): bigint {
  return gcd(a, b);
}

export function toLatex(a: Q): string {
  if (a.d === 1n) return a.n.toString();
  const sign = a.n < 0n ? "-" : "";
  return `${sign}\\frac{${(a.n < 0n ? -a.n : a.n).toString()}}{${a.d.toString()}}`;
}
