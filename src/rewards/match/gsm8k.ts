import { z } from "zod";
import { invalidInput, ok } from "../../core/outcome.ts";
import { defineRewardType } from "../../core/reward-type.ts";
import { completionText } from "../../core/text.ts";
import type { Outcome, Sample } from "../../core/types.ts";
import { lastNumber, parseNumber, sameNumber } from "./numbers.ts";

const Params = z.strictObject({
  /** Only accept `#### N` (verl's strict mode); otherwise fall back to "the answer is N", then the last number. */
  strict: z.boolean().default(false),
  /** Score for an answer that was found but is wrong (verl's `format_score`). */
  format_score: z.number().finite().default(0),
  /** Score for a correct answer. */
  correct_score: z.number().finite().default(1),
});

// One character class between the phrase and the number: adjacent optional \s* groups would
// backtrack polynomially on long runs of spaces.
const ANSWER_IS = /answer\s*(?:is|:|=)[\s:*]*(-?\s?[$€£¥]?\s?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|-?\.\d+)/gi;

/** The final answer of a GSM8K-style text: `#### N`, else "the answer is N", else the last number. */
export function extractGsm8kAnswer(text: string, strict: boolean): { raw: string; how: string } | undefined {
  const hashes = text.lastIndexOf("####");
  if (hashes >= 0) {
    const after = text.slice(hashes + 4, hashes + 104).trim();
    const m = /^[$€£¥]?\s?-?[$€£¥]?\s?[\d.,]*\d/.exec(after);
    if (m) return { raw: m[0], how: "####" };
  }
  if (strict) return undefined;
  const tail = text.length > 2000 ? text.slice(-2000) : text;
  let found: string | undefined;
  ANSWER_IS.lastIndex = 0;
  for (let m = ANSWER_IS.exec(tail); m !== null; m = ANSWER_IS.exec(tail)) found = m[1];
  if (found !== undefined) return { raw: found, how: "answer is" };
  const last = lastNumber(text);
  return last === undefined ? undefined : { raw: last, how: "last number" };
}

/** The gold number: the reference itself when it is a number, else its `#### N` (or other) final answer. */
function goldNumber(reference: unknown): number | undefined {
  if (typeof reference === "number") return Number.isFinite(reference) ? reference : undefined;
  if (typeof reference !== "string") return undefined;
  const direct = parseNumber(reference);
  if (direct !== undefined) return direct;
  const ex = extractGsm8kAnswer(reference, false);
  return ex ? parseNumber(ex.raw) : undefined;
}

/**
 * GSM8K final-answer correctness, numeric comparison.
 * @example
 * rewards: { correct: { type: gsm8k } }   # reference: "... #### 18" or "18"
 */
export const gsm8k = defineRewardType({
  type: "gsm8k",
  summary: "GSM8K final answer (#### N, 'the answer is N', or the last number) equals the gold number",
  params: Params,
  runs: "worker",
  cheap: true,
  inline: true,
  uses: ["completion", "reference"],
  create(p) {
    const one = (s: Sample): Outcome => {
      const gold = goldNumber(s.reference);
      if (gold === undefined) {
        return invalidInput(s.reference === undefined ? "reference: missing" : "reference: no number found in the gold answer");
      }
      const found = extractGsm8kAnswer(completionText(s), p.strict);
      const pred = found ? parseNumber(found.raw) : undefined;
      if (pred === undefined) return ok(0, { extracted: null, expected: gold });
      const correct = sameNumber(pred, gold);
      return ok(correct ? p.correct_score : p.format_score, { extracted: pred, expected: gold, how: found!.how });
    };
    return { name: "gsm8k", score: async (batch) => batch.map(one) };
  },
});
