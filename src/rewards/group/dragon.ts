import { z } from "zod";
import { invalidInput, notApplicable, ok } from "../../core/outcome.ts";
import { defineRewardType } from "../../core/reward-type.ts";
import type { Sample } from "../../core/types.ts";
import { denseToSparse, dot, isVector, KernelParams, sampleVector, scoreByGroup, textVector, unit, type KernelConfig, type SparseVec } from "./features.ts";
import { symmetricEigenvalues } from "./jacobi.ts";

const Exemplars = z.union([z.array(z.string()).min(1), z.array(z.array(z.number().finite()).min(1)).min(1)]);

const Params = z.strictObject({
  ...KernelParams,
  /** The exemplar set: texts (n-gram kernel) or vectors (embedding kernel). Absent: each sample's `reference`. */
  exemplars: Exemplars.optional(),
  /**
   * How a completion is scored against the exemplar distribution:
   * - "centroid" (default): cosine similarity to the exemplars' mean direction;
   * - "mean": mean cosine similarity to the exemplars;
   * - "max": cosine similarity to the nearest exemplar;
   * - "fd_gain_recon": [RECON of DRAGON's D+/D− split] r(G) − r(G without it), r(S) = −FD(S, exemplars),
   *   G = the completion's group; > 0 puts it in D+ (it pulls the group toward the exemplars).
   */
  metric: z.enum(["centroid", "mean", "max", "fd_gain_recon"]).default("centroid"),
});

/**
 * Fréchet distance between Gaussian fits (population covariance) of sets D and R, computed from
 * their dot products alone: ‖μ_D − μ_R‖² + Tr Σ_D + Tr Σ_R − 2·Tr (Σ_D Σ_R)^½, where the last
 * trace is the nuclear norm of the n×m cross matrix of centred vectors over √(nm) (the non-zero
 * eigenvalues of Σ_D Σ_R are those of C Cᵀ/(nm)), so only an n×n eigenproblem is solved.
 */
export function frechetDistance(d: readonly SparseVec[], r: readonly SparseVec[]): number {
  const n = d.length;
  const m = r.length;
  const dr = d.map((x) => r.map((y) => dot(x, y)));
  const dd = d.map((x) => d.map((y) => dot(x, y)));
  const rr = r.map((x) => r.map((y) => dot(x, y)));
  const meanAll = (g: number[][]) => g.reduce((s, row) => s + row.reduce((a, b) => a + b, 0), 0) / (g.length * (g[0]?.length ?? 1));
  const mDD = meanAll(dd);
  const mRR = meanAll(rr);
  const mDR = meanAll(dr);
  const meanDiff2 = mDD - 2 * mDR + mRR;
  const trD = dd.reduce((s, row, i) => s + row[i]!, 0) / n - mDD;
  const trR = rr.reduce((s, row, i) => s + row[i]!, 0) / m - mRR;
  const rowMean = dr.map((row) => row.reduce((a, b) => a + b, 0) / m);
  const colMean = r.map((_, j) => dr.reduce((s, row) => s + row[j]!, 0) / n);
  const c = dr.map((row, i) => row.map((v, j) => v - rowMean[i]! - colMean[j]! + mDR));
  const cct = c.map((a) => c.map((b) => a.reduce((s, v, j) => s + v * b[j]!, 0)));
  let nuclear = 0;
  for (const l of symmetricEigenvalues(cct)) if (l > 0) nuclear += Math.sqrt(l);
  const fd = meanDiff2 + trD + trR - (2 * nuclear) / Math.sqrt(n * m);
  return Math.max(0, fd);
}

/** The exemplar vectors in `x`, or a reason. */
function exemplarVectors(x: unknown, cfg: KernelConfig, raw: boolean, where: string): SparseVec[] | string {
  let list: unknown = x;
  if (typeof x === "string") list = [x];
  else if (x !== null && typeof x === "object" && !Array.isArray(x) && "exemplars" in x) list = (x as { exemplars: unknown }).exemplars;
  if (!Array.isArray(list) || list.length === 0) return `${where}: expected a non-empty list of exemplars`;
  if (cfg.kernel === "ngram") {
    if (!list.every((e) => typeof e === "string")) return `${where}: the n-gram kernel needs exemplar texts`;
    return (list as string[]).map((t) => textVector(t, cfg));
  }
  if (!list.every(isVector)) return `${where}: the embedding kernel needs exemplar vectors (arrays of numbers)`;
  return (list as number[][]).map((e) => (raw ? denseToSparse(e) : unit(denseToSparse(e))));
}

