import { minCostAssignment } from "./hungarian.ts";

/** How a set of predictions against a set of gold items is turned into one score. */
export type ScoreBy = "mean" | "f1" | "precision" | "recall";
export const SCORE_BY = ["mean", "f1", "precision", "recall"] as const;

export type MatchedPair = { pred: number; gold: number; score: number; hit: boolean };

export type SetMatch = {
  pairs: MatchedPair[];
  unmatchedPred: number[];
  unmatchedGold: number[];
  nPred: number;
  nGold: number;
  /** Σ pair score / max(nPred, nGold): every unmatched item, on either side, counts as 0. */
  mean: number;
  /** Matched pairs whose `hit` holds (e.g. IoU ≥ threshold). */
  tp: number;
  precision: number;
  recall: number;
  f1: number;
};

/**
 * One-to-one matching of predictions to gold items maximizing the total pair score (0–1), by
 * the Hungarian algorithm, then set-level figures.
 *
 * Conventions (documented in the README):
 * - unmatched predictions and unmatched gold items count as 0 in `mean`, whose denominator is
 *   max(nPred, nGold) — extra boxes cost as much as missing ones;
 * - a true positive is a matched pair whose `hit` is true; pairs are chosen to maximize the
 *   summed score, not the number of hits (as Veason-R1 / VisionReasoner-style rewards do);
 * - nothing predicted and nothing expected: every figure is 1 (a correct "no object");
 * - one side empty, the other not: every figure is 0 (precision and recall of an empty side
 *   are 0, sklearn's zero_division=0, so an empty answer never earns a vacuous precision of 1).
 */
export function matchSets(
  nPred: number,
  nGold: number,
  score: (pred: number, gold: number) => number,
  hit: (pred: number, gold: number) => boolean,
): SetMatch {
  const unmatchedPred: number[] = [];
  const unmatchedGold: number[] = [];
  if (nPred === 0 || nGold === 0) {
    for (let i = 0; i < nPred; i++) unmatchedPred.push(i);
    for (let j = 0; j < nGold; j++) unmatchedGold.push(j);
    const v = nPred === 0 && nGold === 0 ? 1 : 0;
    return { pairs: [], unmatchedPred, unmatchedGold, nPred, nGold, mean: v, tp: 0, precision: v, recall: v, f1: v };
  }
  const sim = new Float64Array(nPred * nGold);
  for (let i = 0; i < nPred; i++) for (let j = 0; j < nGold; j++) sim[i * nGold + j] = score(i, j);
  let rowToCol: Int32Array;
  if (nPred === 1 && nGold === 1) rowToCol = Int32Array.of(0);
  else {
    const cost = new Float64Array(sim.length);
    for (let k = 0; k < sim.length; k++) cost[k] = -sim[k]!;
    rowToCol = minCostAssignment(cost, nPred, nGold);
  }
  const pairs: MatchedPair[] = [];
  const goldUsed = new Uint8Array(nGold);
  let sum = 0;
  let tp = 0;
  for (let i = 0; i < nPred; i++) {
    const j = rowToCol[i]!;
    if (j < 0) {
      unmatchedPred.push(i);
      continue;
    }
    goldUsed[j] = 1;
    const s = sim[i * nGold + j]!;
    const h = hit(i, j);
    sum += s;
    if (h) tp++;
    pairs.push({ pred: i, gold: j, score: s, hit: h });
  }
  for (let j = 0; j < nGold; j++) if (!goldUsed[j]) unmatchedGold.push(j);
  const precision = tp / nPred;
  const recall = tp / nGold;
  return {
    pairs,
    unmatchedPred,
    unmatchedGold,
    nPred,
    nGold,
    mean: sum / Math.max(nPred, nGold),
    tp,
    precision,
    recall,
    f1: (2 * tp) / (nPred + nGold),
  };
}

export function pick(m: SetMatch, by: ScoreBy): number {
  return by === "mean" ? m.mean : by === "f1" ? m.f1 : by === "precision" ? m.precision : m.recall;
}

/** The set-level figures for `details`, without the per-pair list. */
export function summary(m: SetMatch): Record<string, unknown> {
  return {
    n_pred: m.nPred,
    n_gold: m.nGold,
    tp: m.tp,
    precision: m.precision,
    recall: m.recall,
    f1: m.f1,
    unmatched_pred: m.unmatchedPred,
    unmatched_gold: m.unmatchedGold,
  };
}
