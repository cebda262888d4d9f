import { PY_WORD_CLASS, pyLower, pySplit } from "./pystr.ts";

/*
 * The official SQuAD v1.1 evaluation script: lower-case, drop ASCII punctuation
 * (`string.punctuation`), replace the articles a/an/the (whole words in Python's Unicode
 * sense of `\b`) by a space, collapse whitespace. Token F1 over the normalized words (0 when
 * nothing is shared, so two answers that normalize to nothing score F1 0 but EM 1), exact
 * match of the normalized strings, and the maximum over the gold answers.
 */

const PUNCT = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/g;
const ARTICLES = new RegExp(`(?<![${PY_WORD_CLASS}])(?:a|an|the)(?![${PY_WORD_CLASS}])`, "gu");

/** SQuAD v1.1 `normalize_answer`. */
export function squadNormalize(s: string): string {
  const noPunct = pyLower(s).replace(PUNCT, "");
  return pySplit(noPunct.replace(ARTICLES, " ")).join(" ");
}

/** SQuAD v1.1 `f1_score(prediction, ground_truth)`. */
export function squadF1(prediction: string, groundTruth: string): number {
  const p = pySplit(squadNormalize(prediction));
  const g = pySplit(squadNormalize(groundTruth));
  const counts = new Map<string, number>();
  for (const t of g) counts.set(t, (counts.get(t) ?? 0) + 1);
  let same = 0;
  for (const t of p) {
    const c = counts.get(t);
    if (c) {
      same++;
      counts.set(t, c - 1);
    }
  }
  if (same === 0) return 0;
  const precision = (1.0 * same) / p.length;
  const recall = (1.0 * same) / g.length;
  return (2 * precision * recall) / (precision + recall);
}

/** SQuAD v1.1 `exact_match_score` as 0/1. */
export const squadExactMatch = (prediction: string, groundTruth: string): number => (squadNormalize(prediction) === squadNormalize(groundTruth) ? 1 : 0);

/**
 * SQuAD v1.1 `metric_max_over_ground_truths`, with the index of the best answer (the first on a tie).
 * @example maxOverGroundTruths(squadF1, "Denver Broncos", ["Denver Broncos", "Broncos"]).score === 1
 */
export function maxOverGroundTruths(metric: (p: string, g: string) => number, prediction: string, groundTruths: readonly string[]): { score: number; best: number } {
  let score = -Infinity;
  let best = -1;
  groundTruths.forEach((g, i) => {
    const s = metric(prediction, g);
    if (s > score) {
      score = s;
      best = i;
    }
  });
  if (best < 0) throw new Error("maxOverGroundTruths: no ground truths");
  return { score, best };
}
