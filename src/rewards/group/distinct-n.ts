import { z } from "zod";
import { ok } from "../../core/outcome.ts";
import { defineRewardType } from "../../core/reward-type.ts";
import { completionText } from "../../core/text.ts";
import { counts, ngrams, scoreByGroup, tokenize, TokenizeParam } from "./features.ts";

const Params = z.strictObject({
  /** n-gram order (distinct-1, distinct-2, ...). */
  n: z.number().int().min(1).max(8).default(2),
  tokenize: TokenizeParam,
  lowercase: z.boolean().default(true),
  /**
   * "sample" (default): each completion's share of n-grams that no other completion of the group
   * uses — it differs within a group, so it survives group-relative advantages. "group": every
   * completion gets the group's distinct-n (a constant within the group: for monitoring).
   */
  mode: z.enum(["sample", "group"]).default("sample"),
});

/** distinct-n of a set of token lists (Li et al., 2016): distinct n-grams / all n-grams. */
export function distinctN(tokenLists: readonly (readonly string[])[], n: number): number {
  const seen = new Set<string>();
  let total = 0;
  for (const toks of tokenLists) {
    const g = ngrams(toks, n);
    total += g.length;
    for (const x of g) seen.add(x);
  }
  return total === 0 ? 0 : seen.size / total;
}

/**
 * Group diversity by distinct-n. The group value is Li et al.'s distinct-n over all completions of
 * the group; the per-sample value counts the sample's distinct n-grams found in no other member,
 * divided by its n-gram count (so repeating itself lowers it too). No n-grams: 0.
 * @example
 * rewards: { diverse: { type: distinct_n, n: 2 } }   # needs `group` on the samples
 */
export const distinctNReward = defineRewardType({
  type: "distinct_n",
  summary: "Diversity within a GRPO group: n-grams a completion shares with no other (or the group's distinct-n)",
  params: Params,
  runs: "worker",
  granularity: "group",
  uses: ["completion", "group"],
  create(p) {
    return {
      name: "distinct_n",
      score: async (batch) =>
        scoreByGroup(batch, (idx, out) => {
          const grams = idx.map((i) => ngrams(tokenize(completionText(batch[i]!), p.tokenize, p.lowercase), p.n));
          const owners = new Map<string, number>();
          let total = 0;
          for (const g of grams) {
            total += g.length;
            for (const x of new Set(g)) owners.set(x, (owners.get(x) ?? 0) + 1);
          }
          const group = total === 0 ? 0 : owners.size / total;
          idx.forEach((i, k) => {
            const g = grams[k]!;
            let own = 0;
            for (const x of counts(g).keys()) if (owners.get(x) === 1) own++;
            const sample = g.length === 0 ? 0 : own / g.length;
            out[i] = ok(p.mode === "group" ? group : sample, { group_distinct: group, sample_exclusive: sample, ngrams: g.length, group_size: idx.length });
          });
        }),
    };
  },
});
