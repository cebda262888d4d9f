import { z } from "zod";
import { invalidInput, ok } from "../../core/outcome.ts";
import { defineRewardType } from "../../core/reward-type.ts";
import { cosineGram, KernelParams, sampleVector, scoreByGroup, type SparseVec } from "./features.ts";
import { symmetricEigenvalues } from "./jacobi.ts";

const Params = z.strictObject({
  ...KernelParams,
  /**
   * "sample" (default): the completion's leave-one-out contribution VS(group) − VS(group without
   * it) — positive when it adds diversity. "group": every completion gets VS(group).
   */
  mode: z.enum(["sample", "group"]).default("sample"),
});

/**
 * Vendi score (Friedman & Dieng, 2023): exp of the Shannon entropy of the eigenvalues of K/n, for a
 * similarity matrix K with K_ii = 1. It is the "effective number" of distinct items: 1 when all are
 * identical, n when all are orthogonal.
 */
export function vendiScore(kernel: readonly (readonly number[])[]): number {
  const n = kernel.length;
  if (n === 0) return 0;
  const eig = symmetricEigenvalues(kernel.map((row) => row.map((x) => x / n)));
  let h = 0;
  for (const l of eig) if (l > 1e-12) h -= l * Math.log(l);
  return Math.exp(h);
}

function without(k: readonly (readonly number[])[], skip: number): number[][] {
  return k.filter((_, i) => i !== skip).map((row) => row.filter((_, j) => j !== skip));
}

/**
 * Vendi diversity of a GRPO group under a cosine kernel on word n-gram counts, or on embeddings
 * the caller puts in `meta.embedding` (this reward computes none). Eigenvalues by Jacobi.
 * @example
 * rewards: { vendi: { type: vendi, n: 2 } }
 */
export const vendiReward = defineRewardType({
  type: "vendi",
  summary: "Vendi score of a GRPO group (n-gram or embedding cosine kernel); per sample: leave-one-out contribution",
  params: Params,
  runs: "worker",
  granularity: "group",
  uses: ["completion", "group", "meta"],
  create(p) {
    return {
      name: "vendi",
      score: async (batch) =>
        scoreByGroup(batch, (idx, out) => {
          const vecs: SparseVec[] = [];
          const members: number[] = [];
          for (const i of idx) {
            const v = sampleVector(batch[i]!, p);
            if (typeof v === "string") out[i] = invalidInput(v);
            else {
              vecs.push(v);
              members.push(i);
            }
          }
          if (members.length === 0) return;
          const k = cosineGram(vecs);
          const all = vendiScore(k);
          members.forEach((i, m) => {
            const rest = members.length > 1 ? vendiScore(without(k, m)) : 0;
            out[i] = ok(p.mode === "group" ? all : all - rest, { vendi: all, vendi_without: rest, group_size: members.length });
          });
        }),
    };
  },
});
