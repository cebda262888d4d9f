import { z } from "zod";
import { ok } from "../../core/outcome.ts";
import { defineRewardType } from "../../core/reward-type.ts";
import { completionText } from "../../core/text.ts";
import type { Sample } from "../../core/types.ts";
import { pySplit } from "./words.ts";

const Params = z.strictObject({
  /** n of the n-grams (open-r1's repetition_n_grams). */
  ngram_size: z.number().int().min(1).max(20).default(3),
  /** The penalty at 100 % repetition; must be ≤ 0 (open-r1's repetition_max_penalty). */
  max_penalty: z.number().finite().max(0, "must be zero or negative").default(-1),
});

/** Share of repeated word n-grams: 1 − distinct/total, over lower-cased whitespace words. */
export function repeatedNgramRatio(text: string, n: number): { ratio: number; total: number; distinct: number } {
  const words = pySplit(text.toLowerCase());
  if (words.length < n) return { ratio: 0, total: 0, distinct: 0 };
  const seen = new Set<string>();
  const total = words.length - n + 1;
  for (let i = 0; i < total; i++) {
    let g = words[i]!;
    for (let k = 1; k < n; k++) g += "\u0000" + words[i + k]!;
    seen.add(g);
  }
  return { ratio: 1 - seen.size / total, total, distinct: seen.size };
}

/**
 * Repeated n-gram penalty, as TRL/open-r1's get_repetition_penalty_reward: ratio × max_penalty.
 * @example
 * rewards: { repeat: { type: repetition_penalty, ngram_size: 3, max_penalty: -1 } }
 */
export const repetitionPenalty = defineRewardType({
  type: "repetition_penalty",
  summary: "penalty proportional to the share of repeated word n-grams",
  params: Params,
  runs: "worker",
  cheap: true,
  inline: true,
  uses: ["completion"],
  describe: (p) => `repeated ${p.ngram_size}-gram ratio × ${p.max_penalty}`,
  create(p) {
    const one = (s: Sample) => {
      const r = repeatedNgramRatio(completionText(s), p.ngram_size);
      // 0 * -1 is -0 in JavaScript; report a plain 0.
      return ok(r.ratio === 0 ? 0 : r.ratio * p.max_penalty, r);
    };
    return { name: "repetition_penalty", score: async (batch) => batch.map(one) };
  },
});
