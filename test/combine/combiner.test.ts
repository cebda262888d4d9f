import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createCombiner } from "../../src/combine/combiner.ts";
import type { Outcome } from "../../src/core/types.ts";
import { registry } from "../../src/rewards/index.ts";
import { compileSpec } from "../../src/spec/compile.ts";

const okO = (score: number): Outcome => ({ score, status: "ok" });
const bad = (status: Outcome["status"]): Outcome => ({ score: null, status, reason: `it was ${status}` });
const combiner = (spec: object) => createCombiner(compileSpec(spec, { registry }));
const total = (spec: object, comps: Record<string, Outcome>) => combiner(spec).combine([], [comps])[0]!;

describe("combiner", () => {
  const two = { rewards: { a: { type: "gsm8k", weight: 0.8 }, b: { type: "format_tags", weight: 0.2 } } };

  it("weighted sum (TRL's default: weights, no renormalization)", () => {
    assert.deepEqual(total(two, { a: okO(1), b: okO(0.5) }), { score: 0.8 + 0.1, status: "ok" });
  });

  it("skip leaves a failed component out (nansum); all skipped gives the component's status", () => {
    assert.deepEqual(total(two, { a: bad("timeout"), b: okO(0.5) }), { score: 0.1, status: "ok" });
    assert.deepEqual(total(two, { a: bad("timeout"), b: bad("not_applicable") }), { score: null, status: "timeout", reason: "a: it was timeout" });
  });

  it("normalize_weights divides by the weights of the present components", () => {
    const spec = { ...two, combine: { normalize_weights: true } };
    assert.equal(total(spec, { a: okO(1), b: okO(0.5) }).score, 0.9);
    assert.equal(total(spec, { a: bad("error"), b: okO(0.5) }).score, 0.5);
  });

  it("zero counts a failure as 0; fail fails the total with the component's status", () => {
    const zero = { rewards: { a: { type: "gsm8k", on_error: "zero" }, b: { type: "gsm8k" } } };
    assert.deepEqual(total(zero, { a: bad("timeout"), b: okO(1) }), { score: 1, status: "ok" });
    const failing = { rewards: { a: { type: "gsm8k", on_error: "fail" }, b: { type: "gsm8k" } } };
    assert.deepEqual(total(failing, { a: bad("error"), b: okO(1) }), { score: null, status: "error", reason: "a: it was error" });
    const defaults = { defaults: { on_error: "fail" }, rewards: { a: { type: "gsm8k" } } };
    assert.equal(total(defaults, { a: bad("invalid_input") }).status, "invalid_input");
  });

  it("formula over reward names; a skipped variable makes the total unscorable", () => {
    const spec = { rewards: { name: { type: "gsm8k" }, email: { type: "gsm8k" } }, combine: { formula: "(name + email) / 2" } };
    assert.deepEqual(total(spec, { name: okO(1), email: okO(0.5) }), { score: 0.75, status: "ok" });
    assert.deepEqual(total(spec, { name: okO(1), email: bad("timeout") }), { score: null, status: "timeout", reason: "email: it was timeout" });
    const div = { rewards: { a: { type: "gsm8k" } }, combine: { formula: "1 / a" } };
    assert.equal(total(div, { a: okO(0) }).status, "error");
  });

  it("gates: a reward below the threshold sets the total, before anything else", () => {
    const spec = { rewards: { fmt: { type: "format_tags" }, correct: { type: "gsm8k", on_error: "fail" } }, gates: [{ reward: "fmt", below: 1, total: -1 }] };
    assert.deepEqual(total(spec, { fmt: okO(0), correct: okO(1) }), { score: -1, status: "ok", gate: "fmt" });
    assert.deepEqual(total(spec, { fmt: okO(0), correct: bad("timeout") }), { score: -1, status: "ok", gate: "fmt" });
    assert.deepEqual(total(spec, { fmt: okO(1), correct: okO(1) }), { score: 2, status: "ok" });
    // A skipped gate reward neither opens nor closes the gate.
    assert.deepEqual(total(spec, { fmt: bad("error"), correct: okO(1) }), { score: 1, status: "ok" });
  });
});
