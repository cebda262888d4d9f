import { z } from "zod";
import { ok } from "../../core/outcome.ts";
import { defineRewardType } from "../../core/reward-type.ts";
import { makeWordTokenizer, referenceReward, WordTokenize } from "./common.ts";
import { meteorScore } from "./metrics/meteor.ts";

const Params = z.strictObject({
  alpha: z.number().finite().min(0).max(1).default(0.9),
  beta: z.number().finite().nonnegative().default(3),
  gamma: z.number().finite().min(0).max(1).default(0.5),
  /** Tokens: Python str.split() (default) or sacreBLEU's 13a tokenizer first; words are lower-cased as NLTK does. */
  tokenize: WordTokenize.default("whitespace"),
});

/**
 * NLTK meteor_score with exact and Porter-stem matching (no WordNet synonyms: see metrics/meteor.ts).
 * @example
 * rewards: { meteor: { type: meteor } }
 */
export const meteor = defineRewardType({
  type: "meteor",
  summary: "NLTK meteor_score (exact + Porter stem matching, no WordNet synonyms) vs the reference(s)",
  params: Params,
  runs: "worker",
  uses: ["completion", "reference"],
  describe: () => "NLTK METEOR without WordNet synonyms",
  create(p) {
    const tok = makeWordTokenizer(p.tokenize);
    const opts = { alpha: p.alpha, beta: p.beta, gamma: p.gamma };
    return referenceReward("meteor", (hyp, refs) => {
      const r = meteorScore(refs.map(tok), tok(hyp), opts);
      return ok(r.score, { meteor: r.score, matches: r.matches, chunks: r.chunks, precision: r.precision, recall: r.recall, best_reference: r.bestReference, wordnet: false });
    });
  },
});
