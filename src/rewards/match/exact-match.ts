import { z } from "zod";
import { invalidInput, ok } from "../../core/outcome.ts";
import { defineRewardType } from "../../core/reward-type.ts";
import { completionText } from "../../core/text.ts";
import type { Outcome, Sample } from "../../core/types.ts";
import { lastTagContent, makeNormalizer, referenceStrings } from "./normalize.ts";

export const NormalizeParams = {
  case_sensitive: z.boolean().default(true),
  whitespace: z.enum(["exact", "trim", "collapse", "remove"]).default("trim"),
  strip_punctuation: z.boolean().default(false),
  /** SQuAD v1.1 normalization (overrides the three options above). */
  squad: z.boolean().default(false),
  unicode_nfkc: z.boolean().default(false),
  /** Compare only the content of the last <tag>...</tag> (e.g. "answer"); no tag scores 0. */
  tag: z.string().regex(/^[A-Za-z][\w:-]*$/, "expected a tag name such as answer").optional(),
};

/**
 * Exact string match against the reference (a string, or a list of acceptable strings).
 * @example
 * rewards: { em: { type: exact_match, case_sensitive: false, whitespace: collapse } }
 */
export const exactMatch = defineRewardType({
  type: "exact_match",
  summary: "the completion (or its <tag> content) equals the reference after normalization",
  params: z.strictObject(NormalizeParams),
  runs: "worker",
  cheap: true,
  inline: true,
  uses: ["completion", "reference"],
  describe: (p) => `exact match${p.squad ? " (SQuAD normalization)" : ""}${p.tag ? ` of <${p.tag}>` : ""}`,
  create(p) {
    const norm = makeNormalizer(p);
    const one = (s: Sample): Outcome => {
      const refs = referenceStrings(s.reference);
      if (!refs) return invalidInput(s.reference === undefined ? "reference: missing" : "reference: expected a string or a list of strings");
      const text = completionText(s);
      const candidate = p.tag ? lastTagContent(text, p.tag) : text;
      if (candidate === undefined) return ok(0, { extracted: null, why: `no <${p.tag}> tag` });
      const got = norm(candidate);
      const hit = refs.findIndex((r) => norm(r) === got);
      return ok(hit >= 0 ? 1 : 0, { extracted: got.length > 200 ? `${got.slice(0, 200)}…` : got, ...(hit >= 0 ? { matched: hit } : {}) });
    };
    return { name: "exact_match", score: async (batch) => batch.map(one) };
  },
});
