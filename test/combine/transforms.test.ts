import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { referenceQuantile } from "../../src/combine/transforms.ts";
import { logSigmoid, normalQuantile, quantileLinear } from "../../src/combine/stats.ts";
import { bad, close, sample, scores, totals } from "./helpers.ts";

// Reward types are placeholders: the combiner only reads the components it is given.
const one = (name: string, extra: object) => ({ rewards: { [name]: { type: "gsm8k", ...extra } } });

describe("transforms: affine and clip", () => {
  it("affine then clip, in list order", () => {
    // 2·x − 1 then clip to [−0.5, 0.5]: x = 0 → −1 → −0.5; x = 0.6 → 0.2; x = 1 → 1 → 0.5.
    const spec = one("r", { transform: [{ type: "affine", scale: 2, shift: -1 }, { type: "clip", min: -0.5, max: 0.5 }] });
    close(scores(totals(spec, [{ r: 0 }, { r: 0.6 }, { r: 1 }])), [-0.5, 0.2, 0.5], 1e-12);
  });

  it("clip with one bound; order matters (clip then affine differs)", () => {
    const spec = one("r", { transform: [{ type: "clip", max: 1 }, { type: "affine", scale: 10 }] });
    assert.deepEqual(scores(totals(spec, [{ r: 3 }, { r: -3 }])), [10, -30]);
  });
});

