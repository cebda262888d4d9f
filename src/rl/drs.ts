/** MM-RLHF Dynamic Reward Scaling (arXiv 2502.10391 §4, App. F) and the DPO loss it scales. */

export type DrsOptions = {
  /** β_ori (default 0.1). */
  betaOri?: number;
  /** w (default 0.5). */
  w?: number;
  /** k (default 0.5). */
  k?: number;
};

export const DRS_DEFAULTS = { betaOri: 0.1, w: 0.5, k: 0.5 } as const;

/** Paper form: β(δ) = β_ori·(1 + w·(1 − e^(−k·δ))), δ = r(chosen) − r(rejected). */
export function drsBeta(delta: number, opts: DrsOptions = {}): number {
  const betaOri = opts.betaOri ?? DRS_DEFAULTS.betaOri;
  const w = opts.w ?? DRS_DEFAULTS.w;
  const k = opts.k ?? DRS_DEFAULTS.k;
  return betaOri * (1 + w * (1 - Math.exp(-k * delta)));
}

/**
 * The released code's per-pair form (MM-RLHF `dpo_trainer.py`, implicit_beta off):
 * β·(1 + weight·ls_factor), at least 1e-3. Script defaults β 0.1, weight 0.1.
 */
export function drsBetaCode(lsFactor: number, beta = 0.1, weight = 0.1): number {
  return Math.max(1e-3, beta * (1 + weight * lsFactor));
}

/** −log σ(x), computed stably as softplus(−x). */
export function negLogSigmoid(x: number): number {
  return x >= 0 ? Math.log1p(Math.exp(-x)) : -x + Math.log1p(Math.exp(x));
}

/**
 * DPO loss of one pair: −log σ(β·[(logπ(y_w) − logπ_ref(y_w)) − (logπ(y_l) − logπ_ref(y_l))]).
 */
export function dpoLoss(beta: number, logp: { chosen: number; rejected: number }, refLogp: { chosen: number; rejected: number }): number {
  const h = logp.chosen - refLogp.chosen - (logp.rejected - refLogp.rejected);
  return negLogSigmoid(beta * h);
}
