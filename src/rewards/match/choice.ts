import { z } from "zod";
import { invalidInput, ok } from "../../core/outcome.ts";
import { defineRewardType } from "../../core/reward-type.ts";
import { completionText } from "../../core/text.ts";
import type { Outcome, Sample } from "../../core/types.ts";

const Params = z.strictObject({
  /** The option letters that exist (upper case). */
  letters: z.string().regex(/^[A-Z]+$/, "expected upper-case letters such as ABCD").default("ABCDEFGHIJ"),
  /** When the reference is a number: 0 means 0 -> A (MMLU's convention), 1 means 1 -> A. */
  index_base: z.union([z.literal(0), z.literal(1)]).default(0),
});

export type ChoiceFound = { letter: string; how: string };

/**
 * Finds the chosen option letter in free text, most explicit evidence first:
 * \boxed{B}; an answer phrase ("the answer is (B)", "Answer: b", "correct option: C");
 * an answer-first line ("B) Paris"); the last parenthesized option "(B)"; a bare final letter.
 * The rightmost match of the most explicit kind wins, as a reader would take a corrected answer.
 */
export function makeChoiceExtractor(letters: string): (text: string) => ChoiceFound | undefined {
  const cls = `[${letters}${letters.toLowerCase()}]`;
  const upper = `[${letters}]`;
  const boxed = new RegExp(String.raw`\\boxed\s*\{\s*(?:\\text(?:bf)?\{)?\s*\(?(${cls})\)?\s*(?:\}\s*)?\}`, "g");
  // A lower-case letter after a phrase counts only when nothing word-like follows ("the answer is a prime" is not (a)).
  const phrase = new RegExp(
    // Each run of spaces/markup is matched by ONE class: adjacent optional \s* groups backtrack
    // polynomially on long runs of spaces (a cheap way for a policy to stall its reward).
    String.raw`(?:[Aa]nswer|ANSWER|[Oo]ption|OPTION|[Cc]hoice|CHOICE)(?:\s+(?:is|IS)\b|\s*[:=\-–])?[\s*_]*(?:(?:[Oo]ption|[Cc]hoice)\s+[\s*_]*)?(?:\((${cls})\)|\[(${cls})\]|(${upper})(?![\w])|(${cls})(?=[\s*]*(?:$|[.),:;!\n])))`,
    // No "i" flag: it would let the upper-case-only branch take the article "a".
    "g",
  );
  const lead = new RegExp(String.raw`^\s*[*_]*\(?(${upper})[).:][*_]*(?:\s|$)`);
  const paren = new RegExp(String.raw`\((${upper})\)`, "g");
  const finalBare = new RegExp(String.raw`(?:^|[\s:*(])(${upper})[)\].!*]*\s*$`);
  const only = new RegExp(String.raw`^\s*\(?(${cls})\)?\.?\s*$`);
  const lastOf = (re: RegExp, t: string): RegExpExecArray | undefined => {
    re.lastIndex = 0;
    let last: RegExpExecArray | undefined;
    for (let m = re.exec(t); m !== null; m = re.exec(t)) {
      last = m;
      if (m[0].length === 0) re.lastIndex++;
    }
    return last;
  };
  return (input: string) => {
    const text = input.length > 20_000 ? input.slice(-20_000) : input;
    const o = only.exec(text);
    if (o) return { letter: o[1]!.toUpperCase(), how: "whole answer" };
    const b = lastOf(boxed, text);
    if (b) return { letter: b[1]!.toUpperCase(), how: "boxed" };
    const p = lastOf(phrase, text);
    if (p) return { letter: (p[1] ?? p[2] ?? p[3] ?? p[4])!.toUpperCase(), how: "answer phrase" };
    const l = lead.exec(text);
    if (l) return { letter: l[1]!, how: "leading option" };
    const f = finalBare.exec(text);
    if (f) return { letter: f[1]!, how: "final letter" };
    const q = lastOf(paren, text);
    if (q) return { letter: q[1]!, how: "parenthesized" };
    return undefined;
  };
}

/** The gold letter from "B", "(b)", "B. Paris" or an option index. */
export function goldLetter(ref: unknown, letters: string, base: 0 | 1): string | undefined {
  if (typeof ref === "number" && Number.isInteger(ref)) return letters[ref - base];
  if (typeof ref !== "string") return undefined;
  const m = /^\s*\(?([A-Za-z])\)?(?:[.:)\s]|$)/.exec(ref);
  const letter = m?.[1]?.toUpperCase();
  if (letter && letters.includes(letter)) return letter;
  if (/^\s*\d+\s*$/.test(ref)) return letters[Number(ref) - base];
  return undefined;
}

/**
 * Multiple-choice letter correctness.
 * @example
 * rewards: { mc: { type: choice, letters: ABCD } }   # reference: "B" or 1 (0-based index)
 */
export const choice = defineRewardType({
  type: "choice",
  summary: "the option letter chosen in free text equals the gold letter",
  params: Params,
  runs: "worker",
  uses: ["completion", "reference"],
  describe: (p) => `multiple-choice letter among ${p.letters}`,
  create(p) {
    const extract = makeChoiceExtractor(p.letters);
    const one = (s: Sample): Outcome => {
      const gold = goldLetter(s.reference, p.letters, p.index_base);
      if (!gold) {
        return invalidInput(s.reference === undefined ? "reference: missing" : `reference: expected an option letter among ${p.letters} or an option index`);
      }
      const found = extract(completionText(s));
      if (!found) return ok(0, { extracted: null, expected: gold });
      return ok(found.letter === gold ? 1 : 0, { extracted: found.letter, expected: gold, how: found.how });
    };
    return { name: "choice", score: async (batch) => batch.map(one) };
  },
});
