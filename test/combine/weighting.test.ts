import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { lengthPenaltyRecon } from "../../src/combine/hybrid.ts";
import { redundancy, triFactorWeightsRecon } from "../../src/combine/weighting.ts";
import type { Outcome } from "../../src/core/types.ts";
import { bad, close, combinerOf, okO, sample, scores, totals } from "./helpers.ts";

const g = (group: string, n: number) => Array.from({ length: n }, (_, i) => sample(`${group}${i}`, { group }));

describe("TRL multi-objective aggregation", () => {
  // One GRPO group of 4: correctness [1, 0, 1, 0] and a raw length penalty [−120, −100, −60, −80], weights 1.
  const rows = [
    { a: 1, b: -120 },
    { a: 0, b: -100 },
    { a: 1, b: -60 },
    { a: 0, b: -80 },
  ];
  const rewards = { a: { type: "gsm8k" }, b: { type: "gsm8k" } };

  it("sum_then_normalize (TRL's default): (s − group mean)/(unbiased std + 1e-4)", () => {
    // s = [−119, −100, −59, −80]; mean −358/4 = −89.5; deviations [−29.5, −10.5, 30.5, 9.5];
    // squares 870.25 + 110.25 + 930.25 + 90.25 = 2001, /3 = 667, std 25.826343;
    // advantages = deviation/25.826443 = [−1.142240, −0.406560, 1.180960, 0.367840].
    const t = totals({ rewards, combine: { weighting: "sum_then_normalize" } }, rows, g("q", 4));
    close(scores(t), [-1.14224, -0.40656, 1.18096, 0.36784], 1e-5);
  });

  it("normalize_then_sum (GDPO): per reward per group, weighted sum, then over the batch", () => {
    // a: mean 0.5, unbiased std √(1/3) = 0.577350 → ±0.5/0.577450 = ±0.865875.
    // b: mean −90, deviations [−30, −10, 30, 10], var 2000/3, std 25.819889 → dev/25.819989 = [−1.161891, −0.387297, 1.161891, 0.387297].
    // sums S = [−0.296015, −1.253172, 2.027766, −0.478579]: mean 0, unbiased std √(ΣS²/3) = 1.414088;
    // S/1.414188 = [−0.209318, −0.886142, 1.433873, −0.338412].
    const t = totals({ rewards, combine: { weighting: { type: "normalize_then_sum" } } }, rows, g("q", 4));
    close(scores(t), [-0.209318, -0.886142, 1.433873, -0.338412], 1e-5);
  });

  it("sum_then_normalize scale group / batch / none over two groups", () => {
    // A sums [1, 3], B sums [10, 14]. group: A ±1/(√2 + 1e-4) = ±0.707057, B ±2/(√8 + 1e-4) = ±0.707082.
    // batch: mean per group, std of [1, 3, 10, 14] (mean 7; 36 + 16 + 9 + 49 = 110, /3 → 6.055301):
    //   A ±1/6.055401 = ±0.165142, B ±2/6.055401 = ±0.330284. none: [−1, 1, −2, 2].
    const spec = (scale: string) => ({ rewards: { a: { type: "gsm8k" } }, combine: { weighting: { type: "sum_then_normalize", scale } } });
    const rs = [{ a: 1 }, { a: 3 }, { a: 10 }, { a: 14 }];
    const ss = [...g("A", 2), ...g("B", 2)];
    close(scores(totals(spec("group"), rs, ss)), [-0.707057, 0.707057, -0.707082, 0.707082], 1e-6);
    close(scores(totals(spec("batch"), rs, ss)), [-0.165142, 0.165142, -0.330284, 0.330284], 1e-6);
    assert.deepEqual(scores(totals(spec("none"), rs, ss)), [-1, 1, -2, 2]);
  });

  it("a skipped reward is left out of the sum (nansum); a sample with nothing is not_applicable and out of the statistics", () => {
    const spec = { rewards, combine: { weighting: "sum_then_normalize" } };
    // Sums [1 + 2, (skip) + 4, nothing]: the group is [3, 4] → mean 3.5, std √0.5 = 0.707107 → ∓0.5/0.707207.
    const t = totals(spec, [{ a: 1, b: 2 }, { a: bad("timeout"), b: 4 }, { a: bad("error"), b: bad("error") }], g("q", 3));
    close(scores(t).slice(0, 2), [-0.707007, 0.707007], 1e-6);
    assert.deepEqual(t[2], { score: null, status: "error", reason: "a: it was error" });
  });

  it("a gate sets the sum before its normalization", () => {
    // fmt gate below 1 → sum 0 for the gated sample; sums [2, 0]: mean 1, unbiased std √2 → ±1/(1.414214 + 1e-4) = ±0.707057.
    const spec = { rewards: { fmt: { type: "gsm8k" }, a: { type: "gsm8k" } }, combine: { weighting: "sum_then_normalize" }, gates: [{ reward: "fmt", below: 1, total: 0 }] };
    const t = totals(spec, [{ fmt: 1, a: 1 }, { fmt: 0, a: 1 }], g("q", 2));
    close(scores(t), [0.707057, -0.707057], 1e-6);
    assert.equal(t[1]!.gate, "fmt");
  });
});

