import { z } from "zod";
import { invalidInput, ok } from "../../core/outcome.ts";
import { defineRewardType } from "../../core/reward-type.ts";
import { dot, KernelParams, sampleVector, scoreByGroup, type SparseVec } from "./features.ts";

const Params = z.strictObject({
  ...KernelParams,
  /** Neighbours averaged (novelty search's k). */
  k: z.number().int().min(1).max(1000).default(5),
  /** Count the other completions of the same group as neighbours too (the current population). */
  include_group: z.boolean().default(true),
  /** Archive capacity; the oldest entries go first. */
  archive_size: z.number().int().min(1).max(1_000_000).default(10_000),
  /** Only completions at least this novel enter the archive (0: all). */
  archive_min_novelty: z.number().min(0).max(2).default(0),
});

/** Mean of the k smallest values (all when fewer). */
function meanOfSmallest(xs: number[], k: number): number {
  xs.sort((a, b) => a - b);
  const m = Math.min(k, xs.length);
  let s = 0;
  for (let i = 0; i < m; i++) s += xs[i]!;
  return s / m;
}

/**
 * Novelty (Lehman & Stanley's novelty search, as used for quality-diversity): the mean cosine
 * distance 1 − cos from a completion to its k nearest neighbours among earlier completions (the
 * archive) and, by default, the other members of its group. Nothing to compare with: 1.
 *
 * Scope of the archive: it lives in this reward instance, in memory. Each pipeline worker thread
 * builds its own instance, so with several workers each sees part of the history; a worker that
 * is restarted (deadline) starts empty; nothing is written to the run store. The completions of
 * one call (one group) are scored against the archive as it was before the call, then added.
 * @example
 * rewards: { novel: { type: novelty, k: 5 } }
 */
export const noveltyReward = defineRewardType({
  type: "novelty",
  summary: "k-nearest-neighbour cosine distance to an in-memory archive of earlier completions (and the group)",
  params: Params,
  runs: "worker",
  granularity: "group",
  uses: ["completion", "group", "meta"],
  deterministic: false,
  create(p) {
    const archive: SparseVec[] = [];
    return {
      name: "novelty",
      score: async (batch) => {
        const admitted: SparseVec[] = [];
        const outcomes = scoreByGroup(batch, (idx, out) => {
          const vecs = new Map<number, SparseVec>();
          for (const i of idx) {
            const v = sampleVector(batch[i]!, p);
            if (typeof v === "string") out[i] = invalidInput(v);
            else vecs.set(i, v);
          }
          for (const [i, v] of vecs) {
            const dists = archive.map((a) => Math.max(0, 1 - dot(a, v)));
            if (p.include_group) for (const [j, w] of vecs) if (j !== i) dists.push(Math.max(0, 1 - dot(v, w)));
            const neighbours = Math.min(p.k, dists.length);
            const score = dists.length === 0 ? 1 : meanOfSmallest(dists, p.k);
            out[i] = ok(score, { neighbours, archive: archive.length });
            if (score >= p.archive_min_novelty) admitted.push(v);
          }
        });
        archive.push(...admitted);
        if (archive.length > p.archive_size) archive.splice(0, archive.length - p.archive_size);
        return outcomes;
      },
    };
  },
});
