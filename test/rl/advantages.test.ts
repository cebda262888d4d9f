import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  computeAdvantages,
  drGrpoAdvantages,
  grpoAdvantages,
  reinforcePlusPlusTokenAdvantages,
  rlooAdvantages,
  whiten,
  type ScoredRow,
} from "../../src/rl/index.ts";

const close = (actual: readonly (number | null)[], expected: readonly number[], tol = 1e-4) => {
  assert.equal(actual.length, expected.length);
  actual.forEach((a, i) => assert.ok(a !== null && Math.abs(a - expected[i]!) <= tol, `index ${i}: ${a} vs ${expected[i]}`));
};

const row = (id: string, score: number | null, group?: string, extra: Partial<ScoredRow> = {}): ScoredRow => ({
  id,
  score,
  status: score === null ? "error" : "ok",
  components: {},
  ...(group === undefined ? {} : { group }),
  ...extra,
});

describe("GRPO (paper-formulas §16)", () => {
  it("rewards [1,0,0,1]: mean 0.5, unbiased std sqrt(1/3) = 0.5774 -> ±0.8660", () => {
    // Σ(r − 0.5)² = 4·0.25 = 1; unbiased var = 1/3; std = 0.57735; 0.5/0.57735 = 0.86603
    const a = grpoAdvantages([1, 0, 0, 1]);
    close(a, [0.866, -0.866, -0.866, 0.866]);
    assert.ok(Math.abs(a[0]! - 0.5 / (Math.sqrt(1 / 3) + 1e-6)) < 1e-12);
  });
  it("rewards [1,0,0,0]: unbiased std 0.5 -> [1.5, -0.5, -0.5, -0.5]", () => {
    // mean 0.25; Σ dev² = 0.5625 + 3·0.0625 = 0.75; /3 = 0.25; std 0.5
    close(grpoAdvantages([1, 0, 0, 0]), [1.5, -0.5, -0.5, -0.5]);
  });
  it("TRL's ε = 1e-4 and the population std are options", () => {
    close(grpoAdvantages([1, 0, 0, 1], { eps: 1e-4 }), [0.5 / (Math.sqrt(1 / 3) + 1e-4), -0.86588, -0.86588, 0.86588], 1e-5);
    // population std of [1,0,0,1] is 0.5 -> ±1
    close(grpoAdvantages([1, 0, 0, 1], { std: "population" }), [1, -1, -1, 1]);
  });
  it("a group of one gets mean 0 and std 1 (verl): Â = r/(1+ε), not 0", () => {
    close(grpoAdvantages([0.7]), [0.7 / (1 + 1e-6)], 1e-12);
  });
  it("an all-equal group gives zeros", () => {
    assert.deepEqual(grpoAdvantages([1, 1, 1]), [0, 0, 0]);
  });
});

describe("Dr. GRPO and RLOO (§16, §5)", () => {
  it("Dr. GRPO [1,0,0,0] -> r − 0.25", () => {
    close(drGrpoAdvantages([1, 0, 0, 0]), [0.75, -0.25, -0.25, -0.25], 1e-12);
  });
  it("RLOO [1,0,0,0] -> [1, −1/3, −1/3, −1/3]", () => {
    // A_1 = 1 − mean(0,0,0) = 1; A_2 = 0 − mean(1,0,0) = −1/3
    close(rlooAdvantages([1, 0, 0, 0]), [1, -1 / 3, -1 / 3, -1 / 3], 1e-12);
  });
  it("RLOO on the log-prob rewards of §5 -> [0.6116, −1.3594, 0.9072, −0.1594]", () => {
    // mean = (−1.0217 − 2.5 − 0.8 − 1.6)/4 = −1.480425; A_i = 4/3·(R_i − mean)
    close(rlooAdvantages([-1.0217, -2.5, -0.8, -1.6]), [0.6116, -1.3594, 0.9072, -0.1594]);
  });
  it("RLOO of a group of one keeps r", () => {
    assert.deepEqual(rlooAdvantages([2]), [2]);
  });
});

describe("REINFORCE++ (§16)", () => {
  it("token-level: KL [0.1,0,0.2,0.1], β 0.05, r = 1 at EOS -> [−0.9933, −0.1987, −0.1987, 1.3906]", () => {
    // r_t = [−0.005, 0, −0.01, 1 − 0.005] ; returns (γ=1) = [0.98, 0.985, 0.985, 0.995]
    // mean 0.98625; unbiased var = (0.00625² + 2·0.00125² + 0.00875²)/3 = 3.9583e-5
    const [a] = reinforcePlusPlusTokenAdvantages([{ score: 1, kl: [0.1, 0, 0.2, 0.1] }], { beta: 0.05 });
    close(a!, [-0.9933, -0.1987, -0.1987, 1.3906]);
  });
  it("whiten uses the unbiased variance and 1e-8 inside the root", () => {
    // [1,2,3]: mean 2, unbiased var 1 -> [−1, 0, 1]/sqrt(1 + 1e-8)
    close(whiten([1, 2, 3]), [-1, 0, 1], 1e-7);
    // weights count observations: [0 ×1, 1 ×3] = tokens [0,1,1,1]: mean 0.75, var (0.5625+3·0.0625)/3 = 0.25
    close(whiten([0, 1], [1, 3]), [-1.5, 0.5], 1e-6);
  });
  it("baseline variant subtracts the group mean first", () => {
    // groups a: [1, 0] -> [0.5, −0.5]; b: [1, 1] -> [0, 0]; c (alone): [0.4] keeps 0.4
    // whiten [0.5, −0.5, 0, 0, 0.4]: mean 0.08; devs [0.42, −0.58, −0.08, −0.08, 0.32]
    // Σdev² = 0.1764 + 0.3364 + 0.0064 + 0.0064 + 0.1024 = 0.628; /4 = 0.157; sqrt = 0.39623
    const seqs = [1, 0, 1, 1, 0.4].map((score) => ({ score }));
    const out = reinforcePlusPlusTokenAdvantages(seqs, { groups: ["a", "a", "b", "b", "c"] });
    const s = Math.sqrt(0.157 + 1e-8);
    close(out.map((x) => x[0]!), [0.42 / s, -0.58 / s, -0.08 / s, -0.08 / s, 0.32 / s], 1e-9);
  });
});

