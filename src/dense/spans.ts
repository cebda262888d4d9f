/**
 * Character spans -> token positions, and the token-level reward array verl consumes: each
 * span's score sits on the last token of the span, every other token gets 0 (verl places an
 * outcome reward at `valid_response_length − 1`; Fine-Grained RLHF places segment j's reward at
 * its last token T_j).
 */
import type { TokenizedText } from "./tokenizer.ts";

export type ScoredSpan = { start: number; end: number; score: number; label?: string };

const SPACE = /\s/u;

/**
 * Index of the token holding the span's last non-whitespace character ([start, end) in string
 * indices). Trailing whitespace is ignored because byte-level BPE glues a space to the *next*
 * word ("Ġword"), so the token at the raw end would belong to the following segment. A token
 * that straddles the boundary (one token covering the end of this segment and the start of the
 * next) is this segment's last token. Returns -1 for an empty span or no tokens.
 */
export function lastTokenOfSpan(tt: TokenizedText, start: number, end: number): number {
  let e = Math.min(end, tt.text.length);
  while (e > start && SPACE.test(tt.text[e - 1]!)) e--;
  if (e <= start) e = Math.min(end, tt.text.length);
  if (e <= start || tt.byteSpans.length === 0) return -1;
  // The last byte of the last character (a surrogate pair's low half points into the same code point).
  const lastByte = tt.charToByte[e]! - 1;
  // Binary search: the token whose byte span contains lastByte.
  let lo = 0;
  let hi = tt.byteSpans.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (tt.byteSpans[mid]![0] <= lastByte) lo = mid;
    else hi = mid - 1;
  }
  // Skip zero-width tokens (a SentencePiece prefix piece) back to one that holds the byte.
  while (lo > 0 && tt.byteSpans[lo]![1] <= lastByte) lo--;
  return lo;
}

/** First token holding a non-whitespace character of the span (for display and checks). */
export function firstTokenOfSpan(tt: TokenizedText, start: number, end: number): number {
  let s = start;
  while (s < end && SPACE.test(tt.text[s]!)) s++;
  const firstByte = tt.charToByte[Math.min(s, tt.text.length)]!;
  const i = tt.byteSpans.findIndex(([a, b]) => b > firstByte && a <= firstByte);
  return i;
}

export type TokenRewardOptions = {
  /**
   * Length of the array (the response's token count as the trainer sees it). Positions past it are
   * clipped to its last token, as Fine-Grained RLHF clips to the generated length − 1. Default:
   * the number of tokens.
   */
  length?: number;
};

/**
 * The token-level reward array for scored spans: `rewards[lastTokenOfSpan(span)] += span.score`.
 * Spans that end on the same token add up (Fine-Grained RLHF sums its reward models' lists).
 * @example
 * const tt = tok.encode(text);
 * const { rewards } = tokenLevelRewards(tt, [{ start: 0, end: 12, score: 0.5 }]);
 */
export function tokenLevelRewards(tt: TokenizedText, spans: readonly ScoredSpan[], opts: TokenRewardOptions = {}): { rewards: number[]; positions: number[] } {
  const n = opts.length ?? tt.ids.length;
  const rewards = new Array<number>(n).fill(0);
  const positions: number[] = [];
  for (const s of spans) {
    let t = lastTokenOfSpan(tt, s.start, s.end);
    if (t < 0 || n === 0) {
      positions.push(-1);
      continue;
    }
    if (t > n - 1) t = n - 1;
    rewards[t]! += s.score;
    positions.push(t);
  }
  return { rewards, positions };
}
