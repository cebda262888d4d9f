/**
 * HARMO ("Beyond Monolithic Rewards", arXiv 2510.05283): R = R_hybrid + R^λ + R_fmt, where
 * R_hybrid is the rule reward on verifiable queries and the model reward otherwise, and R^λ is
 * a group-relative length penalty (its equation is a reconstruction, research/paper-formulas.md §10).
 */
import { completionText } from "../core/text.ts";
import type { Sample } from "../core/types.ts";
import type { LengthPenaltyRecon } from "../spec/schema.ts";
import { samplePath } from "./paths.ts";

/**
 * R^λ [RECON] for one group: L* = the shortest correct response's length;
 * R^λ_i = −P_max·clip((L_i − L*)/(τ·L*), 0, 1). A group without a correct response gets 0
 * everywhere; with L* = 0 any longer response gets the full penalty.
 * @example lengthPenaltyRecon([200, 300, 400, 600], [true, false, false, false], 0.5, 1) // [0, -0.25, -0.5, -0.5]
 */
export function lengthPenaltyRecon(lengths: readonly number[], correct: readonly boolean[], pMax: number, tau: number): number[] {
  let best = Infinity;
  lengths.forEach((l, k) => {
    if (correct[k] && l < best) best = l;
  });
  if (best === Infinity) return lengths.map(() => 0);
  return lengths.map((l) => {
    if (l <= best) return 0;
    if (best === 0) return -pMax;
    const x = (l - best) / (tau * best);
    return -pMax * Math.min(1, x);
  });
}

/** Reads a response's length in the configured unit (NaN with a reason when a length field is unusable). */
export function lengthReader(cfg: LengthPenaltyRecon): (s: Sample) => number | string {
  if (cfg.length_field !== undefined) {
    const field = cfg.length_field;
    const get = samplePath(field);
    return (s) => {
      const v = get(s);
      return typeof v === "number" && Number.isFinite(v) && v >= 0 ? v : `${field}: ${v === undefined ? "missing" : "expected a non-negative number"}`;
    };
  }
  if (cfg.unit === "words") {
    return (s) => {
      const t = completionText(s).trim();
      return t === "" ? 0 : t.split(/\s+/u).length;
    };
  }
  return (s) => {
    // Code points, so an emoji or a CJK character counts once.
    let n = 0;
    for (const _ of completionText(s)) n++;
    return n;
  };
}