describe("Tri-Factor Adaptive Dynamic Weighting (Quark, reconstruction)", () => {
  it("the sheet's worked example", () => {
    // z̄ = [−0.2, −0.6, 0.4] → a = [0.2, 0.6, 0]; ρ = [1.5, 2, 1]; ν = [0.3, 0.1, 0.3];
    // w̃ = [1.2·1.5·0.7, 1.6·2·0.9, 1·1·0.7] = [1.26, 2.88, 0.70], Σ = 4.84 → w = [0.2603, 0.5950, 0.1446].
    const w = triFactorWeightsRecon([-0.2, -0.6, 0.4], [1.5, 2, 1], [0.3, 0.1, 0.3]);
    close(w, [1.26 / 4.84, 2.88 / 4.84, 0.7 / 4.84], 1e-12);
    close(w, [0.2603, 0.595, 0.1446]);
    // R = 0.2603·0.5 + 0.5950·(−0.5) + 0.1446·1.6 = 0.1302 − 0.2975 + 0.2314 = 0.0641.
    const z = [0.5, -0.5, 1.6];
    close([w.reduce((s, wk, k) => s + wk * z[k]!, 0)], [0.0641]);
  });

  it("redundancy is the largest |correlation| with another dimension", () => {
    // x = [0, −1, −2], y = [1, 0, 2]: deviations [1, 0, −1] and [0, −1, 1]: cov −1, variances 2 and 2 → corr −0.5.
    // z = [1, 2, 3] is perfectly correlated with x (|−1|) → ν = [1, 0.5, 1].
    const nu = redundancy([Float64Array.from([0, -1, -2]), Float64Array.from([1, 0, 2]), Float64Array.from([1, 2, 3])]);
    close(nu, [1, 0.5, 1], 1e-12);
  });

  it("end to end: weights from the batch, each reward's weight its risk priority, smoothed across batches", () => {
    const spec = { rewards: { x: { type: "gsm8k", weight: 1 }, y: { type: "gsm8k", weight: 2 } }, combine: { weighting: { type: "tri_factor_recon", decay: 0.5 } } };
    const c = combinerOf(spec);
    const batch = (xs: number[], ys: number[]) =>
      c.combine(
        xs.map((_, i) => sample(String(i))),
        xs.map((x, i): Record<string, Outcome> => ({ x: okO(x), y: okO(ys[i]!) })),
      );
    // Batch 1: x = [0, −1, −2] (mean −1 → a = 1), y = [1, 0, 2] (mean 1 → a = 0), corr −0.5 → ν = 0.5 each.
    // w̃ = [(1 + 1)·1·0.5, (1 + 0)·2·0.5] = [1, 1] → w = [0.5, 0.5]; R = 0.5x + 0.5y = [0.5, −0.5, 0].
    assert.deepEqual(scores(batch([0, -1, -2], [1, 0, 2])), [0.5, -0.5, 0]);
    assert.deepEqual(c.snapshot().weights, { x: 0.5, y: 0.5 });
    // Batch 2: x = [0, 2] (mean 1 → a = 0), y = [−1, −1] (mean −1 → a = 1; constant → corr 0, ν = 0).
    // w̃ = [1·1·1, 2·2·1] = [1, 4] → [0.2, 0.8]; smoothed 0.5·[0.5, 0.5] + 0.5·[0.2, 0.8] = [0.35, 0.65].
    // R = [0.35·0 − 0.65, 0.35·2 − 0.65] = [−0.65, 0.05].
    close(scores(batch([0, 2], [-1, -1])), [-0.65, 0.05], 1e-12);
    close([c.snapshot().weights!.x!, c.snapshot().weights!.y!], [0.35, 0.65], 1e-12);
  });

  it("with the RFN normalizer in front, as the reconstruction intends", () => {
    // One dimension only: ν = 0, w = 1; z = (0.7 − 0.6)/0.2 = 0.5.
    const spec = { rewards: { r: { type: "gsm8k", normalize: { type: "reference_frozen_recon", mean: 0.6, std: 0.2 } } }, combine: { weighting: "tri_factor_recon" } };
    close(scores(totals(spec, [{ r: 0.7 }])), [0.5], 1e-5);
  });
});

