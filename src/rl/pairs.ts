/**
 * Preference-pair mining from scored GRPO groups, for DPO-style training: best-vs-worst, every
 * pair above a margin, or Cooper's rule-verified positives; each pair can carry MM-RLHF's
 * Dynamic Reward Scaling β(δ).
 */
import { drsBeta, DRS_DEFAULTS, type DrsOptions } from "./drs.ts";
import { describeGroupKey, groupRows, rewardOf, selectedReward, type RowSelection, type ScoredRow } from "./rows.ts";

export type PairStrategy = "best_worst" | "margin" | "verified";
export const PAIR_STRATEGIES: readonly PairStrategy[] = ["best_worst", "margin", "verified"];

export type PairOptions = RowSelection & {
  strategy: PairStrategy;
  /** Least reward gap δ a pair needs (default 0; a pair always needs δ > 0). */
  margin?: number;
  /** "margin": keep at most this many pairs per group, largest δ first. */
  maxPairsPerGroup?: number;
  /** "verified": the rule-based component (e.g. a math_verify reward) that decides correctness. */
  verifier?: string;
  /** "verified": a verifier score at or above this is correct (default 1, Cooper's `== 1`). */
  verifierThreshold?: number;
  /** "verified": pair the positive with the first verified-wrong rollout (default) or with all of them. */
  negatives?: "first" | "all";
  /** Per-pair weights: MM-RLHF Dynamic Reward Scaling (default) or none. */
  weighting?: "drs" | "none";
  drs?: DrsOptions;
};

export type PreferencePair = {
  group: string;
  chosen: string;
  rejected: string;
  /** Row indices in the input, to join texts back. */
  chosenIndex: number;
  rejectedIndex: number;
  chosenReward: number;
  rejectedReward: number;
  /** δ = r(chosen) − r(rejected). */
  margin: number;
  /** DRS β(δ) for this pair. */
  beta?: number;
  /** β(δ)/β_ori: the pair's weight relative to plain DPO. */
  weight?: number;
};

export type PairResult = { pairs: PreferencePair[]; skipped: { group: string; reason: string }[] };

/**
 * Mines preference pairs group by group.
 * - best_worst: the highest- vs the lowest-reward rollout (first wins a tie), if δ ≥ margin.
 * - margin: every (i, j) with r_i − r_j ≥ margin (MM-RLHF's "all chosen/rejected combinations").
 * - verified (Cooper): the positive is the first rollout whose `verifier` score reaches the
 *   threshold; negatives are rollouts the verifier judged wrong. Cooper writes its negative with
 *   an LLM rewrite of the positive; here negatives come from the group, and a group with a
 *   positive but no wrong rollout is reported in `skipped` so a rewrite step can fill it.
 * @example
 * const { pairs } = minePairs(scored, { strategy: "best_worst", margin: 0.5 });
 */
export function minePairs(rows: readonly ScoredRow[], opts: PairOptions): PairResult {
  if (!PAIR_STRATEGIES.includes(opts.strategy)) {
    throw new Error(`strategy: expected one of ${PAIR_STRATEGIES.join(", ")}, got ${JSON.stringify(opts.strategy)}`);
  }
  if (opts.strategy === "verified" && !opts.verifier) throw new Error('verifier: the "verified" strategy needs the name of a rule-based component');
  const margin = opts.margin ?? 0;
  const drs = { ...DRS_DEFAULTS, ...opts.drs };
  const weighting = opts.weighting ?? "drs";
  const rewards = rows.map((r) => selectedReward(r, opts).value);
  const { groups, ungrouped } = groupRows(rows, opts.groupKey);
  const pairs: PreferencePair[] = [];
  const skipped: PairResult["skipped"] = [];
  if (ungrouped.length > 0) {
    skipped.push({ group: "", reason: `${ungrouped.length} row(s) without a group (none of ${describeGroupKey(opts.groupKey)} is set)` });
  }

  const make = (group: string, w: number, l: number): PreferencePair => {
    const delta = rewards[w]! - rewards[l]!;
    // A verified pair may have δ ≤ 0 (the reward disagrees with the verifier); its β is floored at
    // β_ori so such a pair never weighs less than plain DPO.
    const p: PreferencePair = {
      group,
      chosen: String(rows[w]!.id),
      rejected: String(rows[l]!.id),
      chosenIndex: w,
      rejectedIndex: l,
      chosenReward: rewards[w]!,
      rejectedReward: rewards[l]!,
      margin: delta,
    };
    if (weighting === "drs") {
      p.beta = drsBeta(Math.max(0, delta), drs);
      p.weight = p.beta / drs.betaOri;
    }
    return p;
  };
  const ok = (delta: number) => delta > 0 && delta >= margin;

  for (const [group, idx] of groups) {
    const valid = idx.filter((i) => rewards[i] !== null);
    if (opts.strategy === "verified") {
      const threshold = opts.verifierThreshold ?? 1;
      const verdict = (i: number) => rewardOf(rows[i]!, opts.verifier).value;
      const pos = idx.find((i) => {
        const v = verdict(i);
        return v !== null && v >= threshold;
      });
      if (pos === undefined) {
        skipped.push({ group, reason: `no rollout verified correct by ${opts.verifier}` });
        continue;
      }
      if (rewards[pos] === null) {
        skipped.push({ group, reason: "the verified positive has no usable reward" });
        continue;
      }
      const negs = idx.filter((i) => {
        const v = verdict(i);
        return i !== pos && v !== null && v < threshold && rewards[i] !== null;
      });
      if (negs.length === 0) {
        skipped.push({ group, reason: `no rollout verified wrong by ${opts.verifier} (Cooper would synthesize a negative)` });
        continue;
      }
      // The verifier, not the reward, decides the direction here; δ only sets the DRS weight.
      const chosenNegs = opts.negatives === "all" ? negs : negs.slice(0, 1);
      for (const n of chosenNegs) pairs.push(make(group, pos, n));
      continue;
    }
    if (valid.length < 2) {
      skipped.push({ group, reason: `fewer than 2 rows with a reward (${valid.length})` });
      continue;
    }
    if (opts.strategy === "best_worst") {
      let best = valid[0]!;
      let worst = valid[0]!;
      for (const i of valid) {
        if (rewards[i]! > rewards[best]!) best = i;
        if (rewards[i]! < rewards[worst]!) worst = i;
      }
      const delta = rewards[best]! - rewards[worst]!;
      if (!ok(delta)) {
        skipped.push({ group, reason: delta === 0 ? "all rewards tied" : `best-worst gap ${delta} below margin ${margin}` });
        continue;
      }
      pairs.push(make(group, best, worst));
      continue;
    }
    const found: PreferencePair[] = [];
    for (const a of valid) for (const b of valid) if (a !== b && ok(rewards[a]! - rewards[b]!)) found.push(make(group, a, b));
    if (found.length === 0) {
      skipped.push({ group, reason: `no pair with a gap ≥ ${margin}` });
      continue;
    }
    if (opts.maxPairsPerGroup !== undefined) {
      found.sort((x, y) => y.margin - x.margin);
      found.length = Math.min(found.length, opts.maxPairsPerGroup);
    }
    pairs.push(...found);
  }
  return { pairs, skipped };
}
