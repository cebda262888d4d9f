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

function charNgrams(line: string, order: number, keepWhitespace: boolean): Counts[] {
  const s = keepWhitespace ? line : pyRemoveSpaces(line);
  const out: Counts[] = [];
  if (isBmpOnly(s)) {
    for (let n = 1; n <= order; n++) {
      const m: Counts = new Map();
      for (let i = 0; i + n <= s.length; i++) {
        const k = s.slice(i, i + n);
        m.set(k, (m.get(k) ?? 0) + 1);
      }
      out.push(m);
    }
    return out;
  }
  const cps = codePoints(s);
  for (let n = 1; n <= order; n++) {
    const m: Counts = new Map();
    for (let i = 0; i + n <= cps.length; i++) {
      const k = cps.slice(i, i + n).join("");
      m.set(k, (m.get(k) ?? 0) + 1);
    }
    out.push(m);
  }
  return out;
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

function wordNgrams(words: readonly string[], n: number): Counts {
  const m: Counts = new Map();
  for (let i = 0; i + n <= words.length; i++) {
    const k = words.slice(i, i + n).join(" ");
    m.set(k, (m.get(k) ?? 0) + 1);
  }
  return m;
}

function allNgrams(s: string, o: Required<ChrfOptions>): Counts[] {
  const line = o.lowercase ? pyLower(s) : s;
  const grams = charNgrams(line, o.charOrder, o.whitespace);
  if (o.wordOrder > 0) {
    const words = chrfWords(line);
    for (let n = 1; n <= o.wordOrder; n++) grams.push(wordNgrams(words, n));
  }
  return grams;
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
    const ref = allNgrams(r, o);
    const stats: number[] = [];
    for (let k = 0; k < hyp.length; k++) {
      const h = hyp[k]!;
      const rr = ref[k]!;
      let match = 0;
      let hypCount = 0;
      let refCount = 0;
      for (const [g, c] of h) {
        hypCount += c;
        const rc = rr.get(g);
        if (rc !== undefined) match += Math.min(c, rc);
      }
      for (const c of rr.values()) refCount += c;
      // no reference n-gram of this order: the hypothesis' ones are not counted either
      stats.push(rr.size > 0 ? hypCount : 0, refCount, match);
    }
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
