import { ngramCounts } from "./ngrams.ts";

/*
 * NLTK `nltk.translate.bleu_score` (3.9): corpus-level modified precisions kept as unreduced
 * fractions, brevity penalty from the closest reference length (shorter on a tie), then
 * exp(fsum(w_n * log p_n)). A corpus without a single unigram match scores 0. Smoothing
 * `method1` adds epsilon (0.1) to zero numerators; `method0` (none) replaces a zero precision
 * by the smallest normal double, as NLTK does, so the score is tiny rather than exactly 0.
 * Inputs are token lists; `nltkTokens` gives the whitespace split most callers use.
 */

export type NltkSmoothing = "method0" | "method1";

export type NltkBleuOptions = {
  /** Weights per n-gram order (default four times 0.25). */
  weights?: readonly number[];
  smoothing?: NltkSmoothing;
  /** method1's epsilon (0.1). */
  epsilon?: number;
};

export type NltkBleuResult = {
  score: number;
  /** Clipped matches and hypothesis n-gram counts (at least 1) per order, as NLTK sums them. */
  numerators: number[];
  denominators: number[];
  bp: number;
  hypLen: number;
  refLen: number;
};

const FLOAT_MIN = 2.2250738585072014e-308;

/** Python's `math.fsum`: the correctly rounded sum (Shewchuk's partials). */
export function fsum(values: Iterable<number>): number {
  const partials: number[] = [];
  for (let x of values) {
    let i = 0;
    for (let y of partials) {
      if (Math.abs(x) < Math.abs(y)) [x, y] = [y, x];
      const hi = x + y;
      const lo = y - (hi - x);
      if (lo !== 0) partials[i++] = lo;
      x = hi;
    }
    partials.length = i;
    partials.push(x);
  }
  // add the partials from the top, with the half-way rounding correction CPython applies
  let n = partials.length;
  if (n === 0) return 0;
  let hi = partials[--n]!;
  let lo = 0;
  while (n > 0) {
    const x = hi;
    const y = partials[--n]!;
    hi = x + y;
    const yr = hi - x;
    lo = y - yr;
    if (lo !== 0) break;
  }
  if (n > 0 && ((lo < 0 && partials[n - 1]! < 0) || (lo > 0 && partials[n - 1]! > 0))) {
    const y = lo * 2;
    const x = hi + y;
    const yr = x - hi;
    if (y === yr) hi = x;
  }
  return hi;
}


/** NLTK `modified_precision` as (numerator, denominator) with the denominator at least 1. */
export function modifiedPrecision(references: readonly (readonly string[])[], hypothesis: readonly string[], n: number): [number, number] {
  // "\u0000" separates tokens: NLTK takes arbitrary token lists, which may contain spaces
  const counts = ngramCounts(hypothesis, n, "\u0000");
  const maxCounts = new Map<string, number>();
  for (const ref of references) {
    const rc = ngramCounts(ref, n, "\u0000");
    for (const g of counts.keys()) maxCounts.set(g, Math.max(maxCounts.get(g) ?? 0, rc.get(g) ?? 0));
  }
  let num = 0;
  let total = 0;
  for (const [g, c] of counts) {
    num += Math.min(c, maxCounts.get(g) ?? 0);
    total += c;
  }
  return [num, Math.max(1, total)];
}

/** NLTK `closest_ref_length`: min over (|len - hyp|, len). */
function closestRefLength(references: readonly (readonly string[])[], hypLen: number): number {
  let best = Infinity;
  for (const r of references) {
    const d = Math.abs(r.length - hypLen);
    const bd = Math.abs(best - hypLen);
    if (d < bd || (d === bd && r.length < best)) best = r.length;
  }
  return best;
}

/** NLTK `brevity_penalty(closest_ref_len, hyp_len)`. */
export function nltkBrevityPenalty(refLen: number, hypLen: number): number {
  if (hypLen > refLen) return 1;
  if (hypLen === 0) return 0;
  return Math.exp(1 - refLen / hypLen);
}

/** NLTK `corpus_bleu(list_of_references, hypotheses, weights, smoothing_function)`. */
export function nltkCorpusBleu(listOfReferences: readonly (readonly (readonly string[])[])[], hypotheses: readonly (readonly string[])[], opts: NltkBleuOptions = {}): NltkBleuResult {
  if (listOfReferences.length !== hypotheses.length) throw new Error("nltkCorpusBleu: the number of hypotheses and their reference lists should be the same");
  const weights = opts.weights ?? [0.25, 0.25, 0.25, 0.25];
  const numerators = new Array<number>(weights.length).fill(0);
  const denominators = new Array<number>(weights.length).fill(0);
  let hypLen = 0;
  let refLen = 0;
  for (let s = 0; s < hypotheses.length; s++) {
    const refs = listOfReferences[s]!;
    const hyp = hypotheses[s]!;
    for (let i = 0; i < weights.length; i++) {
      const [num, den] = modifiedPrecision(refs, hyp, i + 1);
      numerators[i]! += num;
      denominators[i]! += den;
    }
    hypLen += hyp.length;
    refLen += closestRefLength(refs, hyp.length);
  }
  const bp = nltkBrevityPenalty(refLen, hypLen);
  const result = (score: number): NltkBleuResult => ({ score, numerators, denominators, bp, hypLen, refLen });
  if (numerators[0] === 0) return result(0);
  const smoothing = opts.smoothing ?? "method1";
  const eps = opts.epsilon ?? 0.1;
  const terms = weights.map((w, i) => {
    const num = numerators[i]!;
    const den = denominators[i]!;
    let p: number;
    if (num !== 0) p = num / den;
    else p = smoothing === "method1" ? (num + eps) / den : FLOAT_MIN;
    return w * Math.log(p);
  });
  return result(bp * Math.exp(fsum(terms)));
}

/**
 * NLTK `sentence_bleu(references, hypothesis, weights, smoothing_function)`; the default here
 * is smoothing method1 (NLTK's own default is none, `smoothing: "method0"`).
 * @example nltkSentenceBleu([["the","cat"]], ["the","cat"]).score === 1
 */
export function nltkSentenceBleu(references: readonly (readonly string[])[], hypothesis: readonly string[], opts: NltkBleuOptions = {}): NltkBleuResult {
  return nltkCorpusBleu([references], [hypothesis], opts);
}