describe("HARMO hybrid reward and generalized length penalty", () => {
  const rewards = { correct: { type: "gsm8k" }, rm: { type: "gsm8k" }, fmt: { type: "format_tags" } };

  it("R = R_hybrid + R_fmt: the rule reward where it applies, the model reward elsewhere", () => {
    const spec = { rewards, combine: { hybrid: { rule: "correct", model: "rm" } } };
    // Verifiable (rule ok): 1 + fmt 1 = 2 (rm 0.3 ignored); not verifiable (rule not_applicable): rm 0.4 + 1 = 1.4.
    const t = totals(spec, [
      { correct: 1, rm: 0.3, fmt: 1 },
      { correct: bad("not_applicable", "no reference"), rm: 0.4, fmt: 1 },
    ]);
    assert.deepEqual(scores(t), [2, 1.4]);
  });

  it("verifiable_field decides instead of the rule outcome; a failure of the unused reward does not matter", () => {
    const spec = { rewards: { ...rewards, rm: { type: "gsm8k", on_error: "fail" } }, combine: { hybrid: { rule: "correct", model: "rm", verifiable_field: "meta.verifiable" } } };
    const ss = [sample("v", { meta: { verifiable: true } }), sample("o", { meta: { verifiable: false } })];
    const t = totals(spec, [{ correct: 0, rm: bad("timeout"), fmt: 1 }, { correct: 1, rm: 0.25, fmt: 0 }], ss);
    assert.deepEqual(scores(t), [1, 0.25]);
    // When the chosen reward fails under `fail`, the total fails.
    const t2 = totals(spec, [{ correct: 0, rm: bad("timeout"), fmt: 1 }], [sample("o", { meta: { verifiable: false } })]);
    assert.deepEqual(t2[0], { score: null, status: "timeout", reason: "rm: it was timeout" });
  });

  it("confidence_recon blends c·rule + (1 − c)·model; the term is a formula variable", () => {
    // c = 0.8: 0.8·1 + 0.2·0.3 = 0.86; formula acc + 0.5·fmt = 0.86 + 0.5 = 1.36.
    const spec = { rewards, combine: { formula: "acc + 0.5 * fmt", hybrid: { name: "acc", rule: "correct", model: "rm", confidence_recon: { field: "meta.conf" } } } };
    close(scores(totals(spec, [{ correct: 1, rm: 0.3, fmt: 1 }], [sample("x", { meta: { conf: 0.8 } })])), [1.36], 1e-12);
  });

  it("length penalty (recon): the sheet's example with L* = 200", () => {
    // τ = 1, P_max = 0.5: L = 200 → 0; 300 → −0.5·(100/200) = −0.25; 400 → −0.5·1 = −0.5; 600 → −0.5·min(2, 1) = −0.5.
    assert.deepEqual(lengthPenaltyRecon([200, 300, 400, 600], [true, true, false, false], 0.5, 1), [0, -0.25, -0.5, -0.5]);
    // No correct response: no penalty. Shorter than L*: 0 (shortness is never rewarded).
    assert.deepEqual(lengthPenaltyRecon([10, 20], [false, false], 0.5, 1), [0, 0]);
    assert.deepEqual(lengthPenaltyRecon([100, 50], [true, false], 0.5, 1), [0, 0]);
  });

  it("length penalty in a spec: per group, lengths from a field or counted", () => {
    const spec = { rewards: { correct: { type: "gsm8k" } }, combine: { length_penalty_recon: { correct: "correct", length_field: "meta.tokens" } } };
    const lens = [200, 300, 400, 600, 50];
    const ss = lens.map((tokens, i) => sample(String(i), { group: i < 4 ? "q" : "r", meta: { tokens } }));
    // Group q: correct [1, 1, 0, 0] → L* = 200 → totals correct + penalty = [1, 0.75, −0.5, −0.5]; group r has no correct → 0.
    assert.deepEqual(scores(totals(spec, [{ correct: 1 }, { correct: 1 }, { correct: 0 }, { correct: 0 }, { correct: 0 }], ss)), [1, 0.75, -0.5, -0.5, 0]);
    // Characters are code points: "héllo wörld" is 11, "ab" is 2 → L* = 2, (11 − 2)/(1·2) > 1 → −0.5.
    const chars = { rewards: { correct: { type: "gsm8k" } }, combine: { length_penalty_recon: { correct: "correct" } } };
    const s2 = [sample("a", { group: "q", completion: "ab" }), sample("b", { group: "q", completion: "héllo wörld" })];
    assert.deepEqual(scores(totals(chars, [{ correct: 1 }, { correct: 0 }], s2)), [1, -0.5]);
  });
});

describe("order and gates", () => {
  it("transforms → normalizer → weights → gate (the gate compares the raw score)", () => {
    // r raw [0.2, 0.9, 0.5] → affine 10x → [2, 9, 5] → min-max → [0, 1, 3/7]; weight 2 → [0, 2, 0.857143];
    // the gate on the raw score (below 0.3) fires for the first sample: total −1.
    const spec = {
      rewards: { r: { type: "gsm8k", weight: 2, transform: [{ type: "affine", scale: 10 }], normalize: { type: "minmax" } } },
      gates: [{ reward: "r", below: 0.3, total: -1 }],
    };
    const t = totals(spec, [{ r: 0.2 }, { r: 0.9 }, { r: 0.5 }]);
    close(scores(t), [-1, 2, 6 / 7], 1e-12);
    assert.equal(t[0]!.gate, "r");
  });
});
