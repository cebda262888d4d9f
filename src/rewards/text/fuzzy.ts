import { z } from "zod";
import { ok } from "../../core/outcome.ts";
import { defineRewardType } from "../../core/reward-type.ts";
import { referenceReward } from "./common.ts";
import { fuzzRatio, levenshteinSimilarity } from "./metrics/fuzzy.ts";

/** The best of `f` over the references (by `value`), and which one gave it (the first on a tie). */
function best<T extends { value: number }>(refs: readonly string[], f: (r: string) => T): T & { index: number } {
  let top: (T & { index: number }) | undefined;
  refs.forEach((r, i) => {
    const v = f(r);
    if (!top || v.value > top.value) top = { ...v, index: i };
  });
  return top!;
}

/**
 * rapidfuzz `fuzz.ratio` (normalized Indel similarity, no preprocessing) / 100; best reference.
 * @example
 * rewards: { fuzzy: { type: fuzzy } }
 */
export const fuzzy = defineRewardType({
  type: "fuzzy",
  summary: "rapidfuzz fuzz.ratio / 100 (normalized Indel similarity) vs the best reference",
  params: z.strictObject({}),
  runs: "worker",
  uses: ["completion", "reference"],
  create() {
    return referenceReward("fuzzy", (hyp, refs) => {
      const b = best(refs, (r) => ({ value: fuzzRatio(hyp, r) }));
      return ok(b.value / 100, { ratio: b.value, best_reference: b.index });
    });
  },
});

/**
 * Levenshtein similarity 1 - distance / max(len) over code points (rapidfuzz
 * `Levenshtein.normalized_similarity`); best reference.
 * @example
 * rewards: { edit: { type: edit_distance } }
 */
export const editDistance = defineRewardType({
  type: "edit_distance",
  summary: "normalized Levenshtein similarity 1 - d/max(len) (rapidfuzz) vs the best reference",
  params: z.strictObject({}),
  runs: "worker",
  uses: ["completion", "reference"],
  create() {
    return referenceReward("edit_distance", (hyp, refs) => {
      const b = best(refs, (r) => {
        const s = levenshteinSimilarity(hyp, r);
        return { value: s.similarity, distance: s.distance };
      });
      return ok(b.value, { similarity: b.value, distance: b.distance, best_reference: b.index });
    });
  },
});
