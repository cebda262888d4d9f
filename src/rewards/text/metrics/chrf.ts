import { ngramCounts } from "./ngrams.ts";
import { codePoints, isBmpOnly, pyLen, pyLower, pyRemoveSpaces, pySplit } from "./pystr.ts";

/*
 * sacreBLEU 2.x chrF (Popović, 2015) and chrF++ (Popović, 2017): character n-grams over code
 * points with whitespace removed, plus (chrF++) word n-grams after sacreBLEU's punctuation
 * split. Precision and recall are averaged over the orders that both sides have (sacreBLEU's
 * default "effective order"), or chrF++.py's epsilon smoothing when asked; then F-beta.
 * With several references the one with the best F wins. Scores are on the 0–100 scale.
 */

export type ChrfOptions = {
  /** Character n-gram order (6). */
  charOrder?: number;
  /** Word n-gram order: 0 for chrF, 2 for chrF++. */
  wordOrder?: number;
  /** Recall weight (2). */
  beta?: number;
  lowercase?: boolean;
  /** Keep whitespace inside character n-grams (sacreBLEU `whitespace=True`). */
  whitespace?: boolean;
  /** chrF++.py / NLTK / Moses epsilon smoothing instead of the effective order. */
  epsSmoothing?: boolean;
};

export type ChrfResult = {
  /** 0–100. */
  score: number;
  /** `[hyp, ref, match]` per order: characters 1..charOrder, then words 1..wordOrder. */
  stats: number[];
  /** Index of the reference that gave the best F. */
  bestReference: number;
};

type Counts = Map<string, number>;

const PUNCTS = new Set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~");

/**
 * All character n-grams of orders 1..order in one map: an n-gram's order is its length in code
 * points, so orders never share a key. Returns the map and the line length in code points.
 */
function charNgrams(line: string, order: number, keepWhitespace: boolean): { grams: Counts; len: number } {
  const s = keepWhitespace ? line : pyRemoveSpaces(line);
  const grams: Counts = new Map();
  if (isBmpOnly(s)) {
    for (let i = 0; i < s.length; i++) {
      for (let n = 1; n <= order && i + n <= s.length; n++) {
        const k = s.slice(i, i + n);
        grams.set(k, (grams.get(k) ?? 0) + 1);
      }
    }
    return { grams, len: s.length };
  }
  const cps = codePoints(s);
  for (let i = 0; i < cps.length; i++) {
    let k = "";
    for (let n = 1; n <= order && i + n <= cps.length; n++) {
      k += cps[i + n - 1]!;
      grams.set(k, (grams.get(k) ?? 0) + 1);
    }
  }
  return { grams, len: cps.length };
}

/** Last and first code point of a word (the unit sacreBLEU's `w[-1]` / `w[0]` see). */
function lastCodePoint(w: string): string {
  const c = w.charCodeAt(w.length - 1);
  return c >= 0xdc00 && c <= 0xdfff && w.length > 1 ? w.slice(-2) : w.slice(-1);
}

/** sacreBLEU `_remove_punctuation`: one leading or trailing ASCII punctuation mark becomes its own word. */
export function chrfWords(sent: string): string[] {
  const out: string[] = [];
  for (const w of pySplit(sent)) {
    if (pyLen(w) === 1) {
      out.push(w);
      continue;
    }
    const last = lastCodePoint(w);
    if (PUNCTS.has(last)) out.push(w.slice(0, w.length - last.length), last);
    else if (PUNCTS.has(w[0]!)) out.push(w[0]!, w.slice(1));
    else out.push(w);
  }
  return out;
}


type Side = { chars: Counts; len: number; words: Counts[] };

function allNgrams(s: string, o: Required<ChrfOptions>): Side {
  const line = o.lowercase ? pyLower(s) : s;
  const { grams, len } = charNgrams(line, o.charOrder, o.whitespace);
  const words: Counts[] = [];
  if (o.wordOrder > 0) {
    const w = chrfWords(line);
    for (let n = 1; n <= o.wordOrder; n++) words.push(ngramCounts(w, n));
  }
  return { chars: grams, len, words };
}

/** Code-point length of an n-gram key (BMP keys: .length). */
const keyOrder = (k: string): number => (isBmpOnly(k) ? k.length : pyLen(k));

