/**
 * The text_similarity grader's metrics: the text family's `openaiTextSimilarity` (rapidfuzz
 * fuzz.ratio/100, sacreBLEU sentence BLEU/100, NLTK GLEU and METEOR on whitespace tokens,
 * rouge-score F-measure), with WordNet loaded once for METEOR's synonym stage (without it, if it
 * cannot load, METEOR matches exact words and stems only). `cosine` needs an embedding model,
 * which this server does not have yet: undefined.
 */
import { openaiTextSimilarity } from "../../rewards/text/metrics/openai-grader.ts";
import { loadWordNet, type SynonymSource } from "../../rewards/text/metrics/wordnet.ts";
import type { TextSimilarity } from "./schema.ts";

let wordnet: SynonymSource | null | undefined;

/** The score in [0, 1], or undefined when the metric has no value for these texts (e.g. BLEU of an empty reference). */
export function similarity(metric: TextSimilarity["metric"], input: string, reference: string): number | undefined {
  if (metric === "meteor" && wordnet === undefined) {
    try {
      wordnet = loadWordNet();
    } catch {
      wordnet = null;
    }
  }
  return openaiTextSimilarity(metric, input, reference, wordnet ? { wordnet } : {});
}