describe("LSC: log-sigmoid-centered transform (Transforming and Combining Rewards, §1)", () => {
  it("log σ is stable at the extremes", () => {
    assert.equal(logSigmoid(0), -Math.LN2);
    assert.equal(logSigmoid(800), -0); // −log1p(e^−800) = −0
    assert.equal(logSigmoid(-800), -800); // z − log1p(e^z) = −800 − 0
  });

  it("r_ref as the 85th percentile, normal approximation and empirical", () => {
    // Φ⁻¹(0.85) = 1.0364333894937898 (the reimplementation's constant).
    assert.ok(Math.abs(normalQuantile(0.85) - 1.0364333894937898) < 1e-8);
    assert.ok(Math.abs(normalQuantile(0.5)) < 1e-12);
    assert.ok(Math.abs(normalQuantile(0.01) + 2.3263478740408408) < 1e-8);
    // R_ref = [−0.3, 0.1, 0.2, 0.5, 0.9]: mean 1.4/5 = 0.28; deviations −0.58, −0.18, −0.08, 0.22, 0.62,
    // squares 0.3364 + 0.0324 + 0.0064 + 0.0484 + 0.3844 = 0.808, /5 = 0.1616, pop-std 0.40200;
    // normal: 0.28 + 1.03643·0.40200 = 0.69664. Empirical: position 0.85·4 = 3.4 → 0.5 + 0.4·(0.9 − 0.5) = 0.66.
    const R = [-0.3, 0.1, 0.2, 0.5, 0.9];
    close([referenceQuantile(R, 0.85, "normal")], [0.6966]);
    close([referenceQuantile(R, 0.85, "empirical"), quantileLinear(R, 0.85)], [0.66, 0.66], 1e-12);
  });

  it("the sheet's worked example: helpful + harmless AND-sum = log P(good on both)", () => {
    // Helpfulness: SFT scores for x with mean 0.2 and pop-std 0.5 ([−0.3, 0.7]) → r_ref = 0.2 + 1.03643·0.5 = 0.71822.
    // r = 1.0 → u = log σ(0.28178) = log(1/(1 + e^−0.28178)) = log(1/1.75444) = log 0.56998 = −0.5621.
    // Harmlessness: r = −0.5 with r_ref = 0 → u = log σ(−0.5) = log 0.37754 = −0.9741.
    // Sum (weights 1) = −1.5362; exp(−1.5362) = 0.2152 = P(good on both).
    const spec = {
      rewards: {
        helpful: { type: "gsm8k", transform: [{ type: "lsc", reference_scores_field: "meta.sft_helpful" }] },
        harmless: { type: "gsm8k", transform: [{ type: "lsc", reference: 0 }] },
      },
    };
    const t = totals(spec, [{ helpful: 1, harmless: -0.5 }], [sample("x", { meta: { sft_helpful: [-0.3, 0.7] } })]);
    close(scores(t), [-1.5362]);
    close([Math.exp(t[0]!.score!)], [0.2152]);
  });

  it("saturation: with r_ref = 0.7182, r = −1..3 gives the sheet's values", () => {
    // u = log σ(r − 0.71822): r = −1 → log σ(−1.71822) = −1.8832; 0 → −1.1154; 1 → −0.5621; 2 → log σ(1.28178) = −0.2449; 3 → −0.0972.
    const spec = one("h", { transform: [{ type: "lsc", reference_field: "meta.r_ref" }] });
    const rs = [-1, 0, 1, 2, 3];
    const ss = rs.map((_, i) => sample(String(i), { meta: { r_ref: 0.7182166947468949 } }));
    close(scores(totals(spec, rs.map((h) => ({ h })), ss)), [-1.8832, -1.1154, -0.5621, -0.2449, -0.0972]);
  });

  it("r_ref from reference samples in the same group (flagged), empirical quantile", () => {
    // Group q1: reference samples score 0.1 and 0.5 → empirical q0.5 = 0.3; policy sample r = 0.3 → log σ(0) = −log 2.
    // Group q2: reference 1.0 alone → r_ref = 1.0; policy r = 1.0 → −log 2; the reference itself also → −log 2.
    const spec = one("h", { transform: [{ type: "lsc", reference_flag_field: "meta.sft", quantile: 0.5, estimate: "empirical" }] });
    const ss = [
      sample("a", { group: "q1", meta: { sft: true } }),
      sample("b", { group: "q1", meta: { sft: true } }),
      sample("c", { group: "q1" }),
      sample("d", { group: "q2", meta: { sft: 1 } }),
      sample("e", { group: "q2" }),
    ];
    const t = totals(spec, [{ h: 0.1 }, { h: 0.5 }, { h: 0.3 }, { h: 1 }, { h: 1 }], ss);
    close(scores(t).slice(2), [-Math.LN2, -Math.LN2, -Math.LN2], 1e-12);
    // a: log σ(0.1 − 0.3) = log σ(−0.2) = −log(1 + e^0.2) = −log 2.22140 = −0.79814.
    close(scores(t).slice(0, 1), [-0.79814]);
  });

  it("a missing reference is invalid_input naming the field; the error policy decides", () => {
    const skip = one("h", { transform: [{ type: "lsc", reference_field: "meta.r_ref" }] });
    assert.deepEqual(totals(skip, [{ h: 1 }], [sample("x")])[0], { score: null, status: "invalid_input", reason: "h: lsc reference meta.r_ref: missing" });
    const zero = one("h", { on_error: "zero", transform: [{ type: "lsc", reference_field: "meta.r_ref" }] });
    assert.deepEqual(totals(zero, [{ h: 1 }], [sample("x", { meta: { r_ref: "high" } })])[0], { score: 0, status: "ok" });
    const fail = { rewards: { h: { type: "gsm8k", on_error: "fail", transform: [{ type: "lsc", reference_flag_field: "meta.sft" }] }, f: { type: "gsm8k" } } };
    assert.deepEqual(totals(fail, [{ h: 1, f: 1 }], [sample("x", { group: "g" })])[0], {
      score: null,
      status: "invalid_input",
      reason: "h: lsc: no reference sample (meta.sft) with a score in the group",
    });
  });

  it("a skipped component stays skipped (transforms never see it)", () => {
    const spec = { rewards: { h: { type: "gsm8k", transform: [{ type: "lsc", reference: 0 }] }, f: { type: "gsm8k" } } };
    assert.deepEqual(totals(spec, [{ h: bad("timeout"), f: 0.5 }])[0], { score: 0.5, status: "ok" });
  });
});
