/*
 * Similarities over embedding vectors. `cosineSimilarity` is plain cosine; `bmasRecon` is a
 * RECONSTRUCTION of Mixed-R1's Bidirectional Max-Average Similarity (arXiv 2505.24164): the
 * paper gives no equation and no code, so this follows the reference sheet
 * (shared/research/paper-formulas.md §8, tagged [RECON]) and makes no claim of paper fidelity:
 *   S_ij = cos(r_i, g_j);  BMAS = ½·[ mean_i max_j S_ij + mean_j max_i S_ij ]
 * over the response's token embeddings r_1..r_n and the ground truth's g_1..g_m.
 */

export type Vector = readonly number[];

function dot(a: Vector, b: Vector): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

const norm = (a: Vector): number => Math.sqrt(dot(a, a));

/** Cosine similarity in [-1, 1]; NaN when either vector is all zeros or the lengths differ. */
export function cosineSimilarity(a: Vector, b: Vector): number {
  if (a.length !== b.length || a.length === 0) return Number.NaN;
  const na = norm(a);
  const nb = norm(b);
  if (na === 0 || nb === 0) return Number.NaN;
  return dot(a, b) / (na * nb);
}

export type BmasResult = { bmas: number; precisionTerm: number; recallTerm: number };

/**
 * BMAS (reconstruction) between response token embeddings and ground-truth token embeddings.
 * NaN when either side is empty, a vector is all zeros, or dimensions differ.
 * @example bmasRecon([[1,0,0],[0.8,0.6,0],[0,0,1]], [[1,0,0],[0,1,0]]).bmas // 0.7 (the sheet's worked example)
 */
export function bmasRecon(response: readonly Vector[], groundTruth: readonly Vector[]): BmasResult {
  const nan = { bmas: Number.NaN, precisionTerm: Number.NaN, recallTerm: Number.NaN };
  if (response.length === 0 || groundTruth.length === 0) return nan;
  const dim = response[0]!.length;
  const unit = (v: Vector): number[] | undefined => {
    if (v.length !== dim || dim === 0) return undefined;
    const n = norm(v);
    return n === 0 ? undefined : v.map((x) => x / n);
  };
  const r = response.map(unit);
  const g = groundTruth.map(unit);
  if (r.some((v) => !v) || g.some((v) => !v)) return nan;
  const rowMax = new Array<number>(r.length).fill(-Infinity);
  const colMax = new Array<number>(g.length).fill(-Infinity);
  for (let i = 0; i < r.length; i++) {
    for (let j = 0; j < g.length; j++) {
      const s = dot(r[i]!, g[j]!);
      if (s > rowMax[i]!) rowMax[i] = s;
      if (s > colMax[j]!) colMax[j] = s;
    }
  }
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  const precisionTerm = mean(rowMax);
  const recallTerm = mean(colMax);
  return { bmas: (precisionTerm + recallTerm) / 2, precisionTerm, recallTerm };
}
