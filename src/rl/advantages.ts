/**
 * Policy-gradient advantages from scalar rewards, matching verl's `core_algos.py` and TRL's
 * GRPOTrainer conventions (see research/paper-formulas.md §16). Array functions first, then
 * `computeAdvantages` over rows of `rewardsmith score` output.
 */
import { describeGroupKey, groupOf, groupRows, selectedReward, type RowSelection, type ScoredRow } from "./rows.ts";
import { mean, std, weightedMoments } from "./stats.ts";

/** verl's epsilon in `(r − mean)/(std + ε)`. */
export const VERL_EPS = 1e-6;
/** TRL's epsilon in `(r − mean)/(std + ε)`. */
export const TRL_EPS = 1e-4;
/** verl's `masked_whiten` epsilon inside the square root. */
export const WHITEN_EPS = 1e-8;

export type GrpoOptions = {
  /** Added to the std (default 1e-6 as verl; TRL uses 1e-4). */
  eps?: number;
  /** Std convention (default "unbiased": torch.std in verl and TRL's nanstd). */
  std?: "unbiased" | "population";
  /** Divide by the std (default true). False is Dr. GRPO. */
  scale?: boolean;
};

/**
 * GRPO (DeepSeekMath): Â_i = (r_i − mean(r)) / (std(r) + ε) over one group.
 * A group of one gets mean 0 and std 1, so Â = r/(1 + ε), as verl does (not 0).
 */
export function grpoAdvantages(rewards: readonly number[], opts: GrpoOptions = {}): number[] {
  const eps = opts.eps ?? VERL_EPS;
  const scale = opts.scale ?? true;
  if (rewards.length === 0) return [];
  const single = rewards.length === 1;
  const m = single ? 0 : mean(rewards);
  const s = single ? 1 : std(rewards, (opts.std ?? "unbiased") === "unbiased");
  return rewards.map((r) => (scale ? (r - m) / (s + eps) : r - m));
}

/** Dr. GRPO: Â_i = r_i − mean(r), no std division (a group of one keeps r, as verl). */
export function drGrpoAdvantages(rewards: readonly number[]): number[] {
  return grpoAdvantages(rewards, { scale: false });
}

/**
 * RLOO (Ahmadian et al.): A_i = r_i − mean_{j≠i} r_j = G/(G−1)·(r_i − mean(r)).
 * A group of one keeps A = r (verl).
 */
export function rlooAdvantages(rewards: readonly number[]): number[] {
  const g = rewards.length;
  if (g <= 1) return [...rewards];
  const m = mean(rewards);
  return rewards.map((r) => (g / (g - 1)) * (r - m));
}

/**
 * verl's `masked_whiten`: (v − μ)/sqrt(var + 1e-8) with the unbiased variance over all values;
 * `weights[i]` counts value i that many times (its token count). Fewer than two observations
 * cannot be whitened (verl raises): every value becomes v − μ = 0.
 */
export function whiten(values: readonly number[], weights?: readonly number[], eps = WHITEN_EPS): number[] {
  if (values.length === 0) return [];
  const w = weights ?? values.map(() => 1);
  const { mean: m, variance: v, count } = weightedMoments(values, w);
  if (!(count > 1)) return values.map((x) => x - m);
  const inv = 1 / Math.sqrt(v + eps);
  return values.map((x) => (x - m) * inv);
}

export type TokenSequence = {
  /** The sequence's outcome reward, placed on its last token. */
  score: number;
  /** Per-token KL estimates log(π_old/π_SFT); its length is the sequence's token count. */
  kl?: readonly number[];
  /** Token count when no `kl` is given (default 1). */
  length?: number;
};

export type ReinforcePPOptions = {
  /** KL coefficient β in r_t = 1[t = EOS]·r − β·KL_t (default 0). */
  beta?: number;
  /** Discount γ (default 1). */
  gamma?: number;
  /** REINFORCE++-baseline: subtract each group's mean score first; `groups[i]` names sequence i's group. */
  groups?: readonly (string | undefined)[];
};

/**
 * REINFORCE++ (arXiv 2501.03262) per-token advantages: per-token rewards (KL penalty on every
 * token, outcome on the last), discounted returns right to left, then whitening over every token
 * of the batch (verl `masked_whiten`). With `groups` it is REINFORCE++-baseline: the group mean
 * score is subtracted first (a group of one keeps its score, as verl).
 */