describe("computeAdvantages over scored rows", () => {
  const rows = [row("a1", 1, "p1"), row("a2", 0, "p1"), row("a3", 0, "p1"), row("a4", 0, "p1"), row("b1", 1, "p2"), row("b2", 0, "p2")];

  it("grpo per group, in input order", () => {
    const { rows: out, groups } = computeAdvantages(rows, { method: "grpo" });
    // p2: [1,0] mean 0.5, unbiased std sqrt(0.5) = 0.7071 -> ±0.7071
    close(out.map((r) => r.advantage), [1.5, -0.5, -0.5, -0.5, 0.7071, -0.7071]);
    assert.deepEqual(out.map((r) => r.group), ["p1", "p1", "p1", "p1", "p2", "p2"]);
    assert.deepEqual(groups.map((g) => [g.group, g.size, g.valid, g.informative]), [["p1", 4, 4, true], ["p2", 2, 2, true]]);
  });
  it("drgrpo and rloo", () => {
    close(computeAdvantages(rows, { method: "drgrpo" }).rows.map((r) => r.advantage), [0.75, -0.25, -0.25, -0.25, 0.5, -0.5]);
    close(computeAdvantages(rows, { method: "rloo" }).rows.map((r) => r.advantage), [1, -1 / 3, -1 / 3, -1 / 3, 1, -1]);
  });
  it("a null reward is excluded from the statistics and gets a null advantage", () => {
    const withNull = [row("a1", 1, "p"), row("a2", null, "p"), row("a3", 0, "p"), row("a4", 0, "p")];
    const { rows: out } = computeAdvantages(withNull, { method: "grpo" });
    // valid [1,0,0]: mean 1/3; unbiased var = (4/9 + 2/9)/2 = 1/3; std 0.57735
    close([out[0]!.advantage, out[2]!.advantage], [(2 / 3) / Math.sqrt(1 / 3), (-1 / 3) / Math.sqrt(1 / 3)]);
    assert.equal(out[1]!.advantage, null);
    assert.equal(out[1]!.reason, "score: status error");
    // "zero" counts it as 0: [1,0,0,0]
    close(computeAdvantages(withNull, { method: "grpo", nullRewards: "zero" }).rows.map((r) => r.advantage), [1.5, -0.5, -0.5, -0.5]);
  });
  it("groups by prompt when there is no group field; a row with neither is reported", () => {
    const byPrompt = [row("x", 1, undefined, { prompt: "q" }), row("y", 0, undefined, { prompt: "q" }), row("z", 1)];
    const { rows: out } = computeAdvantages(byPrompt, { method: "drgrpo" });
    close([out[0]!.advantage, out[1]!.advantage], [0.5, -0.5]);
    assert.equal(out[2]!.advantage, null);
    assert.match(out[2]!.reason!, /no group: none of group or prompt/);
  });
  it("reads a component instead of the total", () => {
    const r = [
      { ...row("a", 0.2, "g"), components: { correct: { score: 1, status: "ok" } } },
      { ...row("b", 0.9, "g"), components: { correct: { score: 0, status: "ok" } } },
    ];
    close(computeAdvantages(r, { method: "drgrpo", reward: "correct" }).rows.map((x) => x.advantage), [0.5, -0.5]);
  });
  it("TRL batch scaling: group mean, batch std", () => {
    // batch [1,0,0,0,1,0]: mean 1/3, Σdev² = 2·4/9 + 4·1/9 = 12/9; /5 = 0.26667; std 0.5164
    const s = Math.sqrt(12 / 9 / 5) + 1e-4;
    close(
      computeAdvantages(rows, { method: "grpo", variant: "trl", scaleRewards: "batch" }).rows.map((r) => r.advantage),
      [0.75 / s, -0.25 / s, -0.25 / s, -0.25 / s, 0.5 / s, -0.5 / s],
      1e-9,
    );
  });
  it("reinforcepp whitens over the batch, weighting by token count when given", () => {
    const r = [row("a", 1, undefined, { n: 3 }), row("b", 0, undefined, { n: 1 })];
    // unweighted: [1,0] mean 0.5, unbiased var 0.5 -> ±0.7071
    close(computeAdvantages(r, { method: "reinforcepp" }).rows.map((x) => x.advantage), [0.7071, -0.7071]);
    // tokens [1,1,1,0]: mean 0.75, unbiased var 0.25 -> [0.5, −1.5]
    close(computeAdvantages(r, { method: "reinforcepp", lengthKey: "n" }).rows.map((x) => x.advantage), [0.5, -1.5], 1e-6);
  });
  it("reinforcepp_baseline matches the array form", () => {
    const r = [row("1", 1, "a"), row("2", 0, "a"), row("3", 1, "b"), row("4", 1, "b"), row("5", 0.4, "c")];
    const s = Math.sqrt(0.157 + 1e-8);
    close(computeAdvantages(r, { method: "reinforcepp_baseline" }).rows.map((x) => x.advantage), [0.42 / s, -0.58 / s, -0.08 / s, -0.08 / s, 0.32 / s], 1e-9);
  });
  it("rejects an unknown method naming the field", () => {
    assert.throws(() => computeAdvantages(rows, { method: "ppo" as never }), /method: expected one of grpo/);
  });
});
