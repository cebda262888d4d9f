import { z } from "zod";
import { ok } from "../../core/outcome.ts";
import { defineRewardType } from "../../core/reward-type.ts";
import { completionText } from "../../core/text.ts";
import type { Sample } from "../../core/types.ts";
import { textLength } from "./words.ts";

const Params = z
  .strictObject({
    /** "linear": 0 up to `target`, falling linearly to -1 at `max`. "dapo": DAPO's soft overlong punishment with `max` (L_max) and `cache` (L_cache). */
    mode: z.enum(["linear", "dapo"]).default("linear"),
    unit: z.enum(["chars", "words"]).default("words"),
    max: z.number({ error: "expected the maximum length (a number)" }).int().positive(),
    target: z.number().int().min(0).optional(),
    cache: z.number().int().positive().optional(),
    /** Multiplies the penalty (verl's penalty_factor). */
    factor: z.number().finite().positive().default(1),
    /** Report 1 + penalty (a 0–1 reward) instead of the penalty in [-factor, 0]. */
    as_reward: z.boolean().default(false),
  })
  .superRefine((p, ctx) => {
    if (p.mode === "linear") {
      if (p.target === undefined) ctx.addIssue({ code: "custom", path: ["target"], message: "linear mode needs `target` (the length where the penalty starts)" });
      else if (p.target >= p.max) ctx.addIssue({ code: "custom", path: ["target"], message: "must be below `max`" });
      if (p.cache !== undefined) ctx.addIssue({ code: "custom", path: ["cache"], message: "`cache` is for mode: dapo" });
    } else {
      if (p.cache === undefined) ctx.addIssue({ code: "custom", path: ["cache"], message: "dapo mode needs `cache` (L_cache, the soft punishment interval)" });
      else if (p.cache > p.max) ctx.addIssue({ code: "custom", path: ["cache"], message: "must not exceed `max`" });
      if (p.target !== undefined) ctx.addIssue({ code: "custom", path: ["target"], message: "`target` is for mode: linear" });
    }
  });

/**
 * The penalty for length L with the penalty starting at `start` and reaching -1 at `max`
 * (DAPO, "Decoupled Clip and Dynamic Sampling Policy Optimization", Eq. 13: start = L_max − L_cache).
 */
export function overlongPenalty(length: number, start: number, max: number): number {
  if (length <= start) return 0;
  if (length > max) return -1;
  return (start - length) / (max - start);
}

/**
 * Length penalty: linear between a target and a maximum, or DAPO's soft overlong punishment.
 * @example
 * rewards: { overlong: { type: length_penalty, mode: dapo, unit: words, max: 20480, cache: 4096 } }
 */
export const lengthPenalty = defineRewardType({
  type: "length_penalty",
  summary: "penalty for length beyond a target (linear) or DAPO's soft overlong punishment",
  params: Params,
  runs: "worker",
  cheap: true,
  inline: true,
  uses: ["completion"],
  describe: (p) =>
    p.mode === "dapo"
      ? `DAPO overlong penalty: 0 up to ${p.max - p.cache!} ${p.unit}, -1 beyond ${p.max}`
      : `linear penalty: 0 up to ${p.target} ${p.unit}, -1 at ${p.max}`,
  create(p) {
    const start = p.mode === "dapo" ? p.max - p.cache! : p.target!;
    const one = (s: Sample) => {
      const length = textLength(completionText(s), p.unit);
      const penalty = p.factor * overlongPenalty(length, start, p.max);
      return ok(p.as_reward ? 1 + penalty : penalty, { length, unit: p.unit });
    };
    return { name: "length_penalty", score: async (batch) => batch.map(one) };
  },
});
