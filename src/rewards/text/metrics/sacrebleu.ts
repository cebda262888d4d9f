import { ngramCounts } from "./ngrams.ts";
import { pyLower, pyRstrip, pySplit } from "./pystr.ts";
import { tokenize13a, tokenizeIntl } from "./tokenize-13a.ts";

/*
 * sacreBLEU 2.x BLEU (Papineni et al., 2002) reproduced from its sufficient statistics:
 * segment n-gram matches clipped by the maximum count over the references, the closest
 * reference length (ties go to the shorter one), brevity penalty and the smoothing methods of
 * Chen & Cherry (2014) as sacreBLEU implements them. Scores are on sacreBLEU's 0–100 scale.
 */

export type SmoothMethod = "exp" | "floor" | "add-k" | "none";

export type BleuOptions = {
  /** "13a" (sacreBLEU's default), "intl" (mteval-v14 international) or "none" (split on whitespace only). */
  tokenize?: "13a" | "intl" | "none";
  lowercase?: boolean;
  smoothMethod?: SmoothMethod;
  /** For `floor` (default 0.1) and `add-k` (default 1). */
  smoothValue?: number;
  /** Drop n-gram orders the hypothesis has none of (sacreBLEU `effective_order`). */
  effectiveOrder?: boolean;
  maxNgramOrder?: number;
};

export type BleuResult = {
  /** 0–100, as sacreBLEU prints it. */
  score: number;
  counts: number[];
  totals: number[];
  /** 0–100 per order. */
  precisions: number[];
  bp: number;
  sysLen: number;
  refLen: number;
};

const SMOOTH_DEFAULTS: Record<SmoothMethod, number | undefined> = { none: undefined, floor: 0.1, "add-k": 1, exp: undefined };

/** sacreBLEU `my_log`: log with log(0) floored to -9999999999, so a zero precision zeroes the score. */
const myLog = (x: number): number => (x === 0 ? -9999999999 : Math.log(x));

/** sacreBLEU `BLEU.compute_bleu`: the score from summed statistics. */
export function computeBleu(
  correctIn: readonly number[],
  totalIn: readonly number[],
  sysLen: number,
  refLen: number,
  opts: Pick<BleuOptions, "smoothMethod" | "smoothValue" | "effectiveOrder" | "maxNgramOrder"> = {},
): BleuResult {
  const method = opts.smoothMethod ?? "exp";
  const smoothValue = opts.smoothValue ?? SMOOTH_DEFAULTS[method] ?? 0;
  const maxOrder = opts.maxNgramOrder ?? 4;
  const correct = correctIn.slice(0, maxOrder);
  const total = totalIn.slice(0, maxOrder);
  let bp: number;
  if (sysLen < refLen) bp = sysLen > 0 ? Math.exp(1 - refLen / sysLen) : 0;
  else bp = 1;
  const precisions = new Array<number>(maxOrder).fill(0);
  const result = (score: number): BleuResult => ({ score, counts: correct, totals: total, precisions, bp, sysLen, refLen });
  // no match at all: 0 whatever the smoothing (sacreBLEU #141)
  if (!correct.some((c) => c !== 0)) return result(0);

  let smoothMteval = 1;
  let effOrder = maxOrder;
  for (let n = 1; n <= maxOrder; n++) {
    if (method === "add-k" && n > 1) {
      correct[n - 1]! += smoothValue;
      total[n - 1]! += smoothValue;
    }
    if (total[n - 1] === 0) break;
    if (opts.effectiveOrder) effOrder = n;
    if (correct[n - 1] === 0) {
      if (method === "exp") {
        smoothMteval *= 2;
        precisions[n - 1] = 100 / (smoothMteval * total[n - 1]!);
      } else if (method === "floor") {
        precisions[n - 1] = (100 * smoothValue) / total[n - 1]!;
      }
    } else {
      precisions[n - 1] = (100 * correct[n - 1]!) / total[n - 1]!;
    }
  }
  let logSum = 0;
  for (let i = 0; i < effOrder; i++) logSum += myLog(precisions[i]!);
  return result(bp * Math.exp(logSum / effOrder));
}

type NgramCounts = Map<string, number>[];

/** All 1..maxOrder n-grams of a whitespace-tokenized line, one map per order. */
const wordNgrams = (tokens: readonly string[], maxOrder: number): NgramCounts => Array.from({ length: maxOrder }, (_, i) => ngramCounts(tokens, i + 1));

/** References prepared once: merged n-gram maxima and lengths (sacreBLEU `_extract_reference_info`). */
export type BleuReferenceInfo = { ngrams: NgramCounts; lens: number[] };

