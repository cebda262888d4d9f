import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Outcome } from "../../src/core/types.ts";
import { close, combinerOf, okO, sample, scores, totals } from "./helpers.ts";

const one = (normalize: object, extra: object = {}) => ({ rewards: { r: { type: "gsm8k", normalize, ...extra } } });
const col = (xs: number[]) => xs.map((r) => ({ r }));
const comps = (xs: number[]): Record<string, Outcome>[] => xs.map((x) => ({ r: okO(x) }));

describe("z-score", () => {
  it("over the batch, population std (default) and unbiased", () => {
    // [1, 2, 3, 6]: mean 3; squared deviations 4 + 1 + 0 + 9 = 14.
    // population: std = √(14/4) = 1.870829 → z = [−2, −1, 0, 3]/1.870829 = [−1.069045, −0.534522, 0, 1.603567].
    close(scores(totals(one({ type: "zscore", eps: 0 }), col([1, 2, 3, 6]))), [-1.069045, -0.534522, 0, 1.603567], 1e-6);
    // unbiased: std = √(14/3) = 2.160247 → [−0.925820, −0.462910, 0, 1.388730].
    close(scores(totals(one({ type: "zscore", std: "unbiased", eps: 0 }), col([1, 2, 3, 6]))), [-0.92582, -0.46291, 0, 1.38873], 1e-5);
  });

  it("within each group; an ungrouped sample is a group of one (z = 0)", () => {
    // group A [1, 3]: mean 2, std 1 → [−1, 1]; group B [5] → 0; no group [7] → 0.
    const ss = [sample("a", { group: "A" }), sample("b", { group: "B" }), sample("c", { group: "A" }), sample("d")];
    assert.deepEqual(scores(totals(one({ type: "zscore", scope: "group", eps: 0 }), col([1, 5, 3, 7]), ss)), [-1, 0, 1, 0]);
  });

  it("a skipped component takes no part in the statistics", () => {
    const t = combinerOf(one({ type: "zscore", eps: 0 })).combine(
      [sample("a"), sample("b"), sample("c")],
      [{ r: okO(1) }, { r: { score: null, status: "timeout", reason: "slow" } }, { r: okO(3) }],
    );
    assert.deepEqual(scores(t), [-1, null, 1]);
    assert.equal(t[1]!.status, "timeout");
  });
});

describe("rank and min-max", () => {
  it("rank: average ranks of ties, mapped to [0, 1] by (rank − 1)/(n − 1)", () => {
    // [3, 1, 3, 2]: ranks 1 → 1, 2 → 2, the two 3s share (3 + 4)/2 = 3.5 → [2.5, 0, 2.5, 1]/3.
    close(scores(totals(one({ type: "rank" }), col([3, 1, 3, 2]))), [2.5 / 3, 0, 2.5 / 3, 1 / 3], 1e-12);
    // Per group; a lone value is 0.5.
    const ss = [sample("a", { group: "g" }), sample("b", { group: "g" }), sample("c", { group: "h" })];
    assert.deepEqual(scores(totals(one({ type: "rank", scope: "group" }), col([5, -1, 9]), ss)), [1, 0, 0.5]);
  });

  it("min-max over the batch (all equal → 0.5) and with fixed bounds", () => {
    assert.deepEqual(scores(totals(one({ type: "minmax" }), col([2, 4, 6]))), [0, 0.5, 1]);
    assert.deepEqual(scores(totals(one({ type: "minmax" }), col([4, 4]))), [0.5, 0.5]);
    // Fixed [0, 10]: 2 → 0.2, 15 → 1.5 (no clipping; put a clip transform first to bound it).
    assert.deepEqual(scores(totals(one({ type: "minmax", min: 0, max: 10 }), col([2, 15]))), [0.2, 1.5]);
    assert.deepEqual(scores(totals(one({ type: "minmax", min: 0, max: 10 }, { transform: [{ type: "clip", min: 0, max: 10 }] }), col([2, 15]))), [0.2, 1]);
  });
});

