import { z } from "zod";
import { invalidInput, ok } from "../../core/outcome.ts";
import { defineRewardType } from "../../core/reward-type.ts";
import { makeWordTokenizer, referenceReward, WordTokenize } from "./common.ts";
import { nltkSentenceBleu } from "./metrics/nltk-bleu.ts";
import { bleuReferenceInfo, bleuSegmentStats, computeBleu, type BleuOptions } from "./metrics/sacrebleu.ts";

const Params = z.strictObject({
  /** sacreBLEU `sentence_bleu` (default) or NLTK `sentence_bleu`. */
  implementation: z.enum(["sacrebleu", "nltk"]).default("sacrebleu"),
  /** sacreBLEU: tokenizer (13a = mteval-v13a, intl = mteval-v14 international, none = whitespace only). */
  tokenize: z.enum(["13a", "intl", "none"]).default("13a"),
  /** Both: lower-case hypothesis and references first. */
  lowercase: z.boolean().default(false),
  /** sacreBLEU: smoothing (exp = mteval-v13a's NIST smoothing, sacreBLEU's sentence default). */
  smooth_method: z.enum(["exp", "floor", "add-k", "none"]).default("exp"),
  /** sacreBLEU: value for floor (default 0.1) and add-k (default 1). */
  smooth_value: z.number().finite().nonnegative().optional(),
  /** sacreBLEU: ignore n-gram orders the hypothesis is too short for (sentence default true). */
  effective_order: z.boolean().default(true),
  /** sacreBLEU: highest n-gram order. */
  max_ngram_order: z.number().int().min(1).max(10).default(4),
  /** NLTK: smoothing — method1 adds 0.1 to zero counts; method0 is NLTK's "no smoothing". */
  nltk_smoothing: z.enum(["method1", "method0"]).default("method1"),
  /** NLTK: how text becomes tokens (Python str.split(), or sacreBLEU 13a first). */
  nltk_tokenize: WordTokenize.default("whitespace"),
  /** NLTK: weights per n-gram order. */
  weights: z.array(z.number().finite().nonnegative()).min(1).max(10).default([0.25, 0.25, 0.25, 0.25]),
});

/**
 * Sentence BLEU against one or several references, 0–1 (the 0–100 number is `details.bleu`).
 * @example
 * rewards: { bleu: { type: bleu } }                                  # sacreBLEU sentence_bleu (13a, exp, effective order)
 * rewards: { bleu: { type: bleu, implementation: nltk } }           # NLTK sentence_bleu, smoothing method1
 */
export const bleu = defineRewardType({
  type: "bleu",
  summary: "sentence BLEU vs the reference(s): sacreBLEU (13a, exp smoothing) or NLTK sentence_bleu (method1)",
  params: Params,
  runs: "worker",
  uses: ["completion", "reference"],
  describe: (p) => (p.implementation === "nltk" ? `NLTK sentence_bleu (${p.nltk_smoothing})` : `sacreBLEU sentence BLEU (${p.tokenize}, ${p.smooth_method})`),
  create(p) {
    if (p.implementation === "nltk") {
      const tok = makeWordTokenizer(p.nltk_tokenize, p.lowercase);
      return referenceReward("bleu", (hyp, refs) => {
        const r = nltkSentenceBleu(refs.map(tok), tok(hyp), { weights: p.weights, smoothing: p.nltk_smoothing });
        return ok(r.score, { bleu: r.score, numerators: r.numerators, denominators: r.denominators, bp: r.bp, hyp_len: r.hypLen, ref_len: r.refLen });
      });
    }
    const opts: BleuOptions = {
      tokenize: p.tokenize,
      lowercase: p.lowercase,
      smoothMethod: p.smooth_method,
      effectiveOrder: p.effective_order,
      maxNgramOrder: p.max_ngram_order,
      ...(p.smooth_value === undefined ? {} : { smoothValue: p.smooth_value }),
    };
    return referenceReward("bleu", (hyp, refs) => {
      const info = bleuReferenceInfo(refs, opts);
      if (!info) return invalidInput("reference: every reference is an empty string (sacreBLEU rejects empty references)");
      const st = bleuSegmentStats(hyp, info, opts);
      const n = opts.maxNgramOrder!;
      const r = computeBleu(st.slice(2, 2 + n), st.slice(2 + n), st[0]!, st[1]!, opts);
      // exp(mean log 100) can land a hair above 100 (sacreBLEU prints 100.00000000000004); the score stays in [0, 1]
      return ok(Math.min(1, r.score / 100), { bleu: r.score, precisions: r.precisions, bp: r.bp, counts: r.counts, totals: r.totals, sys_len: r.sysLen, ref_len: r.refLen });
    });
  },
});
