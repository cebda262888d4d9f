import { z } from "zod";
import { describeError, errorOutcome, ok } from "../../core/outcome.ts";
import { defineRewardType } from "../../core/reward-type.ts";
import { makeWordTokenizer, referenceReward, WordTokenize } from "./common.ts";
import { meteorScore } from "./metrics/meteor.ts";
import { loadWordNet, type SynonymSource } from "./metrics/wordnet.ts";

const Params = z.strictObject({
  alpha: z.number().finite().min(0).max(1).default(0.9),
  beta: z.number().finite().nonnegative().default(3),
  gamma: z.number().finite().min(0).max(1).default(0.5),
  /** Tokens: Python str.split() (default) or sacreBLEU's 13a tokenizer first; words are lower-cased as NLTK does. */
  tokenize: WordTokenize.default("whitespace"),
  /** NLTK's third matching stage, WordNet 3.0 synonyms (loaded once per worker, ~1 s). Off = exact + stem matching only. */
  wordnet: z.boolean().default(true),
});

/**
 * NLTK meteor_score: exact, Porter-stem and WordNet-synonym matching, fragmentation penalty.
 * @example
 * rewards: { meteor: { type: meteor } }
 */
export const meteor = defineRewardType({
  type: "meteor",
  summary: "NLTK meteor_score (exact, Porter stem and WordNet 3.0 synonym matching) vs the reference(s)",
  params: Params,
  runs: "worker",
  uses: ["completion", "reference"],
  describe: (p) => `NLTK METEOR${p.wordnet ? "" : " without WordNet synonyms"}`,
  create(p) {
    const tok = makeWordTokenizer(p.tokenize);
    let wordnet: SynonymSource | undefined;
    let loadError: string | undefined;
    return referenceReward("meteor", (hyp, refs) => {
      if (p.wordnet && !wordnet && !loadError) {
        try {
          wordnet = loadWordNet();
        } catch (err) {
          loadError = describeError(err);
        }
      }
      if (loadError) return errorOutcome(`meteor: ${loadError} (set wordnet: false to score without synonyms)`);
      const r = meteorScore(refs.map(tok), tok(hyp), { alpha: p.alpha, beta: p.beta, gamma: p.gamma, ...(wordnet ? { wordnet } : {}) });
      return ok(r.score, { meteor: r.score, matches: r.matches, chunks: r.chunks, precision: r.precision, recall: r.recall, best_reference: r.bestReference, wordnet: p.wordnet });
    });
  },
});