describe("running mean/std", () => {
  it("EMA with a per-sample decay, carried across batches", () => {
    const c = combinerOf(one({ type: "running", decay: 0.5, eps: 0 }));
    // Batch 1 [1, 3] initializes: mean 2, E[x²] = (1 + 9)/2 = 5, var 5 − 4 = 1 → z = [−1, 1].
    assert.deepEqual(scores(c.combine([sample("a"), sample("b")], comps([1, 3]))), [-1, 1]);
    // Batch 2 [5], n = 1: keep 0.5¹ = 0.5: mean 0.5·2 + 0.5·5 = 3.5; E[x²] 0.5·5 + 0.5·25 = 15;
    // var 15 − 12.25 = 2.75, std 1.658312 → z = 1.5/1.658312 = 0.904534.
    close(scores(c.combine([sample("c")], comps([5]))), [0.904534], 1e-6);
    // Batch 3 [3, 3], n = 2: keep 0.25: mean 0.25·3.5 + 0.75·3 = 3.125; E[x²] 0.25·15 + 0.75·9 = 10.5;
    // var 10.5 − 9.765625 = 0.734375, std 0.856957 → z = −0.125/0.856957 = −0.145865.
    close(scores(c.combine([sample("d"), sample("e")], comps([3, 3]))), [-0.145865, -0.145865], 1e-6);
    assert.deepEqual(c.snapshot().normalizers.r, { kind: "ema", count: 5, mean: 3.125, meanSq: 10.5 });
  });

  it("cumulative: every value so far counts equally", () => {
    const c = combinerOf(one({ type: "running", mode: "cumulative", eps: 0 }));
    assert.deepEqual(scores(c.combine([sample("a"), sample("b")], comps([1, 3]))), [-1, 1]);
    // [1, 3, 5]: mean 3, pop-std √(8/3) = 1.632993 → (5 − 3)/1.632993 = 1.224745.
    close(scores(c.combine([sample("c")], comps([5]))), [1.224745], 1e-6);
  });
});

describe("Reference-Frozen Normalization (Quark, reconstruction)", () => {
  it("the sheet's worked example: frozen μ, σ per dimension", () => {
    // μ = [0.6, 0.8, 0.5], σ = [0.2, 0.1, 0.25]; r = [0.7, 0.75, 0.9] →
    // z = [0.1/0.2, −0.05/0.1, 0.4/0.25] = [0.5, −0.5, 1.6]; each is returned alone here (formula picks it).
    const dims = [
      { mean: 0.6, std: 0.2, r: 0.7, z: 0.5 },
      { mean: 0.8, std: 0.1, r: 0.75, z: -0.5 },
      { mean: 0.5, std: 0.25, r: 0.9, z: 1.6 },
    ];
    for (const d of dims) close(scores(totals(one({ type: "reference_frozen_recon", mean: d.mean, std: d.std }), col([d.r]))), [d.z], 1e-5);
    // Clipped at ±c (c = 5): (2.0 − 0.6)/0.2 = 7 → 5.
    close(scores(totals(one({ type: "reference_frozen_recon", mean: 0.6, std: 0.2 }), col([2]))), [5], 1e-12);
  });

  it("calibrates on the first N values, then never moves", () => {
    const c = combinerOf(one({ type: "reference_frozen_recon", calibration_samples: 3, eps: 0 }));
    // Batch 1 [1, 2]: 2 of 3 reference values: mean 1.5, pop-std 0.5 → [−1, 1].
    assert.deepEqual(scores(c.combine([sample("a"), sample("b")], comps([1, 2]))), [-1, 1]);
    // Batch 2 [3, 10]: 3 completes the calibration (10 does not count): [1, 2, 3] → mean 2, std √(2/3) = 0.816497; frozen.
    // z = [1/0.816497, 8/0.816497 = 9.80 → clip 5] = [1.224745, 5].
    close(scores(c.combine([sample("c"), sample("d")], comps([3, 10]))), [1.224745, 5], 1e-6);
    // Batch 3: the statistics stay frozen: 100 → 5, 2 → 0.
    close(scores(c.combine([sample("e"), sample("f")], comps([100, 2]))), [5, 0], 1e-12);
    assert.equal((c.snapshot().normalizers.r as { frozen: boolean }).frozen, true);
  });

  it("with reference_field only the reference policy's rollouts calibrate; before any, not_applicable", () => {
    const spec = one({ type: "reference_frozen_recon", calibration_samples: 2, reference_field: "meta.ref", clip: 10, eps: 0 });
    const c = combinerOf(spec);
    const [early] = c.combine([sample("p0")], comps([4]));
    assert.deepEqual(early, { score: null, status: "not_applicable", reason: "r: reference statistics not calibrated yet (0 of 2 reference values flagged by meta.ref)" });
    // Reference rollouts [1, 3] → mean 2, std 1 (frozen); the policy sample 10 → 8 (clip 10).
    const out = c.combine([sample("a", { meta: { ref: true } }), sample("p1"), sample("b", { meta: { ref: true } })], comps([1, 10, 3]));
    assert.deepEqual(scores(out), [-1, 8, 1]);
  });
});
