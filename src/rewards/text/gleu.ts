import { z } from "zod";
import { ok } from "../../core/outcome.ts";
import { defineRewardType } from "../../core/reward-type.ts";
import { makeWordTokenizer, referenceReward, WordTokenize } from "./common.ts";
import { sentenceGleu } from "./metrics/gleu.ts";

const Params = z
  .strictObject({
    min_len: z.number().int().min(1).max(10).default(1),
    max_len: z.number().int().min(1).max(10).default(4),
    /** Tokens: Python str.split() (default) or sacreBLEU's 13a tokenizer first. */
    tokenize: WordTokenize.default("whitespace"),
    lowercase: z.boolean().default(false),
  })
  .refine((p) => p.min_len <= p.max_len, { message: "min_len must not exceed max_len", path: ["min_len"] });

/**
 * NLTK sentence GLEU (Google-BLEU: min of n-gram precision and recall, n = 1..4), best reference.
 * @example
 * rewards: { gleu: { type: gleu } }
 */
export const gleu = defineRewardType({
  type: "gleu",
  summary: "NLTK sentence_gleu (min of 1-4-gram precision and recall) vs the reference(s)",
  params: Params,
  runs: "worker",
  uses: ["completion", "reference"],
  describe: (p) => `NLTK sentence_gleu (${p.min_len}-${p.max_len}-grams)`,
  create(p) {
    const tok = makeWordTokenizer(p.tokenize, p.lowercase);
    return referenceReward("gleu", (hyp, refs) => {
      const r = sentenceGleu(refs.map(tok), tok(hyp), { minLen: p.min_len, maxLen: p.max_len });
      return ok(r.score, { gleu: r.score, matches: r.matches, total: r.total });
    });
  },
});
