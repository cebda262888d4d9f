import { z } from "zod";
import { describeError, errorOutcome, invalidInput, ok } from "../../core/outcome.ts";
import { defineRewardType } from "../../core/reward-type.ts";
import { completionText } from "../../core/text.ts";
import type { Outcome, Sample } from "../../core/types.ts";
import type { CompareOptions } from "./compare.ts";
import type { ExtractOptions, Extraction, Target } from "./extract.ts";
import { answersMatch, extractAnswer } from "./verify.ts";

const Params = z.strictObject({
  /** Decimals kept when one side is written as a decimal (Math-Verify's float_rounding). */
  float_rounding: z.number().int().min(0).max(15).default(6),
  /** false: variables are matched by position, so f(x) equals f(y) (Math-Verify's strict). */
  strict: z.boolean().default(true),
  /** Also compare a relation in the prediction with a set in the gold (x ∈ [a, b] vs a ≤ x ≤ b). */
  allow_set_relation_comp: z.boolean().default(false),
  /** Which answers to look for: delimited LaTeX, plain numbers/expressions, or both. */
  targets: z.enum(["both", "latex", "expr"]).default("both"),
  /** Only a \boxed{} answer in the completion counts. */
  require_boxed: z.boolean().default(false),
  /** \boxed first (before "final answer … is"), or tied with it (Math-Verify's default parse priority 50). */
  boxed_priority: z.enum(["first", "with_final_answer"]).default("first"),
  /** Score for a correct answer. */
  correct_score: z.number().finite().default(1),
  /** Score for an answer that was found but is wrong (verl's format_score). */
  format_score: z.number().finite().default(0),
});

type P = z.output<typeof Params>;

function targetsOf(t: P["targets"]): Target[] {
  return t === "both" ? ["latex", "expr"] : [t];
}

/** The gold texts: a string, a number, or a list of acceptable answers. */
function goldTexts(reference: unknown): string[] | undefined {
  if (typeof reference === "string") return reference.trim() === "" ? undefined : [reference];
  if (typeof reference === "number" || typeof reference === "bigint") return [String(reference)];
  if (Array.isArray(reference) && reference.length > 0 && reference.every((r) => typeof r === "string" || typeof r === "number")) return reference.map(String);
  return undefined;
}

const shown = (e: Extraction) => (e.node ? (e.text ?? null) : null);

/**
 * Math answer correctness: the final answer of the completion (\boxed{}, "final answer is",
 * "answer:", delimited LaTeX, plain numbers) is parsed exactly and compared with the gold
 * (a bare answer, a full solution, or GSM8K "#### N") the way Math-Verify does.
 * @example
 * rewards: { correct: { type: math, deadline_ms: 2000 } }   # reference: "\\frac{1}{2}", "(3,-1)", "#### 18"
 */
export const math = defineRewardType({
  type: "math",
  summary: "Math answer equivalence (Math-Verify compatible): extracts, parses and compares the final answer with the gold",
  params: Params,
  runs: "worker",
  granularity: "sample",
  defaultDeadlineMs: 2000,
  uses: ["completion", "reference"],
  describe(p) {
    const opts = [`float_rounding ${p.float_rounding}`, p.strict ? "strict" : "non-strict", `targets ${p.targets}`];
    if (p.require_boxed) opts.push("\\boxed required");
    if (p.allow_set_relation_comp) opts.push("set/relation both ways");
    return `math answer equivalence, Math-Verify rules (${opts.join(", ")}): ${p.correct_score} if equal, ${p.format_score} if wrong`;
  },
  create(p) {
    const extract: ExtractOptions = { targets: targetsOf(p.targets), boxedPriority: p.boxed_priority === "first" ? 0 : 50, requireBoxed: p.require_boxed };
    const goldExtract: ExtractOptions = { ...extract, requireBoxed: false };
    const compare: CompareOptions = { floatRounding: p.float_rounding, strict: p.strict, allowSetRelationComp: p.allow_set_relation_comp };
    const one = (s: Sample): Outcome => {
      const texts = goldTexts(s.reference);
      if (!texts) return invalidInput(s.reference === undefined ? "reference: missing" : "reference: expected a non-empty string, a number or a list of them");
      const golds = texts.map((t) => extractAnswer(t, goldExtract)).filter((g) => g.node !== undefined || g.fallback !== undefined);
      if (golds.length === 0) return invalidInput("reference: no answer could be extracted from the gold");
      const pred = extractAnswer(completionText(s), extract);
      const goldShown = golds.map((g) => g.text ?? null);
      const details: Record<string, unknown> = { gold: goldShown.length === 1 ? goldShown[0] : goldShown, predicted: shown(pred) ?? pred.fallback ?? null };
      if (pred.how) details.how = pred.how;
      if (pred.node === undefined && pred.fallback === undefined) return ok(0, details);
      const correct = golds.some((g) => answersMatch(g, pred, compare));
      return ok(correct ? p.correct_score : p.format_score, details);
    };
    // A bug on one odd input must not take the batch down: it becomes that sample's `error`.
    const safe = (s: Sample): Outcome => {
      try {
        return one(s);
      } catch (err) {
        return errorOutcome(`math verification failed: ${describeError(err)}`);
      }
    };
    return { name: "math", score: async (batch) => batch.map(safe) };
  },
});