function makePreprocess(opts: BleuOptions): (s: string) => string {
  const tok = { "13a": tokenize13a, intl: tokenizeIntl, none: (s: string) => s }[opts.tokenize ?? "13a"];
  const lc = opts.lowercase ?? false;
  return (s) => tok(pyRstrip(lc ? pyLower(s) : s));
}

/**
 * sacreBLEU drops empty references (`""`) before scoring and refuses a segment with none left;
 * this returns undefined in that case so callers can report it.
 */
export function bleuReferenceInfo(refs: readonly string[], opts: BleuOptions = {}): BleuReferenceInfo | undefined {
  const pre = makePreprocess(opts);
  const maxOrder = opts.maxNgramOrder ?? 4;
  const kept = refs.filter((r) => r !== "");
  if (kept.length === 0) return undefined;
  let merged: NgramCounts | undefined;
  const lens: number[] = [];
  for (const r of kept) {
    const toks = pySplit(pre(r));
    lens.push(toks.length);
    const ng = wordNgrams(toks, maxOrder);
    if (!merged) merged = ng;
    else {
      for (let o = 0; o < maxOrder; o++) {
        const into = merged[o]!;
        for (const [k, c] of ng[o]!) if (c > (into.get(k) ?? 0)) into.set(k, c);
      }
    }
  }
  return { ngrams: merged!, lens };
}

/** sacreBLEU `_get_closest_ref_len`: the closest length, the shorter one on a tie. */
function closestRefLen(hypLen: number, refLens: readonly number[]): number {
  let bestDiff = -1;
  let best = -1;
  for (const rl of refLens) {
    const d = Math.abs(hypLen - rl);
    if (bestDiff === -1 || d < bestDiff) {
      bestDiff = d;
      best = rl;
    } else if (d === bestDiff && rl < best) best = rl;
  }
  return best;
}

/** Segment statistics `[hypLen, refLen, correct_1..N, total_1..N]`, as sacreBLEU sums them for a corpus. */
export function bleuSegmentStats(hypothesis: string, refInfo: BleuReferenceInfo, opts: BleuOptions = {}): number[] {
  const maxOrder = opts.maxNgramOrder ?? 4;
  const toks = pySplit(makePreprocess(opts)(hypothesis));
  const hyp = wordNgrams(toks, maxOrder);
  const correct = new Array<number>(maxOrder).fill(0);
  const total = new Array<number>(maxOrder).fill(0);
  for (let o = 0; o < maxOrder; o++) {
    const refs = refInfo.ngrams[o]!;
    for (const [k, c] of hyp[o]!) {
      total[o]! += c;
      const r = refs.get(k);
      if (r !== undefined) correct[o]! += Math.min(c, r);
    }
  }
  return [toks.length, closestRefLen(toks.length, refInfo.lens), ...correct, ...total];
}

function fromStats(stats: readonly number[], opts: BleuOptions): BleuResult {
  const n = opts.maxNgramOrder ?? 4;
  return computeBleu(stats.slice(2, 2 + n), stats.slice(2 + n, 2 + 2 * n), stats[0]!, stats[1]!, opts);
}

/**
 * sacreBLEU `sentence_bleu(hypothesis, references)`: defaults are sacreBLEU's for sentences
 * (13a, exp smoothing, effective order). Returns undefined when every reference is empty.
 * @example sentenceBleu("The dog bit the man.", ["The dog bit the man."])!.score === 100
 */
export function sentenceBleu(hypothesis: string, references: readonly string[], opts: BleuOptions = {}): BleuResult | undefined {
  const o = { effectiveOrder: true, ...opts };
  const info = bleuReferenceInfo(references, o);
  return info && fromStats(bleuSegmentStats(hypothesis, info, o), o);
}

/**
 * sacreBLEU `corpus_bleu`: statistics summed over segments, then one score. `references[i]`
 * holds the references of `hypotheses[i]` (any number each; sacreBLEU's streams transposed).
 * Defaults are sacreBLEU's for corpora (13a, exp smoothing, no effective order).
 * Returns undefined when a segment has only empty references (sacreBLEU raises).
 */
export function corpusBleu(hypotheses: readonly string[], references: readonly (readonly string[])[], opts: BleuOptions = {}): BleuResult | undefined {
  if (hypotheses.length !== references.length) throw new Error(`corpusBleu: ${hypotheses.length} hypotheses but ${references.length} reference lists`);
  const n = opts.maxNgramOrder ?? 4;
  const sum = new Array<number>(2 + 2 * n).fill(0);
  for (let i = 0; i < hypotheses.length; i++) {
    const info = bleuReferenceInfo(references[i]!, opts);
    if (!info) return undefined;
    const st = bleuSegmentStats(hypotheses[i]!, info, opts);
    for (let j = 0; j < sum.length; j++) sum[j]! += st[j]!;
  }
  return fromStats(sum, opts);
}
