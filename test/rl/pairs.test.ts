import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { dpoLoss, drsBeta, drsBetaCode, minePairs, negLogSigmoid, type ScoredRow } from "../../src/rl/index.ts";

const near = (a: number | undefined, b: number, tol = 1e-4) => assert.ok(a !== undefined && Math.abs(a - b) <= tol, `${a} vs ${b}`);

const row = (id: string, score: number | null, group: string, correct?: number): ScoredRow => ({
  id,
  score,
  status: score === null ? "error" : "ok",
  group,
  components: correct === undefined ? {} : { verify: { score: correct, status: "ok" } },
});

describe("MM-RLHF Dynamic Reward Scaling (paper-formulas §4)", () => {
  it("β(δ) = 0.1·(1 + 0.5·(1 − e^(−0.5δ))): 0.1, 0.1111, 0.1316, 0.1497", () => {
    near(drsBeta(0), 0.1, 1e-12);
    // δ 0.5: 1 − e^(−0.25) = 0.2212 -> 0.1·1.1106 = 0.11106
    near(drsBeta(0.5), 0.1111);
    // δ 2: 1 − e^(−1) = 0.6321 -> 0.1·1.31606 = 0.13161
    near(drsBeta(2), 0.1316);
    near(drsBeta(10), 0.1497);
  });
  it("DPO loss of the δ = 2 pair: −logσ(0.1316·2) = 0.5702 (plain β 0.1: 0.5981)", () => {
    // h = (−10 + 11) − (−14 + 13) = 2
    const logp = { chosen: -10, rejected: -14 };
    const ref = { chosen: -11, rejected: -13 };
    near(dpoLoss(drsBeta(2), logp, ref), 0.5702);
    near(dpoLoss(0.1, logp, ref), 0.5981);
  });
  it("critique-RM BT loss −logσ(1.7) = 0.1678; stable for large |x|", () => {
    near(negLogSigmoid(1.7), 0.1678);
    near(negLogSigmoid(-800), 800, 1e-9);
    assert.equal(negLogSigmoid(800), 0);
  });
  it("the released code's form: β·(1 + 0.1·ls), floored at 1e-3", () => {
    near(drsBetaCode(1), 0.11, 1e-12);
    near(drsBetaCode(-100), 1e-3, 1e-12);
  });
});

describe("minePairs", () => {
  const rows = [row("a", 0.2, "g"), row("b", 0.9, "g"), row("c", 0.2, "g"), row("d", 0.5, "g"), row("e", 1, "h"), row("f", 1, "h")];

  it("best_worst: highest vs lowest (first on ties), with DRS β", () => {
    const { pairs, skipped } = minePairs(rows, { strategy: "best_worst" });
    assert.equal(pairs.length, 1);
    const p = pairs[0]!;
    assert.deepEqual([p.chosen, p.rejected, p.chosenIndex, p.rejectedIndex], ["b", "a", 1, 0]);
    near(p.margin, 0.7, 1e-12);
    // β(0.7) = 0.1·(1 + 0.5·(1 − e^(−0.35))) = 0.1·(1 + 0.5·0.29531) = 0.114765
    near(p.beta, 0.114765, 1e-6);
    near(p.weight, 1.14765, 1e-5);
    assert.deepEqual(skipped, [{ group: "h", reason: "all rewards tied" }]);
  });
  it("margin: every ordered pair whose gap reaches the margin", () => {
    const { pairs } = minePairs(rows, { strategy: "margin", margin: 0.3, weighting: "none" });
    // gaps: b−a 0.7, b−c 0.7, b−d 0.4, d−a 0.3, d−c 0.3 (a−c 0 never)
    assert.deepEqual(
      pairs.map((p) => `${p.chosen}>${p.rejected}`),
      ["b>a", "b>c", "b>d", "d>a", "d>c"],
    );
    assert.equal(pairs[0]!.beta, undefined);
    const top2 = minePairs(rows, { strategy: "margin", margin: 0.3, maxPairsPerGroup: 2 }).pairs;
    assert.deepEqual(top2.map((p) => `${p.chosen}>${p.rejected}`), ["b>a", "b>c"]);
    assert.equal(minePairs(rows, { strategy: "best_worst", margin: 0.8 }).pairs.length, 0);
  });
  it("verified (Cooper §13): the first rule-verified correct rollout vs verified-wrong ones", () => {
    const r = [
      row("p1", 0.3, "q1", 0),
      row("p2", 0.6, "q1", 1),
      row("p3", 0.8, "q1", 1),
      row("p4", 0.9, "q1", 0),
      row("s1", 0.5, "q2", 0),
      row("t1", 0.5, "q3", 1),
    ];
    const first = minePairs(r, { strategy: "verified", verifier: "verify" });
    // positive = p2 (first with verify == 1); first negative = p1
    assert.deepEqual(first.pairs.map((p) => [p.chosen, p.rejected]), [["p2", "p1"]]);
    near(first.pairs[0]!.margin, 0.3, 1e-12);
    assert.deepEqual(first.skipped, [
      { group: "q2", reason: "no rollout verified correct by verify" },
      { group: "q3", reason: "no rollout verified wrong by verify (Cooper would synthesize a negative)" },
    ]);
    const all = minePairs(r, { strategy: "verified", verifier: "verify", negatives: "all" });
    assert.deepEqual(all.pairs.map((p) => [p.chosen, p.rejected]), [["p2", "p1"], ["p2", "p4"]]);
    // p2 vs p4: δ = −0.3 (the reward disagrees with the verifier); β floored at β_ori
    near(all.pairs[1]!.margin, -0.3, 1e-12);
    assert.equal(all.pairs[1]!.beta, 0.1);
  });
  it("null rewards are left out; a group with fewer than two usable rows is skipped", () => {
    const r = [row("a", null, "g"), row("b", 1, "g")];
    assert.deepEqual(minePairs(r, { strategy: "best_worst" }), { pairs: [], skipped: [{ group: "g", reason: "fewer than 2 rows with a reward (1)" }] });
  });
  it("validates its options", () => {
    assert.throws(() => minePairs(rows, { strategy: "verified" }), /verifier:/);
    assert.throws(() => minePairs(rows, { strategy: "nope" as never }), /strategy: expected one of/);
  });
});
