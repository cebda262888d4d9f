import { fuzzRatio } from "./fuzzy.ts";
import { sentenceGleu } from "./gleu.ts";
import { meteorScore } from "./meteor.ts";
import { nltkSentenceBleu } from "./nltk-bleu.ts";
import { pySplit } from "./pystr.ts";
import { rouge } from "./rouge.ts";
import { sentenceBleu } from "./sacrebleu.ts";
import type { SynonymSource } from "./wordnet.ts";

/**
 * OpenAI's `text_similarity` grader metrics mapped onto the reference implementations here.
 * OpenAI does not publish its tokenization or BLEU flavour; the choices below are the standard
 * ones (whitespace tokens for the NLTK metrics, rouge-score's own tokenizer, sacreBLEU's sentence
 * defaults for BLEU) and are stated so a caller can pick otherwise.
 */
export const OPENAI_TEXT_SIMILARITY_METRICS = ["fuzzy_match", "bleu", "gleu", "meteor", "cosine", "rouge_1", "rouge_2", "rouge_3", "rouge_4", "rouge_5", "rouge_l"] as const;
export type OpenAiTextSimilarityMetric = (typeof OPENAI_TEXT_SIMILARITY_METRICS)[number];

export type OpenAiTextSimilarityOptions = {
  /** "sacrebleu" (default): sentence BLEU, 13a, exp smoothing, /100. "nltk": sentence_bleu on whitespace tokens, smoothing method1. */
  bleu?: "sacrebleu" | "nltk";
  /** WordNet for METEOR's synonym stage (see loadWordNet); without it METEOR matches exact and stem only. */
  wordnet?: SynonymSource;
};

/**
 * The 0–1 score of one OpenAI `text_similarity` metric for (input, reference). `cosine` needs
 * embeddings and is not computed here (use cosineSimilarity on vectors); undefined is returned
 * for it and for sacreBLEU with an empty reference (sacreBLEU rejects those).
 * @example openaiTextSimilarity("rouge_l", "the cat sat", "the cat sat down") // 0.857…
 */
export function openaiTextSimilarity(metric: OpenAiTextSimilarityMetric, input: string, reference: string, opts: OpenAiTextSimilarityOptions = {}): number | undefined {
  switch (metric) {
    case "fuzzy_match":
      return fuzzRatio(input, reference) / 100;
    case "bleu":
      if (opts.bleu === "nltk") return nltkSentenceBleu([pySplit(reference)], pySplit(input)).score;
      {
        const r = sentenceBleu(input, [reference]);
        return r === undefined ? undefined : Math.min(1, r.score / 100);
      }
    case "gleu":
      return sentenceGleu([pySplit(reference)], pySplit(input)).score;
    case "meteor":
      return meteorScore([pySplit(reference)], pySplit(input), opts.wordnet ? { wordnet: opts.wordnet } : {}).score;
    case "cosine":
      return undefined;
    case "rouge_l":
      return rouge(reference, input, "rougeL").fmeasure;
    default:
      return rouge(reference, input, `rouge${metric.slice(6) as "1"}`).fmeasure;
  }
}