export function reinforcePlusPlusTokenAdvantages(batch: readonly TokenSequence[], opts: ReinforcePPOptions = {}): number[][] {
  const beta = opts.beta ?? 0;
  const gamma = opts.gamma ?? 1;
  const scores = batch.map((s) => s.score);
  if (opts.groups) {
    const byGroup = new Map<string, number[]>();
    opts.groups.forEach((g, i) => {
      if (g === undefined) return;
      const l = byGroup.get(g);
      if (l) l.push(i);
      else byGroup.set(g, [i]);
    });
    for (const idx of byGroup.values()) {
      if (idx.length < 2) continue;
      const m = mean(idx.map((i) => batch[i]!.score));
      for (const i of idx) scores[i] = batch[i]!.score - m;
    }
  }
  const returns: number[][] = batch.map((s, i) => {
    const len = s.kl ? s.kl.length : Math.max(1, s.length ?? 1);
    const out = new Array<number>(len);
    let g = 0;
    for (let t = len - 1; t >= 0; t--) {
      const r = (t === len - 1 ? scores[i]! : 0) - beta * (s.kl?.[t] ?? 0);
      g = r + gamma * g;
      out[t] = g;
    }
    return out;
  });
  const flat = returns.flat();
  const white = whiten(flat);
  let k = 0;
  return returns.map((seq) => seq.map(() => white[k++]!));
}

export type AdvantageMethod = "grpo" | "drgrpo" | "rloo" | "reinforcepp" | "reinforcepp_baseline";
export const ADVANTAGE_METHODS: readonly AdvantageMethod[] = ["grpo", "drgrpo", "rloo", "reinforcepp", "reinforcepp_baseline"];

export type AdvantageOptions = RowSelection & {
  method: AdvantageMethod;
  /** GRPO: "verl" (ε 1e-6, default) or "trl" (ε 1e-4); both use the unbiased std. */
  variant?: "verl" | "trl";
  /** GRPO: overrides the variant's ε. */
  eps?: number;
  /** GRPO: std convention (default "unbiased"). */
  std?: "unbiased" | "population";
  /** GRPO: TRL's `scale_rewards` — std of the group (default), of the whole batch, or none (= Dr. GRPO). */
  scaleRewards?: "group" | "batch" | "none";
  /**
   * REINFORCE++: a row field holding the response's token count. verl whitens over every token,
   * so a long response weighs more in the batch mean and variance; without it each row counts once.
   */
  lengthKey?: string;
};

export type AdvantageRow = {
  id: string;
  group: string | null;
  reward: number | null;
  advantage: number | null;
  reason?: string;
};

export type GroupSummary = {
  group: string;
  size: number;
  /** Rows with a usable reward. */
  valid: number;
  mean: number | null;
  /** Unbiased std of the valid rewards (null below two). */
  std: number | null;
  /** False when every valid reward is equal: GRPO-style advantages are all 0 (DAPO drops such groups). */
  informative: boolean;
};

export type AdvantageResult = { rows: AdvantageRow[]; groups: GroupSummary[] };

/**
 * Advantages for rows of `rewardsmith score` output, in input order.
 * Rows with a null reward (not ok, or missing) get a null advantage and take no part in the
 * statistics (`nullRewards: "zero"` counts them as 0 instead). Group methods need a group key;
 * a row without one gets a null advantage with the reason.
 * @example
 * const { rows } = computeAdvantages(scored, { method: "grpo" });   // grouped by `group`, then `prompt`
 */