/** `[hyp, ref, match]` per order, as sacreBLEU's `_get_match_statistics` gives them. */
function matchStats(h: Side, r: Side, o: Required<ChrfOptions>): number[] {
  const stats: number[] = [];
  const matches = new Array<number>(o.charOrder + 1).fill(0);
  for (const [k, c] of h.chars) {
    const rc = r.chars.get(k);
    if (rc !== undefined) matches[keyOrder(k)]! += Math.min(c, rc);
  }
  for (let n = 1; n <= o.charOrder; n++) {
    const hypCount = Math.max(0, h.len - n + 1);
    const refCount = Math.max(0, r.len - n + 1);
    // no reference n-gram of this order: the hypothesis' ones are not counted either
    stats.push(refCount > 0 ? hypCount : 0, refCount, matches[n]!);
  }
  for (let k = 0; k < o.wordOrder; k++) {
    const hw = h.words[k]!;
    const rw = r.words[k]!;
    let match = 0;
    let hypCount = 0;
    let refCount = 0;
    for (const [g, c] of hw) {
      hypCount += c;
      const rc = rw.get(g);
      if (rc !== undefined) match += Math.min(c, rc);
    }
    for (const c of rw.values()) refCount += c;
    stats.push(rw.size > 0 ? hypCount : 0, refCount, match);
  }
  return stats;
}

/** sacreBLEU `CHRF._compute_f_score`: the 0–100 score from `[hyp, ref, match]` triples. */
export function chrfFromStats(stats: readonly number[], beta = 2, epsSmoothing = false): number {
  const order = stats.length / 3;
  const eps = 1e-16;
  const factor = beta ** 2;
  let score = 0;
  let effOrder = 0;
  let avgPrec = 0;
  let avgRec = 0;
  for (let i = 0; i < order; i++) {
    const nHyp = stats[3 * i]!;
    const nRef = stats[3 * i + 1]!;
    const nMatch = stats[3 * i + 2]!;
    const prec = nHyp > 0 ? nMatch / nHyp : eps;
    const rec = nRef > 0 ? nMatch / nRef : eps;
    const denom = factor * prec + rec;
    score += denom > 0 ? ((1 + factor) * prec * rec) / denom : eps;
    if (nHyp > 0 && nRef > 0) {
      avgPrec += prec;
      avgRec += rec;
      effOrder++;
    }
  }
  if (epsSmoothing) return (100 * score) / order;
  if (effOrder === 0) {
    avgPrec = 0;
    avgRec = 0;
  } else {
    avgPrec /= effOrder;
    avgRec /= effOrder;
  }
  if (avgPrec + avgRec === 0) return 0;
  let f = (1 + factor) * avgPrec * avgRec;
  f /= factor * avgPrec + avgRec;
  return 100 * f;
}

function resolve(opts: ChrfOptions): Required<ChrfOptions> {
  return {
    charOrder: opts.charOrder ?? 6,
    wordOrder: opts.wordOrder ?? 0,
    beta: opts.beta ?? 2,
    lowercase: opts.lowercase ?? false,
    whitespace: opts.whitespace ?? false,
    epsSmoothing: opts.epsSmoothing ?? false,
  };
}

function segmentStats(hypothesis: string, references: readonly string[], o: Required<ChrfOptions>): { stats: number[]; best: number } | undefined {
  const refs = references.map((r, i) => [r, i] as const).filter(([r]) => r !== "");
  if (refs.length === 0) return undefined;
  const hyp = allNgrams(hypothesis, o);
  let bestF = -1;
  let best: number[] = [];
  let bestIdx = -1;
  for (const [r, idx] of refs) {
    const stats = matchStats(hyp, allNgrams(r, o), o);
    const f = chrfFromStats(stats, o.beta, o.epsSmoothing);
    if (f > bestF) {
      bestF = f;
      best = stats;
      bestIdx = idx;
    }
  }
  return { stats: best, best: bestIdx };
}

/**
 * sacreBLEU `sentence_chrf(hypothesis, references)`; chrF++ with `wordOrder: 2`.
 * Returns undefined when every reference is empty (sacreBLEU raises).
 * @example sentenceChrf("a b c", ["a b c"])!.score === 100
 */
export function sentenceChrf(hypothesis: string, references: readonly string[], opts: ChrfOptions = {}): ChrfResult | undefined {
  const o = resolve(opts);
  const seg = segmentStats(hypothesis, references, o);
  return seg && { score: chrfFromStats(seg.stats, o.beta, o.epsSmoothing), stats: seg.stats, bestReference: seg.best };
}

/** sacreBLEU `corpus_chrf`: statistics summed over segments; `references[i]` are the references of `hypotheses[i]`. */
export function corpusChrf(hypotheses: readonly string[], references: readonly (readonly string[])[], opts: ChrfOptions = {}): number | undefined {
  if (hypotheses.length !== references.length) throw new Error(`corpusChrf: ${hypotheses.length} hypotheses but ${references.length} reference lists`);
  const o = resolve(opts);
  let sum: number[] | undefined;
  for (let i = 0; i < hypotheses.length; i++) {
    const seg = segmentStats(hypotheses[i]!, references[i]!, o);
    if (!seg) return undefined;
    if (!sum) sum = seg.stats.slice();
    else for (let j = 0; j < sum.length; j++) sum[j]! += seg.stats[j]!;
  }
  return sum ? chrfFromStats(sum, o.beta, o.epsSmoothing) : 0;
}
