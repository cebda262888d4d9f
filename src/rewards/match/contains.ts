import { z } from "zod";
import { invalidInput, ok } from "../../core/outcome.ts";
import { defineRewardType } from "../../core/reward-type.ts";
import { completionText } from "../../core/text.ts";
import type { Outcome, Sample } from "../../core/types.ts";
import { makeNormalizer, referenceStrings } from "./normalize.ts";

const Params = z.strictObject({
  /** Fixed strings to look for; when absent, the sample's reference (string or list) is used. */
  values: z.array(z.string().min(1, "must not be empty")).min(1).optional(),
  /** "any": one of them suffices; "all": every one must appear; "fraction": share found. */
  mode: z.enum(["any", "all", "fraction"]).default("any"),
  case_sensitive: z.boolean().default(true),
  /** Score 1 when NOT contained (a banned-phrase check). */
  negate: z.boolean().default(false),
});

/**
 * Substring check (OpenAI string_check `like`/`ilike`).
 * @example
 * rewards: { cites: { type: contains, values: ["[1]"], mode: any } }
 */
export const contains = defineRewardType({
  type: "contains",
  summary: "the completion contains the reference (or fixed values)",
  params: Params,
  runs: "worker",
  cheap: true,
  inline: true,
  uses: ["completion", "reference"],
  describe: (p) => `${p.negate ? "does not contain" : "contains"} ${p.mode} of ${p.values ? JSON.stringify(p.values) : "the reference"}`,
  create(p) {
    const norm = makeNormalizer({ case_sensitive: p.case_sensitive, whitespace: "exact", strip_punctuation: false, squad: false, unicode_nfkc: false });
    const fixed = p.values?.map(norm);
    const one = (s: Sample): Outcome => {
      const needles = fixed ?? referenceStrings(s.reference)?.map(norm);
      if (!needles) return invalidInput(s.reference === undefined ? "reference: missing (or set `values`)" : "reference: expected a string or a list of strings");
      const hay = norm(completionText(s));
      const found = needles.filter((n) => n.length > 0 && hay.includes(n)).length;
      const frac = needles.length === 0 ? 0 : found / needles.length;
      let score = p.mode === "any" ? (found > 0 ? 1 : 0) : p.mode === "all" ? (found === needles.length ? 1 : 0) : frac;
      if (p.negate) score = 1 - score;
      return ok(score, { found, of: needles.length });
    };
    return { name: "contains", score: async (batch) => batch.map(one) };
  },
});
