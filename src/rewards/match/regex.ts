import { z } from "zod";
import { invalidInput, ok } from "../../core/outcome.ts";
import { defineRewardType } from "../../core/reward-type.ts";
import { completionText } from "../../core/text.ts";
import type { Outcome, Sample } from "../../core/types.ts";
import { referenceStrings } from "./normalize.ts";

const Params = z
  .strictObject({
    /** A JavaScript regular expression (no surrounding slashes). */
    pattern: z.string({ error: "expected a regular expression string" }).min(1).max(10_000),
    flags: z.string().regex(/^[imsu]*$/, "expected only the flags i, m, s, u").default(""),
    /** "search": anywhere in the text; "full": the whole (trimmed) text must match. */
    mode: z.enum(["search", "full"]).default("search"),
    /** Score 1 when the pattern does NOT match. */
    negate: z.boolean().default(false),
    /** Compare this capture group (number or name) with the reference instead of scoring the match itself. */
    compare_group: z.union([z.number().int().min(0), z.string().min(1)]).optional(),
  })
  .superRefine((p, ctx) => {
    try {
      new RegExp(p.pattern, p.flags);
    } catch (err) {
      ctx.addIssue({ code: "custom", path: ["pattern"], message: `not a valid regular expression: ${(err as Error).message}` });
    }
  });

/**
 * Regular-expression check. A catastrophic pattern is stopped by the worker deadline, not hung.
 * @example
 * rewards: { boxed: { type: regex, pattern: "\\\\boxed\\{[^}]+\\}" } }
 */
export const regex = defineRewardType({
  type: "regex",
  summary: "the completion matches a regular expression (or a capture group equals the reference)",
  params: Params,
  runs: "worker",
  uses: ["completion", "reference"],
  describe: (p) => `${p.negate ? "does not match" : "matches"} /${p.pattern}/${p.flags}${p.compare_group !== undefined ? ` and group ${p.compare_group} equals the reference` : ""}`,
  create(p) {
    const re = new RegExp(p.mode === "full" ? `^(?:${p.pattern})$` : p.pattern, p.flags);
    const one = (s: Sample): Outcome => {
      const text = p.mode === "full" ? completionText(s).trim() : completionText(s);
      const m = re.exec(text);
      if (p.compare_group === undefined) {
        const hit = m !== null;
        return ok(hit !== p.negate ? 1 : 0, { matched: m ? m[0].slice(0, 200) : null });
      }
      const refs = referenceStrings(s.reference);
      if (!refs) return invalidInput(s.reference === undefined ? "reference: missing" : "reference: expected a string or a list of strings");
      const g = m ? (typeof p.compare_group === "number" ? m[p.compare_group] : m.groups?.[p.compare_group]) : undefined;
      if (g === undefined) return ok(p.negate ? 1 : 0, { captured: null });
      const equal = refs.some((r) => r.trim() === g.trim());
      return ok(equal !== p.negate ? 1 : 0, { captured: g.slice(0, 200) });
    };
    return { name: "regex", score: async (batch) => batch.map(one) };
  },
});
