/** Dense rewards: segmenters, per-segment scoring, char-span -> token mapping, token-level arrays. */
export { byteToCharTable, charToByteTable } from "./bytes.ts";
export { TokenizerJson, type TokenizedText } from "./tokenizer.ts";
export { firstTokenOfSpan, lastTokenOfSpan, tokenLevelRewards, type ScoredSpan, type TokenRewardOptions } from "./spans.ts";
export { lines, paragraphs, segment, SEGMENTERS, sentences, steps, subSentences, tags, type SegmentBy, type SegmentOptions, type Span } from "./segment.ts";
export { fineGrainedTokenRewards, holisticReward, labelReward, QA_FEEDBACK, type HolisticChannel, type SegmentChannel } from "./fine-grained.ts";
export { scorePerSegment, segmentSamples, type PerSegmentOptions } from "./apply.ts";
export { checkStep, type EqualityCheck, type StepVerdict } from "./step-check.ts";
export { denseFinisher } from "./output.ts";
