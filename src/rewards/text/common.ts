import { z } from "zod";
import { describeError, errorOutcome, invalidInput } from "../../core/outcome.ts";

import { completionText } from "../../core/text.ts";
import type { Outcome, Reward, Sample } from "../../core/types.ts";
import { pyLower, pySplit } from "./metrics/pystr.ts";
import { tokenize13a } from "./metrics/tokenize-13a.ts";

/**
 * The gold texts of a sample: `reference` is one string or a non-empty list of strings
 * (several acceptable answers; each metric takes its own best-of as the reference
 * implementation does). Anything else is an `invalid_input` naming the field.
 */
export function readReferences(reference: unknown): string[] | Outcome {
  if (typeof reference === "string") return [reference];
  if (reference === undefined || reference === null) return invalidInput("reference: missing (expected a string or a list of strings)");
  if (Array.isArray(reference)) {
    if (reference.length === 0) return invalidInput("reference: empty list (expected at least one reference string)");
    const bad = reference.findIndex((r) => typeof r !== "string");
    if (bad >= 0) return invalidInput(`reference[${bad}]: expected a string, got ${reference[bad] === null ? "null" : typeof reference[bad]}`);
    return reference as string[];
  }
  return invalidInput(`reference: expected a string or a list of strings, got ${typeof reference}`);
}

export const isOutcome = (x: unknown): x is Outcome => typeof x === "object" && x !== null && "status" in x && !Array.isArray(x);

/**
 * A per-sample reward over (hypothesis, references): the hypothesis is `completionText(sample)`.
 * A throw inside the metric becomes `status: error` for that sample only.
 */
export function referenceReward(name: string, score: (hypothesis: string, references: string[], sample: Sample) => Outcome): Reward {
  const one = (s: Sample): Outcome => {
    const refs = readReferences(s.reference);
    if (isOutcome(refs)) return refs;
    try {
      return score(completionText(s), refs, s);
    } catch (err) {
      return errorOutcome(`${name}: ${describeError(err)}`);
    }
  };
  return { name, score: async (batch) => batch.map(one) };
}

/** How NLTK-based metrics (which take token lists) split text: Python's `str.split()`, or sacreBLEU's 13a tokenizer first. */
export const WordTokenize = z.enum(["whitespace", "13a"]);

export function makeWordTokenizer(mode: z.infer<typeof WordTokenize>, lowercase = false): (s: string) => string[] {
  const lc = lowercase ? pyLower : (s: string) => s;
  return mode === "13a" ? (s) => pySplit(tokenize13a(lc(s))) : (s) => pySplit(lc(s));
}

