import { z } from "zod";
import { ok } from "../../core/outcome.ts";
import { defineRewardType } from "../../core/reward-type.ts";
import { referenceReward } from "./common.ts";
import { rougeMulti, type RougeType } from "./metrics/rouge.ts";

const ROUGE_TYPES = ["rouge1", "rouge2", "rouge3", "rouge4", "rouge5", "rouge6", "rouge7", "rouge8", "rouge9", "rougeL", "rougeLsum"] as const satisfies readonly RougeType[];

const Params = z.strictObject({
  /** rouge1..rouge9 (n-grams), rougeL (LCS) or rougeLsum (summary-level LCS over "\n"-separated sentences). */
  rouge_type: z.enum(ROUGE_TYPES).default("rougeL"),
  /** Which number becomes the score; all three are in details. */
  measure: z.enum(["fmeasure", "precision", "recall"]).default("fmeasure"),
  /** NLTK Porter stemmer on tokens longer than 3 characters (rouge-score's use_stemmer). */
  use_stemmer: z.boolean().default(false),
});

/**
 * Google rouge-score. Several references: rouge-score's `score_multi` (the reference with the best
 * F-measure gives precision, recall and F).
 * @example
 * rewards: { rougeL: { type: rouge, rouge_type: rougeL, use_stemmer: true } }
 */
export const rouge = defineRewardType({
  type: "rouge",
  summary: "Google rouge-score ROUGE-N / ROUGE-L / ROUGE-Lsum (F, P or R) vs the reference(s)",
  params: Params,
  runs: "worker",
  uses: ["completion", "reference"],
  describe: (p) => `rouge-score ${p.rouge_type} ${p.measure}${p.use_stemmer ? " (Porter stemmer)" : ""}`,
  create(p) {
    const opts = { useStemmer: p.use_stemmer };
    return referenceReward("rouge", (hyp, refs) => {
      const r = rougeMulti(refs, hyp, p.rouge_type, opts);
      return ok(r[p.measure], { precision: r.precision, recall: r.recall, fmeasure: r.fmeasure, best_reference: r.bestTarget });
    });
  },
});