export function computeAdvantages(input: readonly ScoredRow[], opts: AdvantageOptions): AdvantageResult {
  if (!ADVANTAGE_METHODS.includes(opts.method)) {
    throw new Error(`method: expected one of ${ADVANTAGE_METHODS.join(", ")}, got ${JSON.stringify(opts.method)}`);
  }
  const rewards = input.map((r) => selectedReward(r, opts));
  const out: AdvantageRow[] = input.map((row, i) => {
    const g = groupOf(row, opts.groupKey);
    const r = rewards[i]!;
    const o: AdvantageRow = { id: String(row.id), group: g ?? null, reward: r.value, advantage: null };
    if (r.reason !== undefined) o.reason = r.reason;
    return o;
  });
  const { groups, ungrouped } = groupRows(input, opts.groupKey);
  const needsGroups = opts.method !== "reinforcepp";
  if (needsGroups) {
    for (const i of ungrouped) {
      out[i]!.reason ??= `no group: none of ${describeGroupKey(opts.groupKey)} is set`;
    }
  }
  const summaries: GroupSummary[] = [];
  const validIn = (idx: readonly number[]) => idx.filter((i) => rewards[i]!.value !== null);
  for (const [g, idx] of groups) {
    const vals = validIn(idx).map((i) => rewards[i]!.value!);
    summaries.push({
      group: g,
      size: idx.length,
      valid: vals.length,
      mean: vals.length ? mean(vals) : null,
      std: vals.length > 1 ? std(vals, true) : null,
      informative: vals.some((v) => v !== vals[0]),
    });
  }

  if (opts.method === "grpo" || opts.method === "drgrpo" || opts.method === "rloo") {
    const scale = opts.method === "drgrpo" ? "none" : (opts.scaleRewards ?? "group");
    const eps = opts.eps ?? (opts.variant === "trl" ? TRL_EPS : VERL_EPS);
    const unbiased = (opts.std ?? "unbiased") === "unbiased";
    let batchStd = Number.NaN;
    if (opts.method === "grpo" && scale === "batch") {
      const all = [...groups.values()].flatMap(validIn).map((i) => rewards[i]!.value!);
      batchStd = all.length > 1 ? std(all, unbiased) : 1;
    }
    for (const idx of groups.values()) {
      const v = validIn(idx);
      const vals = v.map((i) => rewards[i]!.value!);
      let adv: number[];
      if (opts.method === "rloo") adv = rlooAdvantages(vals);
      else if (scale === "none") adv = drGrpoAdvantages(vals);
      else if (scale === "group") adv = grpoAdvantages(vals, { eps, std: opts.std ?? "unbiased" });
      else {
        const m = vals.length === 1 ? 0 : mean(vals);
        adv = vals.map((r) => (r - m) / (batchStd + eps));
      }
      v.forEach((i, k) => (out[i]!.advantage = adv[k]!));
    }
    return { rows: out, groups: summaries };
  }

  // REINFORCE++ (optionally with the group-mean baseline): batch whitening, token-weighted.
  const pool = opts.method === "reinforcepp" ? input.map((_, i) => i) : [...groups.values()].flat();
  const used = pool.filter((i) => rewards[i]!.value !== null);
  const lengths: number[] = [];
  const kept: number[] = [];
  for (const i of used) {
    if (opts.lengthKey === undefined) {
      lengths.push(1);
      kept.push(i);
      continue;
    }
    const len = input[i]![opts.lengthKey];
    if (typeof len !== "number" || !Number.isInteger(len) || len < 1) {
      out[i]!.reason = `${opts.lengthKey}: expected a positive integer token count`;
      continue;
    }
    lengths.push(len);
    kept.push(i);
  }
  const seqs: TokenSequence[] = kept.map((i, k) => ({ score: rewards[i]!.value!, length: lengths[k]! }));
  const groupsOf = opts.method === "reinforcepp_baseline" ? kept.map((i) => out[i]!.group ?? undefined) : undefined;
  // With γ = 1 and no KL every token of a sequence carries the same return, so verl's token-level
  // whitening reduces to whitening one value per sequence, weighted by its token count.
  const scores = seqs.map((s) => s.score);
  if (groupsOf) {
    const byGroup = new Map<string, number[]>();
    groupsOf.forEach((g, k) => {
      const l = byGroup.get(g!);
      if (l) l.push(k);
      else byGroup.set(g!, [k]);
    });
    for (const ks of byGroup.values()) {
      if (ks.length < 2) continue;
      const m = mean(ks.map((k) => seqs[k]!.score));
      for (const k of ks) scores[k] = seqs[k]!.score - m;
    }
  }
  const white = whiten(scores, lengths);
  kept.forEach((i, k) => (out[i]!.advantage = white[k]!));
  return { rows: out, groups: summaries };
}
