import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import type { Target } from "../../../src/rewards/math/extract.ts";
import { verifyAnswer } from "../../../src/rewards/math/verify.ts";
import { ADVERSARIAL } from "./adversarial.ts";
import { CASES, type CaseOptions } from "./cases.ts";

function run(gold: string, pred: string, o: CaseOptions = {}) {
  const targets: Target[] = o.targets === "latex" ? ["latex"] : o.targets === "expr" ? ["expr"] : ["latex", "expr"];
  return verifyAnswer(gold, pred, {
    floatRounding: o.prec ?? 6,
    strict: o.strict ?? true,
    allowSetRelationComp: o.setrel ?? false,
    extract: { targets, boxedPriority: 0, requireBoxed: o.requireBoxed ?? false },
  });
}

const short = (s: string) => JSON.stringify(s.length > 70 ? `${s.slice(0, 30)}…${s.slice(-35)}` : s);

for (const [group, cases] of Object.entries(CASES)) {
  describe(`verify: ${group.replace(/_/g, " ")}`, () => {
    for (const [gold, pred, expected, opts] of cases) {
      it(`${short(gold)} vs ${short(pred)}${opts ? ` ${JSON.stringify(opts)}` : ""} → ${expected}`, () => {
        const r = run(gold, pred, opts);
        assert.equal(r.equal, expected === 1, `gold read as ${r.gold.text}, prediction as ${r.pred.text}`);
      });
    }
  });
}

describe("verify: adversarial inputs give an answer (no throw, no hang)", () => {
  for (const [name, gold, pred, expected] of ADVERSARIAL) {
    it(name, () => {
      assert.equal(run(gold, pred).equal, expected === 1);
    });
  }
});

describe("verify: MATH-500 (100 vendored rows)", () => {
  const rows = readFileSync(new URL("../../fixtures/math/math500-every5th.jsonl", import.meta.url), "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as { unique_id: string; answer: string; solution: string });

  it("every answer matches its own solution's boxed answer", () => {
    const misses = rows.filter((r) => !run(r.answer, r.solution).equal).map((r) => r.unique_id);
    assert.deepEqual(misses, []);
  });

  it("an answer does not match the next row's answer unless they are the same answer", () => {
    const pairs = rows.map((r, i) => [r.answer, rows[(i + 1) % rows.length]!.answer] as const).filter(([a, b]) => a.trim() !== b.trim());
    assert.ok(pairs.length >= 95);
    const equal = pairs.filter(([a, b]) => run(a, b).equal);
    assert.deepEqual(equal, []);
  });
});
