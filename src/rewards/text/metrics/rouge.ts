import { ngramCounts } from "./ngrams.ts";
import { porterStem } from "./porter.ts";
import { pyLower } from "./pystr.ts";

/*
 * Google's rouge-score (`rouge_score.rouge_scorer.RougeScorer`, default tokenizer): text is
 * lower-cased, everything but [a-z0-9] separates tokens (so non-ASCII letters vanish), tokens
 * longer than 3 characters are Porter-stemmed when asked. ROUGE-N counts clipped n-gram
 * overlap; ROUGE-L uses the LCS of the two token lists; ROUGE-Lsum is the summary-level LCS
 * over newline-separated sentences, with ROUGE-1.5.5's guard against counting a token twice.
 */

export type RougeScore = { precision: number; recall: number; fmeasure: number };

export type RougeType = `rouge${1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9}` | "rougeL" | "rougeLsum";

export type RougeOptions = { useStemmer?: boolean };

const TOKEN = /[a-z0-9]+/g;
const ZERO: RougeScore = Object.freeze({ precision: 0, recall: 0, fmeasure: 0 });

/** rouge-score `tokenize.tokenize(text, stemmer)`. */
export function rougeTokenize(text: string, useStemmer = false): string[] {
  const toks = pyLower(text).match(TOKEN) ?? [];
  if (!useStemmer) return toks;
  // the tokens are ASCII, so .length is Python's len
  return toks.map((t) => (t.length > 3 ? porterStem(t) : t)).filter((t) => t.length > 0);
}

/** rouge-score `scoring.fmeasure`. */
export const rougeFmeasure = (p: number, r: number): number => (p + r > 0 ? (2 * p * r) / (p + r) : 0);


/** rouge-score `_score_ngrams` on tokens: clipped overlap over max(count, 1). */
export function rougeNTokens(target: readonly string[], prediction: readonly string[], n: number): RougeScore {
  const t = ngramCounts(target, n);
  const p = ngramCounts(prediction, n);
  let inter = 0;
  let tCount = 0;
  let pCount = 0;
  for (const [k, c] of t) {
    tCount += c;
    const pc = p.get(k);
    if (pc !== undefined) inter += Math.min(c, pc);
  }
  for (const c of p.values()) pCount += c;
  const precision = inter / Math.max(pCount, 1);
  const recall = inter / Math.max(tCount, 1);
  return { precision, recall, fmeasure: rougeFmeasure(precision, recall) };
}

/** Tokens as small integers, so the LCS loops compare numbers. */
function encode(lists: readonly (readonly string[])[]): Int32Array[] {
  const ids = new Map<string, number>();
  return lists.map((l) => {
    const a = new Int32Array(l.length);
    l.forEach((t, i) => {
      let id = ids.get(t);
      if (id === undefined) ids.set(t, (id = ids.size));
      a[i] = id;
    });
    return a;
  });
}

