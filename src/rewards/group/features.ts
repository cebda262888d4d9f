/**
 * Text features shared by the group rewards: word or character n-grams, sparse count vectors,
 * Gram matrices. Kept independent of other reward families on purpose (see each reward's doc).
 */
import { z } from "zod";
import { completionText } from "../../core/text.ts";
import type { Outcome, Sample } from "../../core/types.ts";

export const TokenizeParam = z.enum(["words", "whitespace", "chars"]).default("words");
export type Tokenize = z.infer<typeof TokenizeParam>;

const WORD = /[\p{L}\p{M}\p{N}_]+|[^\s\p{L}\p{M}\p{N}_]/gu;

/**
 * Tokens of a text. "words": runs of letters/digits, each punctuation mark alone (so "end." and
 * "end" share a word); "whitespace": split on spaces; "chars": code points without spaces (CJK).
 */
export function tokenize(text: string, how: Tokenize, lowercase: boolean): string[] {
  const t = lowercase ? text.toLowerCase() : text;
  if (how === "whitespace") return t.split(/\s+/u).filter((x) => x.length > 0);
  if (how === "chars") return [...t].filter((c) => !/\s/u.test(c));
  return t.match(WORD) ?? [];
}

/** The n-grams of one order, joined with U+0001 (never in text). */
export function ngrams(tokens: readonly string[], n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i + n <= tokens.length; i++) out.push(n === 1 ? tokens[i]! : tokens.slice(i, i + n).join("\u0001"));
  return out;
}

export function counts(items: readonly string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const x of items) m.set(x, (m.get(x) ?? 0) + 1);
  return m;
}

/** A sparse vector: feature -> weight. */
export type SparseVec = Map<string, number>;

/** Counts of all n-grams of orders 1..maxN (orders kept apart by a prefix). */
export function ngramVector(tokens: readonly string[], maxN: number): SparseVec {
  const v: SparseVec = new Map();
  for (let n = 1; n <= maxN; n++) for (const g of ngrams(tokens, n)) v.set(`${n}:${g}`, (v.get(`${n}:${g}`) ?? 0) + 1);
  return v;
}

export function dot(a: SparseVec, b: SparseVec): number {
  const [small, big] = a.size <= b.size ? [a, b] : [b, a];
  let s = 0;
  for (const [k, x] of small) {
    const y = big.get(k);
    if (y !== undefined) s += x * y;
  }
  return s;
}

/** Scales to unit length; the zero vector stays zero. */
export function unit(v: SparseVec): SparseVec {
  let s = 0;
  for (const x of v.values()) s += x * x;
  if (s === 0) return v;
  const inv = 1 / Math.sqrt(s);
  const out: SparseVec = new Map();
  for (const [k, x] of v) out.set(k, x * inv);
  return out;
}

export function denseToSparse(xs: readonly number[]): SparseVec {
  const v: SparseVec = new Map();
  xs.forEach((x, i) => {
    if (x !== 0) v.set(String(i), x);
  });
  return v;
}

/** Cosine-similarity Gram matrix of unit vectors; a zero vector is similar only to itself. */
export function cosineGram(vs: readonly SparseVec[]): number[][] {
  const n = vs.length;
  const g = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    g[i]![i] = 1;
    for (let j = i + 1; j < n; j++) {
      const s = dot(vs[i]!, vs[j]!);
      g[i]![j] = s;
      g[j]![i] = s;
    }
  }
  return g;
}

/** Params shared by rewards that embed texts: n-gram counts, or an embedding the caller supplies. */
export const KernelParams = {
  /** "ngram": cosine of word n-gram count vectors; "embedding": cosine of `meta[embedding_field]` vectors. */
  kernel: z.enum(["ngram", "embedding"]).default("ngram"),
  /** Highest n-gram order in the count vector (orders 1..n). */
  n: z.number().int().min(1).max(8).default(2),
  tokenize: TokenizeParam,
  lowercase: z.boolean().default(true),
  /** Where an "embedding" kernel reads each sample's vector. */
  embedding_field: z.string().min(1).default("embedding"),
};

export type KernelConfig = { kernel: "ngram" | "embedding"; n: number; tokenize: Tokenize; lowercase: boolean; embedding_field: string };

/** A unit vector for a text under the n-gram kernel. */
export function textVector(text: string, cfg: KernelConfig): SparseVec {
  return unit(ngramVector(tokenize(text, cfg.tokenize, cfg.lowercase), cfg.n));
}

/**
 * The sample's vector, or a reason naming the field when it has none. N-gram vectors are always
 * unit length; an embedding is scaled to unit length unless `raw` (Fréchet distances need raw).
 */
export function sampleVector(s: Sample, cfg: KernelConfig, raw = false): SparseVec | string {
  if (cfg.kernel === "ngram") return textVector(completionText(s), cfg);
  const e = s.meta?.[cfg.embedding_field];
  if (!isVector(e)) return `meta.${cfg.embedding_field}: expected an array of finite numbers (the embedding kernel)`;
  return raw ? denseToSparse(e) : unit(denseToSparse(e));
}

/** Indices of `batch` by group: one list per group id, each ungrouped sample alone. */
export function partitionGroups(batch: readonly Sample[]): number[][] {
  const byId = new Map<string, number[]>();
  const out: number[][] = [];
  batch.forEach((s, i) => {
    if (s.group === undefined) {
      out.push([i]);
      return;
    }
    let l = byId.get(s.group);
    if (!l) {
      l = [];
      byId.set(s.group, l);
      out.push(l);
    }
    l.push(i);
  });
  return out;
}

/**
 * A group reward's score(): `scoreGroup` gets one group's indices into `batch` (see
 * partitionGroups) and sets `out[i]` for those it scores. Every group reward walks the batch this
 * way; the one loop keeps their grouping identical.
 */
export function scoreByGroup(batch: readonly Sample[], scoreGroup: (idx: number[], out: Outcome[]) => void): Outcome[] {
  const out = new Array<Outcome>(batch.length);
  for (const idx of partitionGroups(batch)) scoreGroup(idx, out);
  return out;
}

export function isVector(x: unknown): x is number[] {
  return Array.isArray(x) && x.length > 0 && x.every((v) => typeof v === "number" && Number.isFinite(v));
}
