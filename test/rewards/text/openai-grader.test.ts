import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fuzzRatio, loadWordNet, meteorScore, nltkSentenceBleu, OPENAI_TEXT_SIMILARITY_METRICS, openaiTextSimilarity, rouge, sentenceBleu, sentenceGleu } from "../../../src/rewards/text/metrics/index.ts";

describe("OpenAI text_similarity metric mapping", () => {
  const input = "The cat sat on the mat.";
  const reference = "The cat was sitting on the mat.";
  const split = (s: string) => s.split(" ");
  it("each metric name maps onto the documented function", () => {
    const wordnet = loadWordNet();
    assert.equal(openaiTextSimilarity("fuzzy_match", input, reference), fuzzRatio(input, reference) / 100);
    assert.equal(openaiTextSimilarity("bleu", input, reference), sentenceBleu(input, [reference])!.score / 100);
    assert.equal(openaiTextSimilarity("bleu", input, reference, { bleu: "nltk" }), nltkSentenceBleu([split(reference)], split(input)).score);
    assert.equal(openaiTextSimilarity("gleu", input, reference), sentenceGleu([split(reference)], split(input)).score);
    assert.equal(openaiTextSimilarity("meteor", input, reference, { wordnet }), meteorScore([split(reference)], split(input), { wordnet }).score);
    for (const n of [1, 2, 3, 4, 5] as const) assert.equal(openaiTextSimilarity(`rouge_${n}`, input, reference), rouge(reference, input, `rouge${n}`).fmeasure);
    assert.equal(openaiTextSimilarity("rouge_l", input, reference), rouge(reference, input, "rougeL").fmeasure);
    assert.equal(openaiTextSimilarity("cosine", input, reference), undefined);
    assert.equal(OPENAI_TEXT_SIMILARITY_METRICS.length, 11);
  });
  it("rouge_l of 'the cat sat' vs 'the cat sat down': P 1, R 3/4 → F 6/7", () => assert.equal(openaiTextSimilarity("rouge_l", "the cat sat", "the cat sat down"), 6 / 7));
  it("identical text scores 1 (BLEU capped at 1); sacreBLEU with an empty reference is undefined", () => {
    assert.equal(openaiTextSimilarity("bleu", input, input), 1);
    assert.equal(openaiTextSimilarity("bleu", input, ""), undefined);
  });
});
