import { z } from "zod";
import { ok } from "../../core/outcome.ts";
import { defineRewardType } from "../../core/reward-type.ts";
import { referenceReward } from "./common.ts";
import { maxOverGroundTruths, squadExactMatch, squadF1, squadNormalize } from "./metrics/squad.ts";

const preview = (s: string): string => (s.length > 200 ? `${s.slice(0, 200)}…` : s);

/**
 * SQuAD v1.1 token F1, best over the gold answers.
 * @example
 * rewards: { f1: { type: token_f1 } }        # reference: ["Denver Broncos", "Broncos"]
 */
export const tokenF1 = defineRewardType({
  type: "token_f1",
  summary: "SQuAD v1.1 token F1 (official normalization), max over the reference answers",
  params: z.strictObject({}),
  runs: "worker",
  uses: ["completion", "reference"],
  create() {
    return referenceReward("token_f1", (hyp, refs) => {
      const r = maxOverGroundTruths(squadF1, hyp, refs);
      return ok(r.score, { f1: r.score, best_reference: r.best, normalized: preview(squadNormalize(hyp)) });
    });
  },
});

/**
 * SQuAD v1.1 exact match after the official normalization, 1 if any gold answer matches.
 * @example
 * rewards: { em: { type: squad_em } }
 */
export const squadEm = defineRewardType({
  type: "squad_em",
  summary: "SQuAD v1.1 exact match (official normalization) against any reference answer",
  params: z.strictObject({}),
  runs: "worker",
  uses: ["completion", "reference"],
  create() {
    return referenceReward("squad_em", (hyp, refs) => {
      const r = maxOverGroundTruths(squadExactMatch, hyp, refs);
      return ok(r.score, { em: r.score, ...(r.score === 1 ? { matched: r.best } : {}), normalized: preview(squadNormalize(hyp)) });
    });
  },
});
