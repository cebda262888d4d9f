import { z } from "zod";
import { invalidInput, ok } from "../../core/outcome.ts";
import { defineRewardType } from "../../core/reward-type.ts";
import { referenceReward } from "./common.ts";
import { sentenceChrf } from "./metrics/chrf.ts";

const Params = z.strictObject({
  char_order: z.number().int().min(1).max(20).default(6),
  /** 0 = chrF, 2 = chrF++. */
  word_order: z.number().int().min(0).max(10).default(0),
  beta: z.number().finite().positive().default(2),
  lowercase: z.boolean().default(false),
  /** Keep whitespace inside character n-grams. */
  whitespace: z.boolean().default(false),
  /** chrF++.py-style epsilon smoothing instead of sacreBLEU's effective order. */
  eps_smoothing: z.boolean().default(false),
});

/**
 * sacreBLEU chrF / chrF++ (word_order: 2) against one or several references (best F wins), 0–1;
 * the 0–100 number is `details.chrf`.
 * @example
 * rewards: { chrf_pp: { type: chrf, word_order: 2 } }
 */
export const chrf = defineRewardType({
  type: "chrf",
  summary: "sacreBLEU chrF (beta 2) or chrF++ (word_order 2) vs the reference(s)",
  params: Params,
  runs: "worker",
  uses: ["completion", "reference"],
  describe: (p) => `sacreBLEU chrF${"+".repeat(p.word_order)} (beta ${p.beta})`,
  create(p) {
    const opts = { charOrder: p.char_order, wordOrder: p.word_order, beta: p.beta, lowercase: p.lowercase, whitespace: p.whitespace, epsSmoothing: p.eps_smoothing };
    return referenceReward("chrf", (hyp, refs) => {
      const r = sentenceChrf(hyp, refs, opts);
      if (!r) return invalidInput("reference: every reference is an empty string (sacreBLEU rejects empty references)");
      return ok(Math.min(1, r.score / 100), { chrf: r.score, stats: r.stats, best_reference: r.bestReference });
    });
  },
});
