import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { checkStep, fineGrainedTokenRewards, holisticReward, labelReward, QA_FEEDBACK, scorePerSegment, steps } from "../../src/dense/index.ts";
import type { Outcome, Reward, RewardContext, Sample } from "../../src/core/types.ts";

const near = (a: number, b: number, tol = 1e-4) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

describe("Fine-Grained RLHF dense reward (paper-formulas §3)", () => {
  it("12 tokens; sub-sentences end t3, t6, t12 (ok, error, ok); sentences t6, t12 (ok, error); completeness 2.0", () => {
    const rel = QA_FEEDBACK.relevance;
    const fact = QA_FEEDBACK.factuality;
    // completeness: (2.0 − (−0.44678))/8.30116·0.3 + 0 = 2.44678/8.30116·0.3 = 0.08843
    const c = holisticReward({ score: 2.0, ...QA_FEEDBACK.completeness });
    near(c, 0.0884);
    const r = fineGrainedTokenRewards(
      12,
      [
        { ends: [2, 5, 11], values: [labelReward(true, rel), labelReward(false, rel), labelReward(true, rel)] },
        { ends: [5, 11], values: [labelReward(true, fact), labelReward(false, fact)] },
      ],
      { holistic: { score: 2.0, ...QA_FEEDBACK.completeness } },
    );
    // r3 = +0.3; r6 = −0.3 + 0.5 = 0.2; r12 = 0.3 − 0.5 + 0.0884 = −0.1116
    near(r[2]!, 0.3, 1e-12);
    near(r[5]!, 0.2, 1e-12);
    near(r[11]!, -0.1116);
    assert.equal(r.filter((x) => x !== 0).length, 3);
  });
  it("the KL term: a token with log-ratio 0.1 gets −0.3·0.1 = −0.03; weights scale a channel", () => {
    const r = fineGrainedTokenRewards(3, [{ ends: [2], values: [1], weight: 0.5 }], { kl: { coef: QA_FEEDBACK.klCoef, logRatios: [0, 0.1, 0] } });
    near(r[1]!, -0.03, 1e-12);
    near(r[2]!, 0.5, 1e-12);
    assert.throws(() => fineGrainedTokenRewards(3, [{ ends: [1, 2], values: [1] }]), /2 ends but 1 values/);
  });
});

describe("any reward per segment", () => {
  // A reward that checks the arithmetic of its completion, as a stand-in for any registered reward.
  const arithmetic: Reward = {
    name: "arith",
    score: async (batch: readonly Sample[]) =>
      batch.map((s): Outcome => {
        const v = checkStep(String(s.completion)).verdict;
        return v === "unchecked" ? { score: null, status: "not_applicable", reason: "no arithmetic" } : { score: v === "correct" ? 1 : 0, status: "ok" };
      }),
  };
  const ctx: RewardContext = { signal: new AbortController().signal, deadline: Date.now() + 1000, group: (s) => [s] };

  it("scores each step and returns char-span segments; unscorable steps are left out", async () => {
    const text = "Step 1: 3 * 4 = 12.\nStep 2: think.\nStep 3: 12 + 5 = 18.";
    const o = await scorePerSegment(arithmetic, { id: "s", prompt: "", completion: text }, text, steps(text), ctx, { aggregate: "min" });
    assert.equal(o.status, "ok");
    assert.equal(o.score, 0);
    assert.deepEqual(o.segments, [
      { start: 0, end: 19, score: 1, label: "step 1" },
      { start: 35, end: 55, score: 0, label: "step 3" },
    ]);
    assert.deepEqual(o.details, { segments_scored: 2, segments_total: 3 });
  });
});

describe("rule-based arithmetic step check", () => {
  it("recomputes numeric equalities and ignores equations with variables", () => {
    assert.equal(checkStep("She spends 40 * 3 = <<40*3=120>>120 on lessons.").verdict, "correct");
    assert.equal(checkStep("There are 20 x 40 = <<20*40=8000>>8000 seeds.").verdict, "wrong");
    assert.equal(checkStep("$3 \\cdot 4 = 13$").verdict, "wrong");
    assert.equal(checkStep("So $\\frac{1}{3} \\approx 0.33$").verdict, "correct");
    assert.equal(checkStep("We get $2^{10} = 1024$ and 1,000 + 24 = 1,024.").checks.length, 2);
    assert.equal(checkStep("This simplifies to $2p=0.58$, and 2x + 3 = 7.").verdict, "unchecked");
    assert.equal(checkStep("50% of 20 = 10").verdict, "unchecked");
    // the expression goes on past the chain (· sin θ): not a complete equality
    assert.equal(checkStep("we get $7 = 2 \\cdot 7 \\cdot \\sin\\theta.$").verdict, "unchecked");
    // implicit multiplication, a leading sign, a unit after the result
    assert.equal(checkStep("This gives us $20 + 3(2) = 26$.").verdict, "correct");
    assert.equal(checkStep("That is equal to $-\\frac{1000}{8}=-125$.").verdict, "correct");
    assert.equal(checkStep("x -3 = 5").verdict, "unchecked");
    assert.equal(checkStep("$3 \\cdot 4 = 12 \\text{ cm}$").verdict, "correct");
  });
});
