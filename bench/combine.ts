/**
 * Cost of the combination stage: a 5-reward rule spec with normalization and adaptive weighting
 * against a plain weighted sum, per 1k samples, next to the rule rewards' own cost.
 *   npm run bench -- combine [--samples N] [--batch N] [--reps N]
 * Samples: GSM8K test solutions (vendored fixture) in GRPO groups of 8, every 4th answer wrong,
 * every 5th without tags. The five rule rewards (gsm8k, format_tags, length_penalty,
 * repetition_penalty, regex) are timed in-process, one call per batch, so their cost has no
 * worker or IPC overhead in it (the strictest denominator). The combiner is timed on their real
 * outcomes, with its state persisted in a SQLite run store after every batch as a server would.
 * Prints JSON lines; exits 1 when the overhead is 5% of the rewards' cost or more.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createCombiner } from "../src/combine/combiner.ts";
import { MemoryState, type StateStore } from "../src/core/state.ts";
import type { Outcome, Sample } from "../src/core/types.ts";
import { registry } from "../src/rewards/index.ts";
import { compileSpec } from "../src/spec/compile.ts";
import { RunStore } from "../src/store/run-store.ts";

const repo = fileURLToPath(new URL("..", import.meta.url));
const arg = (name: string, d: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : d;
};
const N = arg("--samples", 4096);
const BATCH = arg("--batch", 256);
const REPS = arg("--reps", 15);

const gsm = readFileSync(join(repo, "test/fixtures/gsm8k/test.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as { question: string; answer: string });
const samples: Sample[] = Array.from({ length: N }, (_, i) => {
  const g = gsm[Math.floor(i / 8) % gsm.length]!;
  let sol = g.answer;
  if (i % 4 === 3) sol = sol.replace(/####\s*(.*)$/, (_m, n: string) => `#### ${Number(n.replace(/,/g, "")) + 1}`);
  const completion = i % 5 === 4 ? sol : `<think>${sol.split("####")[0]}</think><answer>${sol}</answer>`;
  return { id: `s${i}`, prompt: g.question, completion, reference: g.answer, group: `q${Math.floor(i / 8)}` };
});

const rewards = {
  correct: { type: "gsm8k", weight: 2 },
  format: { type: "format_tags", tags: ["think", "answer"] },
  length: { type: "length_penalty", mode: "linear", unit: "words", target: 120, max: 400 },
  repeat: { type: "repetition_penalty", ngram_size: 3 },
  steps: { type: "regex", pattern: "<<[^>]*>>" },
};
const plainSpec = compileSpec({ rewards }, { registry });
const fullSpec = compileSpec(
  {
    rewards: {
      correct: { ...rewards.correct, normalize: { type: "zscore", scope: "group" } },
      format: { ...rewards.format, normalize: { type: "reference_frozen_recon", calibration_samples: 512 } },
      length: { ...rewards.length, transform: [{ type: "clip", min: -1, max: 0 }], normalize: { type: "running", decay: 0.999 } },
      repeat: { ...rewards.repeat, normalize: { type: "running", mode: "cumulative" } },
      steps: { ...rewards.steps, normalize: { type: "rank", scope: "group" } },
    },
    combine: { weighting: { type: "tri_factor_recon", decay: 0.9 } },
  },
  { registry },
);

const batches: Sample[][] = [];
for (let i = 0; i < N; i += BATCH) batches.push(samples.slice(i, i + BATCH));

// The rule rewards' own cost, and their outcomes for the combiner.
const built = await Promise.all(
  plainSpec.rewards.map(async (node) => ({ node, reward: await registry.get(node.type)!.create(node.params as never, { name: node.name, baseDir: repo }) })),
);
const ctx = { signal: new AbortController().signal, deadline: Date.now() + 3_600_000, group: (s: Sample) => [s] };
const components: Record<string, Outcome>[][] = batches.map((b) => b.map(() => ({})));
const rewardMs: number[] = [];
for (let rep = 0; rep < Math.max(3, Math.ceil(REPS / 3)); rep++) {
  const t0 = performance.now();
  for (let b = 0; b < batches.length; b++) {
    for (const { node, reward } of built) {
      const outs = await reward.score(batches[b]!, ctx);
      if (rep === 0) outs.forEach((o, k) => (components[b]![k]![node.name] = o));
    }
  }
  rewardMs.push(performance.now() - t0);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const per1k = (ms: number) => (ms * 1000) / N;

function runOnce(spec: typeof plainSpec, state: StateStore): number {
  const c = createCombiner(spec, { state });
  const t0 = performance.now();
  for (let b = 0; b < batches.length; b++) c.combine(batches[b]!, components[b]!);
  return performance.now() - t0;
}

const dir = mkdtempSync(join(tmpdir(), "rs-bench-combine-"));
const stores: RunStore[] = [];
const freshStore = () => {
  const s = new RunStore(join(dir, `state-${stores.length}.sqlite`));
  stores.push(s);
  return s;
};
// Warm up every path, then interleave the variants rep by rep so machine load hits them alike.
for (let w = 0; w < 5; w++) {
  runOnce(plainSpec, new MemoryState());
  runOnce(fullSpec, new MemoryState());
}
const plain: number[] = [];
const full: number[] = [];
const fullMemory: number[] = [];
for (let rep = 0; rep < REPS * 3; rep++) {
  plain.push(runOnce(plainSpec, new MemoryState()));
  full.push(runOnce(fullSpec, freshStore()));
  fullMemory.push(runOnce(fullSpec, new MemoryState()));
}
for (const s of stores) s.close();
rmSync(dir, { recursive: true, force: true });

const rules = per1k(median(rewardMs));
const plainMs = per1k(median(plain));
const fullMs = per1k(median(full));
const fullMemMs = per1k(median(fullMemory));
const overhead = fullMs - plainMs;
const fraction = overhead / rules;
const base = { bench: "combine", samples: N, batch: BATCH, groups_of: 8 };
console.log(JSON.stringify({ ...base, figure: "rule_rewards_ms_per_1k", rewards: plainSpec.rewards.map((r) => r.type), value: +rules.toFixed(3) }));
console.log(JSON.stringify({ ...base, figure: "combine_plain_sum_ms_per_1k", value: +plainMs.toFixed(4) }));
console.log(JSON.stringify({ ...base, figure: "combine_normalized_adaptive_ms_per_1k", state: "sqlite run store, written per batch", value: +fullMs.toFixed(4) }));
console.log(JSON.stringify({ ...base, figure: "combine_normalized_adaptive_ms_per_1k", state: "memory", value: +fullMemMs.toFixed(4) }));
console.log(JSON.stringify({ ...base, figure: "overhead_ms_per_1k", value: +overhead.toFixed(4), fraction_of_rule_rewards: +fraction.toFixed(4), goal: "< 0.05", pass: fraction < 0.05 }));
process.exit(fraction < 0.05 ? 0 : 1);
