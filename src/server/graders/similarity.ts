/**
 * The text_similarity grader's metrics, on the text family's pure functions (reproductions of
 * rapidfuzz, sacreBLEU, NLTK and rouge-score). OpenAI does not document which scorer or settings
 * each name uses; these are the libraries' defaults for one sentence:
 *   fuzzy_match  rapidfuzz fuzz.ratio / 100
 *   bleu         sacreBLEU sentence_bleu (13a, exp smoothing, effective order) / 100
 *   gleu         NLTK sentence_gleu, whitespace tokens
 *   meteor       NLTK meteor_score (exact, Porter stem, WordNet 3.0 synonyms), whitespace tokens
 *   rouge_N, rouge_l   rouge-score F-measure of rougeN / rougeL, no stemmer
 * `cosine` needs an embedding model, which this server does not have yet.
 */
import { fuzzRatio } from "../../rewards/text/metrics/fuzzy.ts";
import { sentenceGleu } from "../../rewards/text/metrics/gleu.ts";
import { meteorScore } from "../../rewards/text/metrics/meteor.ts";
import { pySplit } from "../../rewards/text/metrics/pystr.ts";
import { rouge, type RougeType } from "../../rewards/text/metrics/rouge.ts";
import { sentenceBleu } from "../../rewards/text/metrics/sacrebleu.ts";
import { loadWordNet, type SynonymSource } from "../../rewards/text/metrics/wordnet.ts";
import type { TextSimilarity } from "./schema.ts";

let wordnet: SynonymSource | null | undefined;

/** The score in [0, 1], or undefined when the metric has no value for these texts (e.g. BLEU of an empty reference). */
export function similarity(metric: TextSimilarity["metric"], input: string, reference: string): number | undefined {
  switch (metric) {
    case "fuzzy_match":
      return fuzzRatio(input, reference) / 100;
    case "bleu": {
      const r = sentenceBleu(input, [reference]);
      return r === undefined ? undefined : Math.min(1, r.score / 100);
    }
    case "gleu":
      return sentenceGleu([pySplit(reference)], pySplit(input)).score;
    case "meteor": {
      if (wordnet === undefined) {
        try {
          wordnet = loadWordNet();
        } catch {
          wordnet = null;
        }
      }
      return meteorScore([pySplit(reference)], pySplit(input), wordnet ? { wordnet } : {}).score;
    }
    case "rouge_l":
      return rouge(reference, input, "rougeL").fmeasure;
    case "cosine":
      return undefined;
    default: {
      const n = Number(metric.slice("rouge_".length));
      return rouge(reference, input, `rouge${n}` as RougeType).fmeasure;
    }
  }
}
