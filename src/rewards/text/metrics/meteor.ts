import { porterStem } from "./porter.ts";
import { pyLower } from "./pystr.ts";
import type { SynonymSource } from "./wordnet.ts";

/*
 * NLTK `nltk.translate.meteor_score` (Lavie & Agarwal, 2007). Words are lower-cased, then
 * aligned in NLTK's three stages: exact matches, Porter-stem matches among the words left, and
 * WordNet synonyms among the (stemmed) words left — a reference word matches when it is a lemma
 * name (without "_") of a synset of the hypothesis word. Each scan runs from the last hypothesis
 * word and the last reference word backwards and takes the first hit, as NLTK's does.
 * Fmean = P·R / (α·P + (1-α)·R), penalty γ·(chunks/matches)^β, score = (1 - penalty)·Fmean;
 * several references: the best.
 *
 * The synonym stage needs a `SynonymSource` (`loadWordNet()` in ./wordnet.ts reads WordNet 3.0,
 * the database NLTK uses). Without one that stage matches nothing, so the score is NLTK's
 * whenever WordNet would not have matched anything and lower otherwise.
 */

export type MeteorOptions = {
  alpha?: number;
  beta?: number;
  gamma?: number;
  /** WordNet for the synonym stage; omitted = no synonym matching. */
  wordnet?: SynonymSource;
};

export type MeteorResult = {
  score: number;
  matches: number;
  chunks: number;
  precision: number;
  recall: number;
  /** Index of the reference that gave the best score. */
  bestReference: number;
};

type Enum = [index: number, word: string][];

/** NLTK `_match_enums`: mutates both lists, removing matched words; returns (hyp index, ref index) pairs. */
function matchEnums(hyp: Enum, ref: Enum): [number, number][] {
  const out: [number, number][] = [];
  for (let i = hyp.length - 1; i >= 0; i--) {
    const w = hyp[i]![1];
    for (let j = ref.length - 1; j >= 0; j--) {
      if (w === ref[j]![1]) {
        out.push([hyp[i]![0], ref[j]![0]]);
        hyp.splice(i, 1);
        ref.splice(j, 1);
        break;
      }
    }
  }
  return out;
}

/** NLTK `_enum_wordnetsyn_match`: the hypothesis word itself plus its synsets' lemma names without "_". */
function synonymMatches(hyp: Enum, ref: Enum, wordnet: SynonymSource): [number, number][] {
  const out: [number, number][] = [];
  for (let i = hyp.length - 1; i >= 0; i--) {
    const w = hyp[i]![1];
    const syns = new Set<string>([w]);
    for (const name of wordnet.lemmaNames(w)) if (!name.includes("_")) syns.add(name);
    for (let j = ref.length - 1; j >= 0; j--) {
      if (syns.has(ref[j]![1])) {
        out.push([hyp[i]![0], ref[j]![0]]);
        hyp.splice(i, 1);
        ref.splice(j, 1);
        break;
      }
    }
  }
  return out;
}

/** NLTK `_count_chunks` over matches sorted by hypothesis position. */
function countChunks(matches: readonly [number, number][]): number {
  let chunks = 1;
  for (let i = 0; i < matches.length - 1; i++) {
    const a = matches[i]!;
    const b = matches[i + 1]!;
    if (!(b[0] === a[0] + 1 && b[1] === a[1] + 1)) chunks++;
  }
  return chunks;
}

type Single = Omit<MeteorResult, "bestReference">;

/** NLTK `single_meteor_score(reference, hypothesis)` on token lists. */
export function singleMeteorScore(reference: readonly string[], hypothesis: readonly string[], opts: MeteorOptions = {}): Single {
  const alpha = opts.alpha ?? 0.9;
  const beta = opts.beta ?? 3;
  const gamma = opts.gamma ?? 0.5;
  let hyp: Enum = hypothesis.map((w, i) => [i, pyLower(w)]);
  let ref: Enum = reference.map((w, i) => [i, pyLower(w)]);
  const hypLen = hyp.length;
  const refLen = ref.length;
  const exact = matchEnums(hyp, ref);
  // NLTK carries the stemmed forms (not the words) into the next stage
  hyp = hyp.map(([i, w]) => [i, porterStem(w)]);
  ref = ref.map(([i, w]) => [i, porterStem(w)]);
  const stem = matchEnums(hyp, ref);
  const syn = opts.wordnet ? synonymMatches(hyp, ref, opts.wordnet) : [];
  const matches = [...exact, ...stem, ...syn].sort((a, b) => a[0] - b[0]);
  const m = matches.length;
  const zero: Single = { score: 0, matches: m, chunks: 0, precision: hypLen ? m / hypLen : 0, recall: refLen ? m / refLen : 0 };
  // NLTK returns 0 on any ZeroDivisionError: empty hypothesis, empty reference, or no match
  if (hypLen === 0 || refLen === 0 || m === 0) return zero;
  const precision = m / hypLen;
  const recall = m / refLen;
  const fmean = (precision * recall) / (alpha * precision + (1 - alpha) * recall);
  const chunks = countChunks(matches);
  const penalty = gamma * (chunks / m) ** beta;
  return { score: (1 - penalty) * fmean, matches: m, chunks, precision, recall };
}

/**
 * NLTK `meteor_score(references, hypothesis)`: the best single-reference score.
 * @example meteorScore([["this","is","a","cat"]], ["non","matching","hypothesis"]).score === 0
 */
export function meteorScore(references: readonly (readonly string[])[], hypothesis: readonly string[], opts: MeteorOptions = {}): MeteorResult {
  let best: MeteorResult | undefined;
  references.forEach((r, i) => {
    const s = singleMeteorScore(r, hypothesis, opts);
    if (!best || s.score > best.score) best = { ...s, bestReference: i };
  });
  if (!best) throw new Error("meteorScore: no references");
  return best;
}
