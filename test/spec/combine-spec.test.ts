import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { describeSpec } from "../../src/spec/compile.ts";
import { compileText, issuesOf } from "./helpers.ts";

describe("spec: combination keys", () => {
  it("transforms, normalizers and weighting compile into the plan", () => {
    const s = compileText(
      [
        "rewards:",
        "  helpful:",
        "    type: gsm8k",
        "    transform:",
        "      - {type: lsc, reference_scores_field: meta.sft_scores}",
        "    normalize: {type: zscore, scope: group}",
        "  fmt: {type: format_tags}",
        "combine:",
        "  weighting: normalize_then_sum",
      ].join("\n"),
    );
    assert.deepEqual(s.combine.transforms, { helpful: [{ type: "lsc", reference_scores_field: "meta.sft_scores", quantile: 0.85, estimate: "normal" }] });
    assert.deepEqual(s.combine.normalizers, { helpful: { type: "zscore", scope: "group", std: "population", eps: 1e-6 } });
    assert.deepEqual(s.combine.weighting, { type: "normalize_then_sum", eps: 1e-4 });
    const text = describeSpec(s);
    assert.match(text, /value of helpful: log sigmoid\(x - r_ref\), r_ref = normal q0\.85 of meta\.sft_scores -> z-score per group \(population std\)/);
    assert.match(text, /TRL normalize_then_sum/);
  });

  it("bad combination keys are reported with their path and line", () => {
    const msgs = issuesOf(
      [
        "rewards:",
        "  a:",
        "    type: gsm8k",
        "    transform:",
        "      - {type: log}",
        "      - {type: lsc, reference: 0, reference_field: meta.r}",
        "    normalize: {type: zscore, scope: world}",
        "  b: {type: gsm8k, transform: [{type: clip}]}",
      ].join("\n"),
    );
    assert.deepEqual(msgs, [
      "spec.yaml:5:16: rewards.a.transform.0.type: expected a transform with `type: affine | clip | lsc`",
      "spec.yaml:6:9: rewards.a.transform.1: lsc needs exactly one of `reference`, `reference_field`, `reference_scores_field`, `reference_flag_field`",
      "spec.yaml:7:38: rewards.a.normalize.scope: expected batch or group",
      "spec.yaml:8:32: rewards.b.transform.0: clip needs `min`, `max` or both",
    ]);
    assert.deepEqual(issuesOf("rewards: {a: {type: gsm8k}}\ncombine:\n  weighting: average\n"), [
      "spec.yaml:3:14: combine.weighting.type: expected static, sum_then_normalize, normalize_then_sum or tri_factor_recon",
    ]);
    // Reward names are checked once the shape is valid.
    const more = issuesOf(
      [
        "rewards:",
        "  a: {type: gsm8k}",
        "  b: {type: gsm8k, weight: -1}",
        "combine:",
        "  weighting: tri_factor_recon",
        "  hybrid: {rule: a, model: nope, name: b}",
        "  length_penalty_recon: {correct: zz}",
        "  normalize_weights: true",
      ].join("\n"),
    );
    assert.deepEqual(more, [
      'spec.yaml:6:28: combine.hybrid.model: unknown reward "nope" (known: a, b)',
      'spec.yaml:6:40: combine.hybrid.name: "b" is already the name of a reward or term: choose another `name`',
      'spec.yaml:7:35: combine.length_penalty_recon.correct: unknown reward "zz" (known: a, b)',
      "spec.yaml:8:22: combine.normalize_weights: only applies to static weighting (weighting is tri_factor_recon)",
      "spec.yaml:3:28: rewards.b.weight: tri_factor_recon reads each weight as a risk priority, which must not be negative",
    ]);
  });

  it("a formula may use the hybrid and length-penalty terms, not with a non-static weighting", () => {
    const ok = compileText("rewards: {a: {type: gsm8k}, m: {type: gsm8k}}\ncombine: {formula: 'acc - 1', hybrid: {name: acc, rule: a, model: m}}\n");
    assert.equal(ok.formula, "acc - 1");
    assert.deepEqual(issuesOf("rewards: {a: {type: gsm8k}}\ncombine: {formula: 'a', weighting: sum_then_normalize}\n"), [
      "spec.yaml:2:36: combine.weighting: a formula replaces the weighted sum: use weighting static (the default) with a formula",
    ]);
  });

  it("the hash is unchanged for specs without combination features, and changes with them", () => {
    const plain = compileText("rewards: {a: {type: gsm8k}}\n");
    assert.equal(compileText("rewards: {a: {type: gsm8k}}\ncombine: {weighting: static, state_key: x}\n").hash, plain.hash);
    assert.notEqual(compileText("rewards: {a: {type: gsm8k, normalize: {type: rank}}}\n").hash, plain.hash);
    assert.notEqual(compileText("rewards: {a: {type: gsm8k}}\ncombine: {weighting: sum_then_normalize}\n").hash, plain.hash);
  });
});
