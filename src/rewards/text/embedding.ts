import { z } from "zod";
import { errorOutcome, invalidInput, ok } from "../../core/outcome.ts";
import { defineRewardType } from "../../core/reward-type.ts";
import type { Outcome, Sample } from "../../core/types.ts";
import { bmasRecon, cosineSimilarity } from "./metrics/embedding.ts";

/*
 * Embedding rewards. Until the model backends exist the vectors come precomputed with each
 * sample, in `sample.meta[meta_key]` (default `meta.embeddings`):
 *   embedding_cosine: { completion: number[],   reference: number[]   | number[][]   }
 *   bmas:             { completion: number[][], reference: number[][] | number[][][] }
 * (bmas takes one vector per token; a list on the reference side means several references,
 * the best one counts). A sample without them is `status: error` — there is no embedding
 * source to fall back on — and malformed vectors are `invalid_input` naming the field.
 */

const Params = z.strictObject({
  /** Where the vectors come from; only precomputed vectors in sample.meta exist so far. */
  source: z.enum(["precomputed"]).default("precomputed"),
  /** The key of sample.meta holding { completion, reference }. */
  meta_key: z.string().min(1).default("embeddings"),
  /** Similarities lie in [-1, 1]: "clip" scores max(0, s), "shift" scores (1 + s) / 2. The raw value is in details. */
  scale: z.enum(["clip", "shift"]).default("clip"),
});

type Params = z.output<typeof Params>;

const isVector = (v: unknown): v is number[] => Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === "number" && Number.isFinite(x));
const isMatrix = (v: unknown): v is number[][] => Array.isArray(v) && v.length > 0 && v.every(isVector);

const toScore = (s: number, scale: Params["scale"]): number => (scale === "shift" ? (1 + s) / 2 : Math.max(0, s));

/** The stored vectors, or the outcome that explains why there are none. */
function readEmbeddings(s: Sample, key: string): { completion: unknown; reference: unknown } | Outcome {
  const e = s.meta?.[key];
  if (e === undefined) {
    return errorOutcome(`no embedding source: sample.meta.${key} is missing and no embedding backend is configured (model backends are not available yet; pass precomputed vectors as meta.${key} = { completion, reference })`);
  }
  if (typeof e !== "object" || e === null || Array.isArray(e)) return invalidInput(`meta.${key}: expected an object { completion, reference }`);
  return e as { completion: unknown; reference: unknown };
}

const isOutcome = (x: object): x is Outcome => "status" in x;

function sameDim(vectors: readonly number[][], dim: number): boolean {
  return vectors.every((v) => v.length === dim);
}

/**
 * Cosine similarity of precomputed completion and reference embeddings (best reference).
 * @example
 * rewards: { cos: { type: embedding_cosine } }   # meta.embeddings: { completion: [..], reference: [..] }
 */
export const embeddingCosine = defineRewardType({
  type: "embedding_cosine",
  summary: "cosine similarity of completion and reference embeddings (precomputed in meta.embeddings until backends exist)",
  params: Params,
  runs: "worker",
  uses: ["completion", "reference", "meta"],
  describe: (p) => `embedding cosine (${p.source}, ${p.scale})`,
  create(p) {
    const key = p.meta_key;
    const one = (s: Sample): Outcome => {
      const e = readEmbeddings(s, key);
      if (isOutcome(e)) return e;
      if (!isVector(e.completion)) return invalidInput(`meta.${key}.completion: expected a non-empty array of finite numbers`);
      const refs = isVector(e.reference) ? [e.reference] : isMatrix(e.reference) ? e.reference : undefined;
      if (!refs) return invalidInput(`meta.${key}.reference: expected a vector or a list of vectors of finite numbers`);
      const dim = e.completion.length;
      if (!sameDim(refs, dim)) return invalidInput(`meta.${key}.reference: every vector must have the completion's dimension ${dim}`);
      let best = -Infinity;
      let bestIdx = -1;
      for (let i = 0; i < refs.length; i++) {
        const c = cosineSimilarity(e.completion, refs[i]!);
        if (Number.isNaN(c)) return invalidInput(`meta.${key}: a zero vector has no direction (cosine undefined)`);
        if (c > best) {
          best = c;
          bestIdx = i;
        }
      }
      return ok(toScore(best, p.scale), { cosine: best, best_reference: bestIdx, source: p.source });
    };
    return { name: "embedding_cosine", score: async (batch) => batch.map(one) };
  },
});

/**
 * Mixed-R1's Bidirectional Max-Average Similarity over token embeddings — a RECONSTRUCTION
 * (the paper publishes no equation or code; see metrics/embedding.ts).
 * @example
 * rewards: { bmas: { type: bmas } }   # meta.embeddings: { completion: [[..],..], reference: [[..],..] }
 */
export const bmas = defineRewardType({
  type: "bmas",
  summary: "Mixed-R1 BMAS (reconstruction) over precomputed token embeddings in meta.embeddings",
  params: Params,
  runs: "worker",
  uses: ["completion", "reference", "meta"],
  describe: (p) => `BMAS reconstruction (${p.source}, ${p.scale})`,
  create(p) {
    const key = p.meta_key;
    const one = (s: Sample): Outcome => {
      const e = readEmbeddings(s, key);
      if (isOutcome(e)) return e;
      if (!isMatrix(e.completion)) return invalidInput(`meta.${key}.completion: expected a non-empty list of token vectors`);
      const ref = e.reference;
      const refs = isMatrix(ref) ? [ref] : Array.isArray(ref) && ref.length > 0 && ref.every(isMatrix) ? (ref as number[][][]) : undefined;
      if (!refs) return invalidInput(`meta.${key}.reference: expected a list of token vectors (or a list of such lists)`);
      const dim = e.completion[0]!.length;
      if (!sameDim(e.completion, dim) || !refs.every((r) => sameDim(r, dim))) return invalidInput(`meta.${key}: every token vector must have dimension ${dim}`);
      let best: ReturnType<typeof bmasRecon> | undefined;
      let bestIdx = -1;
      for (let i = 0; i < refs.length; i++) {
        const r = bmasRecon(e.completion, refs[i]!);
        if (Number.isNaN(r.bmas)) return invalidInput(`meta.${key}: a zero token vector has no direction (cosine undefined)`);
        if (!best || r.bmas > best.bmas) {
          best = r;
          bestIdx = i;
        }
      }
      return ok(toScore(best!.bmas, p.scale), {
        bmas: best!.bmas,
        precision_term: best!.precisionTerm,
        recall_term: best!.recallTerm,
        best_reference: bestIdx,
        formula: "bmas_recon",
        source: p.source,
      });
    };
    return { name: "bmas", score: async (batch) => batch.map(one) };
  },
});
