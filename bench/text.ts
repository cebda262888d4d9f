/**
 * Throughput of the text-similarity metrics on 10,000 (hypothesis, reference) pairs of SQuAD
 * sentences: sentences of ../shared/data/squad-retrieval/corpus.jsonl, each paired with a
 * deterministic perturbation of itself (dropped, swapped, re-cased and inflected words) and, for
 * one pair in five, two extra references. Two figures per metric:
 *   - "function": the pure metric function, one thread, pairs/s;
 *   - "reward":   the reward type end to end through compile() (worker threads, outcomes), pairs/s.
 * Prints one JSON object per line; exits 1 when a figure misses its bar, 2 when the data is missing.
 * Usage: npm run bench -- text [--pairs 10000] [--min-function-rate 1000] [--min-reward-rate 300]
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Sample } from "../src/core/types.ts";
import { compile } from "../src/index.ts";
import * as M from "../src/rewards/text/metrics/index.ts";

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : dflt;
};
const N = Number(arg("pairs", "10000"));
const MIN_FUNCTION = Number(arg("min-function-rate", "1000"));
const MIN_REWARD = Number(arg("min-reward-rate", "300"));
const corpusPath = fileURLToPath(new URL("../../shared/data/squad-retrieval/corpus.jsonl", import.meta.url));
if (!existsSync(corpusPath)) {
  console.log(JSON.stringify({ bench: "text", error: `missing ${corpusPath}` }));
  process.exit(2);
}

// deterministic pairs: mulberry32
let seed = 20261126;
const rand = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
const sentences = readFileSync(corpusPath, "utf8")
  .split("\n")
  .filter(Boolean)
  .flatMap((l) => (JSON.parse(l) as { text: string }).text.split(/(?<=[.!?])\s+/))
  .filter((s) => s.split(" ").length >= 4);
function perturb(s: string): string {
  const w = s.split(" ");
  for (let k = Math.floor(rand() * 6); k > 0 && w.length > 1; k--) {
    const i = Math.floor(rand() * w.length);
    const r = rand();
    if (r < 0.3) w.splice(i, 1);
    else if (r < 0.5) {
      const j = Math.floor(rand() * w.length);
      [w[i], w[j]] = [w[j]!, w[i]!];
    } else if (r < 0.7) w[i] = w[i]!.toUpperCase();
    else w[i] = w[i]! + pick(["s", "ed", "ing", ","]);
  }
  return w.join(" ");
}
const pairs = Array.from({ length: N }, () => {
  const s = pick(sentences);
  const refs = rand() < 0.2 ? [s, perturb(s), pick(sentences)] : [s];
  return { hyp: perturb(s), refs };
});
const words = pairs.map((p) => ({ hyp: M.pySplit(p.hyp), refs: p.refs.map(M.pySplit) }));

let failed = false;
const print = (o: Record<string, unknown>) => console.log(JSON.stringify(o));
const machine = { cores: (await import("node:os")).availableParallelism(), node: process.version };

const wordnet = M.loadWordNet();
const fns: Record<string, (i: number) => number> = {
  bleu: (i) => M.sentenceBleu(pairs[i]!.hyp, pairs[i]!.refs)!.score,
  bleu_nltk: (i) => M.nltkSentenceBleu(words[i]!.refs, words[i]!.hyp).score,
  chrf: (i) => M.sentenceChrf(pairs[i]!.hyp, pairs[i]!.refs)!.score,
  chrf_pp: (i) => M.sentenceChrf(pairs[i]!.hyp, pairs[i]!.refs, { wordOrder: 2 })!.score,
  rouge1: (i) => M.rougeMulti(pairs[i]!.refs, pairs[i]!.hyp, "rouge1").fmeasure,
  rougeL_stem: (i) => M.rougeMulti(pairs[i]!.refs, pairs[i]!.hyp, "rougeL", { useStemmer: true }).fmeasure,
  rougeLsum: (i) => M.rougeMulti(pairs[i]!.refs, pairs[i]!.hyp, "rougeLsum").fmeasure,
  gleu: (i) => M.sentenceGleu(words[i]!.refs, words[i]!.hyp).score,
  meteor: (i) => M.meteorScore(words[i]!.refs, words[i]!.hyp, { wordnet }).score,
  token_f1: (i) => M.maxOverGroundTruths(M.squadF1, pairs[i]!.hyp, pairs[i]!.refs).score,
  squad_em: (i) => M.maxOverGroundTruths(M.squadExactMatch, pairs[i]!.hyp, pairs[i]!.refs).score,
  fuzzy: (i) => Math.max(...pairs[i]!.refs.map((r) => M.fuzzRatio(pairs[i]!.hyp, r))),
  edit_distance: (i) => Math.max(...pairs[i]!.refs.map((r) => M.levenshteinSimilarity(pairs[i]!.hyp, r).similarity)),
};
for (const [name, f] of Object.entries(fns)) {
  for (let i = 0; i < Math.min(200, N); i++) f(i); // warm-up
  const t = performance.now();
  let sum = 0;
  for (let i = 0; i < N; i++) sum += f(i);
  const ms = performance.now() - t;
  const rate = Math.round((N / ms) * 1000);
  print({ bench: "text", mode: "function", metric: name, pairs: N, ms: Math.round(ms), pairs_per_s: rate, mean: Number((sum / N).toFixed(6)), ...machine });
  if (rate < MIN_FUNCTION) failed = true;
}

const specs: Record<string, Record<string, unknown>> = {
  bleu: { type: "bleu" },
  chrf: { type: "chrf" },
  rouge: { type: "rouge" },
  gleu: { type: "gleu" },
  meteor: { type: "meteor" },
  token_f1: { type: "token_f1" },
  squad_em: { type: "squad_em" },
  fuzzy: { type: "fuzzy" },
  edit_distance: { type: "edit_distance" },
};
const samples: Sample[] = pairs.map((p, i) => ({ id: String(i), prompt: "", completion: p.hyp, reference: p.refs.length === 1 ? p.refs[0] : p.refs }));
for (const [name, spec] of Object.entries(specs)) {
  const pipeline = await compile({ rewards: { [name]: { ...spec, deadline_ms: 120_000 } } } as Parameters<typeof compile>[0]);
  try {
    await pipeline.score(samples.slice(0, 50)); // starts the workers (and loads WordNet for meteor)
    const t = performance.now();
    const res = await pipeline.score(samples);
    const ms = performance.now() - t;
    const ok = res.filter((r) => r.components[name]!.status === "ok").length;
    const rate = Math.round((N / ms) * 1000);
    print({ bench: "text", mode: "reward", metric: name, pairs: N, ok, ms: Math.round(ms), pairs_per_s: rate, ...machine });
    if (ok !== N || rate < MIN_REWARD) failed = true;
  } finally {
    await pipeline.close();
  }
}
process.exit(failed ? 1 : 0);