function lcsLength(a: Int32Array, b: Int32Array): number {
  if (a.length === 0 || b.length === 0) return 0;
  let prev = new Int32Array(b.length + 1);
  let cur = new Int32Array(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    const ai = a[i - 1];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = ai === b[j - 1] ? prev[j - 1]! + 1 : Math.max(prev[j]!, cur[j - 1]!);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[b.length]!;
}

/** rouge-score `_score_lcs` on tokens. */
export function rougeLTokens(target: readonly string[], prediction: readonly string[]): RougeScore {
  if (target.length === 0 || prediction.length === 0) return { ...ZERO };
  const [t, p] = encode([target, prediction]);
  const lcs = lcsLength(t!, p!);
  const precision = lcs / prediction.length;
  const recall = lcs / target.length;
  return { precision, recall, fmeasure: rougeFmeasure(precision, recall) };
}

/** rouge-score `lcs_ind`: indices into `ref` of one LCS, read back with its tie-breaking (prefer moving up). */
function lcsIndices(ref: Int32Array, can: Int32Array): number[] {
  const cols = can.length + 1;
  const t = new Int32Array((ref.length + 1) * cols);
  for (let i = 1; i <= ref.length; i++) {
    for (let j = 1; j <= can.length; j++) {
      t[i * cols + j] = ref[i - 1] === can[j - 1] ? t[(i - 1) * cols + j - 1]! + 1 : Math.max(t[(i - 1) * cols + j]!, t[i * cols + j - 1]!);
    }
  }
  const out: number[] = [];
  let i = ref.length;
  let j = can.length;
  while (i > 0 && j > 0) {
    if (ref[i - 1] === can[j - 1]) {
      out.push(i - 1);
      i--;
      j--;
    } else if (t[i * cols + j - 1]! > t[(i - 1) * cols + j]!) j--;
    else i--;
  }
  return out.reverse();
}

/** rouge-score `_summary_level_lcs` on tokenized sentences. */
export function rougeLsumTokens(targetSents: readonly (readonly string[])[], predSents: readonly (readonly string[])[]): RougeScore {
  if (targetSents.length === 0 || predSents.length === 0) return { ...ZERO };
  let m = 0;
  let n = 0;
  for (const s of targetSents) m += s.length;
  for (const s of predSents) n += s.length;
  if (m === 0 || n === 0) return { ...ZERO };
  const enc = encode([...targetSents, ...predSents]);
  const refs = enc.slice(0, targetSents.length);
  const cans = enc.slice(targetSents.length);
  const cntR = new Map<number, number>();
  const cntC = new Map<number, number>();
  for (const s of refs) for (const t of s) cntR.set(t, (cntR.get(t) ?? 0) + 1);
  for (const s of cans) for (const t of s) cntC.set(t, (cntC.get(t) ?? 0) + 1);
  let hits = 0;
  for (const r of refs) {
    const union = new Set<number>();
    for (const c of cans) for (const i of lcsIndices(r, c)) union.add(i);
    const sorted = [...union].sort((a, b) => a - b);
    for (const i of sorted) {
      const tok = r[i]!;
      const c = cntC.get(tok) ?? 0;
      const rr = cntR.get(tok) ?? 0;
      if (c > 0 && rr > 0) {
        hits++;
        cntC.set(tok, c - 1);
        cntR.set(tok, rr - 1);
      }
    }
  }
  const recall = hits / m;
  const precision = hits / n;
  return { precision, recall, fmeasure: rougeFmeasure(precision, recall) };
}

const NGRAM_TYPE = /^rouge([1-9])$/;

export function isRougeType(t: string): t is RougeType {
  return t === "rougeL" || t === "rougeLsum" || NGRAM_TYPE.test(t);
}

/** rougeLsum's sentences: the text split on "\n", empty lines dropped (rouge-score with split_summaries=False). */
const sentences = (text: string): string[] => text.split("\n").filter((s) => s.length > 0);

/**
 * rouge-score `RougeScorer([type], use_stemmer).score(target, prediction)[type]`.
 * @example rouge("testing one two", "testing", "rouge1") // { precision: 1, recall: 1/3, fmeasure: 0.5 }
 */
export function rouge(target: string, prediction: string, type: RougeType, opts: RougeOptions = {}): RougeScore {
  const stem = opts.useStemmer ?? false;
  if (type === "rougeLsum") {
    return rougeLsumTokens(
      sentences(target).map((s) => rougeTokenize(s, stem)),
      sentences(prediction).map((s) => rougeTokenize(s, stem)),
    );
  }
  const t = rougeTokenize(target, stem);
  const p = rougeTokenize(prediction, stem);
  if (type === "rougeL") return rougeLTokens(t, p);
  const m = NGRAM_TYPE.exec(type);
  if (!m) throw new Error(`invalid rouge type: ${type}`);
  return rougeNTokens(t, p, Number(m[1]));
}

/**
 * rouge-score `RougeScorer.score_multi(targets, prediction)`: the target with the highest
 * F-measure (the first one on a tie, as numpy's argmax) gives all three numbers.
 */
export function rougeMulti(targets: readonly string[], prediction: string, type: RougeType, opts: RougeOptions = {}): RougeScore & { bestTarget: number } {
  let best: RougeScore | undefined;
  let bestTarget = -1;
  targets.forEach((t, i) => {
    const s = rouge(t, prediction, type, opts);
    if (!best || s.fmeasure > best.fmeasure) {
      best = s;
      bestTarget = i;
    }
  });
  if (!best) throw new Error("rougeMulti: no targets");
  return { ...best, bestTarget };
}
