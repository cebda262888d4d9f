import { codePoints } from "./pystr.ts";

/*
 * rapidfuzz's `fuzz.ratio` (= 100 · `Indel.normalized_similarity`) and
 * `Levenshtein.normalized_similarity`, over code points with no preprocessing (rapidfuzz 3's
 * default `processor=None`). Indel distance = |a| + |b| - 2·LCS(a, b), normalized by |a| + |b|;
 * Levenshtein (unit costs) is normalized by max(|a|, |b|). Two empty strings are identical (100 / 1).
 */

/** Code points as integers, with the common prefix and suffix removed (they never change either distance). */
function trimmed(a: string, b: string): [Int32Array, Int32Array, number] {
  const x = codePoints(a);
  const y = codePoints(b);
  let start = 0;
  while (start < x.length && start < y.length && x[start] === y[start]) start++;
  let endX = x.length;
  let endY = y.length;
  while (endX > start && endY > start && x[endX - 1] === y[endY - 1]) {
    endX--;
    endY--;
  }
  const toInts = (cps: string[], from: number, to: number): Int32Array => {
    const out = new Int32Array(to - from);
    for (let i = from; i < to; i++) out[i - from] = cps[i]!.codePointAt(0)!;
    return out;
  };
  return [toInts(x, start, endX), toInts(y, start, endY), start + (x.length - endX)];
}

/** Length of the longest common subsequence: Hyyrö's bit-parallel algorithm over 32-bit blocks of `a`. */
function lcsLength(a: Int32Array, b: Int32Array): number {
  if (a.length === 0 || b.length === 0) return 0;
  const words = Math.ceil(a.length / 32);
  const masks = new Map<number, Uint32Array>();
  for (let i = 0; i < a.length; i++) {
    let m = masks.get(a[i]!);
    if (!m) masks.set(a[i]!, (m = new Uint32Array(words)));
    m[i >>> 5]! |= 1 << (i & 31);
  }
  const v = new Uint32Array(words).fill(0xffffffff);
  const empty = new Uint32Array(words);
  for (let j = 0; j < b.length; j++) {
    const m = masks.get(b[j]!) ?? empty;
    let carry = 0;
    for (let w = 0; w < words; w++) {
      const vw = v[w]!;
      const u = (vw & m[w]!) >>> 0;
      // (v + u + carry) with carry out, in 32 bits
      const sum = vw + u + carry;
      carry = sum > 0xffffffff ? 1 : 0;
      v[w] = (sum >>> 0) | (vw - u);
    }
  }
  let zeros = 0;
  for (let w = 0; w < words; w++) {
    const bits = w === words - 1 && a.length % 32 !== 0 ? a.length % 32 : 32;
    let x = ~v[w]! >>> 0;
    if (bits < 32) x &= (1 << bits) - 1;
    while (x) {
      x &= x - 1;
      zeros++;
    }
  }
  return zeros;
}

/** rapidfuzz `Indel.distance`. */
export function indelDistance(a: string, b: string): number {
  const [x, y] = trimmed(a, b);
  return x.length + y.length - 2 * lcsLength(x, y);
}

/**
 * rapidfuzz `fuzz.ratio(a, b)` on its 0–100 scale.
 * @example fuzzRatio("this is a test", "this is a test!") // 96.55172413793103
 */
export function fuzzRatio(a: string, b: string): number {
  const [x, y, shared] = trimmed(a, b);
  const total = x.length + y.length + 2 * shared;
  if (total === 0) return 100;
  const dist = x.length + y.length - 2 * lcsLength(x, y);
  return (1 - dist / total) * 100;
}

/** rapidfuzz `Levenshtein.distance` (insert, delete, substitute all cost 1). */
export function levenshteinDistance(a: string, b: string): number {
  let [x, y] = trimmed(a, b);
  if (x.length < y.length) [x, y] = [y, x];
  if (y.length === 0) return x.length;
  const row = new Int32Array(y.length + 1);
  for (let j = 0; j <= y.length; j++) row[j] = j;
  for (let i = 1; i <= x.length; i++) {
    let diag = row[0]!;
    row[0] = i;
    const xi = x[i - 1];
    for (let j = 1; j <= y.length; j++) {
      const up = row[j]!;
      row[j] = Math.min(up + 1, row[j - 1]! + 1, diag + (xi === y[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return row[y.length]!;
}

/** rapidfuzz `Levenshtein.normalized_similarity`: 1 - distance / max(|a|, |b|); 1 for two empty strings. */
export function levenshteinSimilarity(a: string, b: string): { similarity: number; distance: number } {
  const la = codePoints(a).length;
  const lb = codePoints(b).length;
  const max = Math.max(la, lb);
  const distance = levenshteinDistance(a, b);
  return { similarity: max === 0 ? 1 : 1 - distance / max, distance };
}
