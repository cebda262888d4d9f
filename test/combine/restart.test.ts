import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import type { Outcome, Sample } from "../../src/core/types.ts";
import { RunStore } from "../../src/store/run-store.ts";
import { cliFromSource } from "./cli-source.ts";
import { combinerOf, okO, sample, scores } from "./helpers.ts";

const dir = mkdtempSync(join(tmpdir(), "rs-combine-restart-"));
after(() => rmSync(dir, { recursive: true, force: true }));

// Running statistics, a calibrating frozen reference and smoothed adaptive weights: all stateful.
const spec = {
  rewards: {
    a: { type: "gsm8k", normalize: { type: "running", decay: 0.9 } },
    b: { type: "gsm8k", weight: 2, normalize: { type: "reference_frozen_recon", calibration_samples: 5 } },
    c: { type: "gsm8k" },
  },
  combine: { weighting: { type: "tri_factor_recon", decay: 0.5 } },
};

function batch(seed: number, n: number): { samples: Sample[]; comps: Record<string, Outcome>[] } {
  const samples = Array.from({ length: n }, (_, i) => sample(`s${seed}-${i}`));
  // Deterministic, uncorrelated-ish values.
  const comps = samples.map((_, i) => ({ a: okO(Math.sin(seed * 7 + i)), b: okO(Math.cos(seed * 3 + 2 * i)), c: okO(((seed + i) % 3) / 2) }));
  return { samples, comps };
}

describe("combination state survives a restart", () => {
  it("combiner: running statistics, frozen reference and adaptive weights continue from the run store", () => {
    const batches = [batch(1, 4), batch(2, 3), batch(3, 5)];
    // Uninterrupted, in memory.
    const whole = combinerOf(spec);
    const expected = batches.map((b) => whole.combine(b.samples, b.comps));

    // Two batches, "crash" (close the store), reopen, third batch.
    const path = join(dir, "combine.sqlite");
    let store = new RunStore(path);
    const first = combinerOf(spec, { state: store });
    assert.deepEqual(first.combine(batches[0]!.samples, batches[0]!.comps), expected[0]);
    assert.deepEqual(first.combine(batches[1]!.samples, batches[1]!.comps), expected[1]);
    store.close();
    store = new RunStore(path);
    const second = combinerOf(spec, { state: store });
    assert.deepEqual(second.snapshot(), first.snapshot(), "the restarted combiner loaded the stored state");
    assert.deepEqual(second.combine(batches[2]!.samples, batches[2]!.comps), expected[2]);
    assert.deepEqual(second.snapshot(), whole.snapshot());
    const saved = store.getState<{ batches: number; weights: Record<string, number> }>(second.stateKey)!;
    assert.equal(saved.batches, 3);
    assert.deepEqual(Object.keys(saved.weights), ["a", "b", "c"]);
    store.close();

    // Without the state the third batch would have scored differently.
    const fresh = combinerOf(spec).combine(batches[2]!.samples, batches[2]!.comps);
    assert.notDeepEqual(scores(fresh), scores(expected[2]!));
  });

  it("state_key pins the state across spec edits; the default key follows the spec's hash", () => {
    const pinned = { ...spec, combine: { ...spec.combine, state_key: "exp-1" } };
    assert.equal(combinerOf(pinned).stateKey, "combine:exp-1");
    const edited = { ...pinned, rewards: { ...pinned.rewards, c: { type: "gsm8k", weight: 3 } } };
    assert.equal(combinerOf(edited).stateKey, "combine:exp-1");
    assert.notEqual(combinerOf(spec).stateKey, combinerOf({ ...spec, rewards: { ...spec.rewards, c: { type: "gsm8k", weight: 3 } } }).stateKey);
  });

  it("CLI: a second `score --store` run continues the first run's state", () => {
    const specPath = join(dir, "spec.json");
    const cliSpec = {
      rewards: {
        correct: { type: "gsm8k", normalize: { type: "running", decay: 0.5 } },
        em: { type: "exact_match", normalize: { type: "running", mode: "cumulative" } },
      },
      combine: { weighting: { type: "tri_factor_recon", decay: 0.5 } },
    };
    writeFileSync(specPath, JSON.stringify(cliSpec));
    const rows = (q: string, answers: string[]) =>
      answers.map((a, i) => JSON.stringify({ id: `${q}${i}`, group: q, prompt: "p", completion: `#### ${a}`, reference: "42" })).join("\n") + "\n";
    writeFileSync(join(dir, "in1.jsonl"), rows("q1", ["42", "41", "42", "7"]));
    writeFileSync(join(dir, "in2.jsonl"), rows("q2", ["1", "42", "#### 42", "42"]));
    const db = join(dir, "cli.sqlite");
    for (const k of [1, 2]) {
      const r = cliFromSource(["score", join(dir, `in${k}.jsonl`), "-s", specPath, "-o", join(dir, `out${k}.jsonl`), "--store", db, "-q", "--workers", "1"]);
      assert.equal(r.code, 0, r.stderr);
    }
    const read = (k: number) => readFileSync(join(dir, `out${k}.jsonl`), "utf8").trim().split("\n").map((l) => JSON.parse(l) as { score: number; group: string; components: Record<string, Outcome> });
    const [out1, out2] = [read(1), read(2)];
    // Replaying both runs' components through one in-memory combiner gives the second run's totals.
    const replay = combinerOf(cliSpec);
    const asBatch = (out: typeof out1) => [out.map((r, i) => sample(String(i), { group: r.group })), out.map((r) => r.components)] as const;
    assert.deepEqual(scores(replay.combine(...asBatch(out1))), out1.map((r) => r.score));
    assert.deepEqual(scores(replay.combine(...asBatch(out2))), out2.map((r) => r.score));
    const store = new RunStore(db);
    try {
      assert.deepEqual(store.getState(replay.stateKey), replay.snapshot());
    } finally {
      store.close();
    }
    // And a run without the store's state would not: the first rows of run 2 alone normalize differently.
    assert.notDeepEqual(scores(combinerOf(cliSpec).combine(...asBatch(out2))), out2.map((r) => r.score));
  });
});