/**
 * DRAGON-style instance-to-distribution reward (Bai et al., 2025, "Distributional Rewards Optimize
 * Diffusion Generative Models"): a completion is scored against an exemplar set rather than one
 * reference, through an encoder — here word n-gram counts, or embeddings supplied in
 * `meta.embedding` with exemplar vectors. The Fréchet set-gain metric reconstructs the paper's
 * D+/D− construction (paper-formulas §9, marked [RECON]).
 * @example
 * rewards: { on_style: { type: dragon, exemplars: ["Once upon a time ...", "..."], metric: centroid } }
 */
export const dragonReward = defineRewardType({
  type: "dragon",
  summary: "Similarity of a completion to an exemplar distribution (centroid/mean/max cosine, or Fréchet set gain)",
  params: Params,
  runs: "worker",
  granularity: (p) => (p.metric === "fd_gain_recon" ? "group" : "sample"),
  uses: ["completion", "reference", "group", "meta"],
  create(p) {
    const raw = p.metric === "fd_gain_recon";
    const fixed = p.exemplars === undefined ? undefined : exemplarVectors(p.exemplars, p, raw, "exemplars");
    if (typeof fixed === "string") throw new Error(fixed);
    const exemplarsFor = (s: Sample) => fixed ?? (s.reference === undefined ? "reference: missing (no exemplars in params)" : exemplarVectors(s.reference, p, raw, "reference"));

    const instance = (v: SparseVec, ex: SparseVec[]): { score: number; details: Record<string, unknown> } => {
      const sims = ex.map((e) => dot(v, e));
      const mean = sims.reduce((a, b) => a + b, 0) / sims.length;
      if (p.metric === "mean") return { score: mean, details: { exemplars: ex.length } };
      if (p.metric === "max") {
        let best = 0;
        for (let i = 1; i < sims.length; i++) if (sims[i]! > sims[best]!) best = i;
        return { score: sims[best]!, details: { exemplars: ex.length, nearest: best } };
      }
      // cos(v, c) for the centroid c = mean of unit exemplars: v·c / ‖c‖, and v·c is the mean similarity.
      let c2 = 0;
      for (const a of ex) for (const b of ex) c2 += dot(a, b);
      const norm = Math.sqrt(c2) / ex.length;
      return { score: norm === 0 ? 0 : mean / norm, details: { exemplars: ex.length, mean_similarity: mean } };
    };

    return {
      name: "dragon",
      score: async (batch) => {
        const vecs = batch.map((s) => sampleVector(s, p, raw));
        return scoreByGroup(batch, (idx, out) => {
          for (const i of idx) {
            const v = vecs[i]!;
            const ex = exemplarsFor(batch[i]!);
            if (typeof v === "string") out[i] = invalidInput(v);
            else if (typeof ex === "string") out[i] = invalidInput(ex);
            else if (p.metric !== "fd_gain_recon") {
              const r = instance(v, ex);
              out[i] = ok(r.score, r.details);
            } else {
              const others = idx.filter((j) => j !== i && typeof vecs[j] !== "string").map((j) => vecs[j] as SparseVec);
              if (others.length === 0) {
                out[i] = notApplicable("fd_gain_recon needs at least 2 completions in the group (set `group` on the samples)");
                continue;
              }
              const withIt = -frechetDistance([v, ...others], ex);
              const withoutIt = -frechetDistance(others, ex);
              const gain = withIt - withoutIt;
              out[i] = ok(gain, { set: gain > 0 ? "D+" : "D-", r_with: withIt, r_without: withoutIt, exemplars: ex.length });
            }
          }
        });
      },
    };
  },
});
