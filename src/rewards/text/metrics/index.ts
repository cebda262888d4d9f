/**
 * Pure text-similarity metrics, each reproducing a standard implementation's numbers (see each
 * file's header). The reward types in ../ wrap them; the server's OpenAI `text_similarity`
 * grader reuses them directly.
 */
export { tokenize13a, tokenizeIntl } from "./tokenize-13a.ts";
export { sentenceBleu, corpusBleu, computeBleu, bleuReferenceInfo, bleuSegmentStats, type BleuOptions, type BleuResult, type SmoothMethod } from "./sacrebleu.ts";
export { nltkSentenceBleu, nltkCorpusBleu, modifiedPrecision, nltkBrevityPenalty, fsum, type NltkBleuOptions, type NltkBleuResult, type NltkSmoothing } from "./nltk-bleu.ts";
export { sentenceChrf, corpusChrf, chrfFromStats, chrfWords, type ChrfOptions, type ChrfResult } from "./chrf.ts";
export { rouge, rougeMulti, rougeTokenize, rougeNTokens, rougeLTokens, rougeLsumTokens, rougeFmeasure, isRougeType, type RougeScore, type RougeType, type RougeOptions } from "./rouge.ts";
export { porterStem } from "./porter.ts";
export { sentenceGleu, corpusGleu, type GleuOptions, type GleuResult } from "./gleu.ts";
export { meteorScore, singleMeteorScore, type MeteorOptions, type MeteorResult } from "./meteor.ts";
export { loadWordNet, WordNet, type SynonymSource } from "./wordnet.ts";
export { squadNormalize, squadF1, squadExactMatch, maxOverGroundTruths } from "./squad.ts";
export { fuzzRatio, indelDistance, levenshteinDistance, levenshteinSimilarity } from "./fuzzy.ts";
export { cosineSimilarity, bmasRecon, type BmasResult, type Vector } from "./embedding.ts";
export { pySplit, pyLower, pyRstrip, pyStrip, codePoints, pyLen } from "./pystr.ts";
export { openaiTextSimilarity, OPENAI_TEXT_SIMILARITY_METRICS, type OpenAiTextSimilarityMetric, type OpenAiTextSimilarityOptions } from "./openai-grader.ts";
