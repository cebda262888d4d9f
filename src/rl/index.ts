/** RL plumbing over scored rows: advantages, preference pairs, per-prompt difficulty. */
export {
  ADVANTAGE_METHODS,
  computeAdvantages,
  drGrpoAdvantages,
  grpoAdvantages,
  reinforcePlusPlusTokenAdvantages,
  rlooAdvantages,
  TRL_EPS,
  VERL_EPS,
  whiten,
  type AdvantageMethod,
  type AdvantageOptions,
  type AdvantageResult,
  type AdvantageRow,
  type GroupSummary,
  type TokenSequence,
} from "./advantages.ts";
export { dpoLoss, drsBeta, drsBetaCode, DRS_DEFAULTS, negLogSigmoid, type DrsOptions } from "./drs.ts";
export { promptStats, type PromptStats, type PromptStatsOptions } from "./difficulty.ts";
export { minePairs, PAIR_STRATEGIES, type PairOptions, type PairResult, type PairStrategy, type PreferencePair } from "./pairs.ts";
export { DEFAULT_GROUP_KEY, groupOf, rewardOf, type GroupKey, type RowSelection, type ScoredRow } from "./rows.ts";
