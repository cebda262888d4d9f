import { z } from "zod";
import { notApplicable, ok } from "../../core/outcome.ts";
import { defineRewardType } from "../../core/reward-type.ts";
import { completionText } from "../../core/text.ts";
import { sentenceBleu } from "./bleu.ts";
import { scoreByGroup, tokenize, TokenizeParam } from "./features.ts";

const Params = z.strictObject({
  max_order: z.number().int().min(1).max(8).default(4),
  /** NLTK smoothing method1's ε for a zero n-gram match count. */
  epsilon: z.number().positive().max(1).default(0.1),
  tokenize: TokenizeParam,
  lowercase: z.boolean().default(false),
  /** "diversity" (default): 1 − self-BLEU, higher = more diverse. "self_bleu": the raw value. */
  output: z.enum(["diversity", "self_bleu"]).default("diversity"),
  /** "sample": each completion's own BLEU against the others; "group": the group mean for all. */
  mode: z.enum(["sample", "group"]).default("sample"),
});

/**
 * Self-BLEU (Zhu et al., 2018, Texygen): each completion's BLEU with the other completions of its
 * group as references; the group's self-BLEU is the mean. Uses the small NLTK-like BLEU in
 * ./bleu.ts, not sacreBLEU. A group of one has nothing to compare: not_applicable.
 * @example
 * rewards: { varied: { type: self_bleu, max_order: 4 } }   # score = 1 − self-BLEU
 */
export const selfBleuReward = defineRewardType({
  type: "self_bleu",
  summary: "Diversity within a GRPO group: 1 − BLEU of a completion against the others (or raw self-BLEU)",
  params: Params,
  runs: "worker",
  granularity: "group",
  uses: ["completion", "group"],
  create(p) {
    return {
      name: "self_bleu",
      score: async (batch) =>
        scoreByGroup(batch, (idx, out) => {
          if (idx.length < 2) {
            for (const i of idx) out[i] = notApplicable("self-BLEU needs at least 2 completions in the group (set `group` on the samples)");
            return;
          }
          const toks = idx.map((i) => tokenize(completionText(batch[i]!), p.tokenize, p.lowercase));
          const bleus = toks.map((t, k) => sentenceBleu(t, toks.filter((_, j) => j !== k), { maxOrder: p.max_order, epsilon: p.epsilon }));
          const groupBleu = bleus.reduce((a, b) => a + b, 0) / bleus.length;
          idx.forEach((i, k) => {
            const v = p.mode === "group" ? groupBleu : bleus[k]!;
            out[i] = ok(p.output === "diversity" ? 1 - v : v, { self_bleu: bleus[k]!, group_self_bleu: groupBleu, group_size: idx.length });
          });
        }),
    };
  },
});
