/**
 * Per-prompt pass rate and difficulty, for curricula and for spotting groups that teach nothing:
 * all rewards zero (AHPO switches such prompts to expert demonstrations) or all equal (GRPO's
 * advantages vanish; DAPO's dynamic sampling drops them).
 */
import { groupRows, selectedReward, type RowSelection, type ScoredRow } from "./rows.ts";
import { mean } from "./stats.ts";

export type PromptStatsOptions = RowSelection & {
  /** A reward at or above this passes (default 1: a binary verifier's "correct"). */
  passThreshold?: number;
};

export type PromptStats = {
  group: string;
  size: number;
  /** Rows with a usable reward. */
  valid: number;
  passed: number;
  /** passed / valid (null when no row has a reward). */
  passRate: number | null;
  /** 1 − passRate. */
  difficulty: number | null;
  meanReward: number | null;
  /** Every valid reward is exactly 0: no rollout earned anything (AHPO's trigger for expert data). */
  allZero: boolean;
  /** Every valid reward passed. */
  allPassed: boolean;
  /** Some valid rewards differ: group-relative advantages are not all zero. */
  informative: boolean;
};

/**
 * One entry per group, in first-seen order.
 * @example
 * promptStats(scored, { reward: "correct" }).filter((p) => p.allZero)   // prompts for expert data
 */
export function promptStats(rows: readonly ScoredRow[], opts: PromptStatsOptions = {}): PromptStats[] {
  const threshold = opts.passThreshold ?? 1;
  const { groups } = groupRows(rows, opts.groupKey);
  const out: PromptStats[] = [];
  for (const [group, idx] of groups) {
    const vals = idx.map((i) => selectedReward(rows[i]!, opts).value).filter((v): v is number => v !== null);
    const passed = vals.filter((v) => v >= threshold).length;
    const passRate = vals.length ? passed / vals.length : null;
    out.push({
      group,
      size: idx.length,
      valid: vals.length,
      passed,
      passRate,
      difficulty: passRate === null ? null : 1 - passRate,
      meanReward: vals.length ? mean(vals) : null,
      allZero: vals.length > 0 && vals.every((v) => v === 0),
      allPassed: vals.length > 0 && passed === vals.length,
      informative: vals.some((v) => v !== vals[0]),
    });
  }
  return out;
}
