import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { builtinRegistry, compile } from "../../../src/index.ts";
import { math } from "../../../src/rewards/math/math.ts";
import { compileSpec } from "../../../src/spec/compile.ts";
import { one, scoreOf, scoreWith } from "../../helpers.ts";

describe("math reward", () => {
  it("scores a boxed model answer against a bare verl-style gold", async () => {
    assert.equal(await scoreOf(math, {}, "So the answer is $\\boxed{\\frac{1}{2}}$.", "\\frac{1}{2}"), 1);
    assert.equal(await scoreOf(math, {}, "So the answer is $\\boxed{\\frac{1}{3}}$.", "\\frac{1}{2}"), 0);
    assert.equal(await scoreOf(math, {}, "Thus $(x, y) = \\boxed{(3, -1)}$.", "(3,-1)"), 1);
    assert.equal(await scoreOf(math, {}, "The domain is $\\boxed{[-2, 7)}$.", "[-2,7)"), 1);
    assert.equal(await scoreOf(math, {}, "The domain is $\\boxed{(-2, 7)}$.", "[-2,7)"), 0);
    assert.equal(await scoreOf(math, {}, "The answer is $\\boxed{\\text{even}}$.", "\\text{even}"), 1);
    assert.equal(await scoreOf(math, {}, "$\\boxed{\\sqrt{8}}$", "2\\sqrt{2}"), 1);
  });

  it("reads a full solution as the gold (its boxed answer)", async () => {
    const solution = "The roots are $x = 2$ and $x = 3$, so their product is $\\boxed{6}$.";
    assert.equal(await scoreOf(math, {}, "I get 6.", solution), 1);
    assert.equal(await scoreOf(math, {}, "I get 5.", solution), 0);
  });

  it("works on GSM8K: '#### N' golds and completions, numbers as references", async () => {
    assert.equal(await scoreOf(math, {}, "She makes 9 * 2 = $18 a day.\n#### 18", "Janet sells 9 eggs.\n#### 18"), 1);
    assert.equal(await scoreOf(math, {}, "The answer is 18.", "#### 18"), 1);
    assert.equal(await scoreOf(math, {}, "The answer is 1,800.", "#### 1800"), 1);
    assert.equal(await scoreOf(math, {}, "The answer is 17.", "#### 18"), 0);
    assert.equal(await scoreOf(math, {}, "#### 42", 42), 1);
  });

  it("all 1,319 GSM8K test rows: own answer scores 1, changed final number scores 0", async () => {
    const rows = readFileSync(new URL("../../fixtures/gsm8k/test.jsonl", import.meta.url), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { answer: string });
    const same = await scoreWith(math, {}, rows.map((r) => ({ completion: r.answer, reference: r.answer })));
    assert.equal(same.filter((o) => o.score === 1).length, 1319);
    const changed = rows.map((r) => {
      const i = r.answer.lastIndexOf("####");
      const n = Number(r.answer.slice(i + 4).trim().replace(/,/g, ""));
      return { completion: `${r.answer.slice(0, i)}#### ${n + 1}`, reference: r.answer };
    });
    const wrong = await scoreWith(math, {}, changed);
    assert.equal(wrong.filter((o) => o.score === 0 && o.status === "ok").length, 1319);
  });

  it("details carry the extracted gold and prediction as normalized LaTeX", async () => {
    const o = await one(math, {}, "Hence $\\boxed{\\dfrac{3}{4}}$.", "$\\frac34$");
    assert.deepEqual(o, { score: 1, status: "ok", details: { gold: "\\frac34", predicted: "\\frac{3}{4}", how: "\\boxed" } });
    const none = await one(math, {}, "I have no idea.", "5");
    assert.deepEqual(none, { score: 0, status: "ok", details: { gold: "5", predicted: null } });
  });

  it("a wrong but present answer gets format_score; scores are configurable", async () => {
    assert.equal(await scoreOf(math, { format_score: 0.1 }, "$\\boxed{4}$", "5"), 0.1);
    assert.equal(await scoreOf(math, { format_score: 0.1 }, "no answer here", "5"), 0);
    assert.equal(await scoreOf(math, { correct_score: 2 }, "$\\boxed{5}$", "5"), 2);
  });

  it("invalid references are invalid_input, never a silent 0", async () => {
    const missing = await one(math, {}, "$\\boxed{5}$", undefined);
    assert.equal(missing.status, "invalid_input");
    assert.match(missing.reason!, /reference: missing/);
    const empty = await one(math, {}, "$\\boxed{5}$", "   ");
    assert.equal(empty.status, "invalid_input");
    const object = await one(math, {}, "$\\boxed{5}$", { answer: 5 });
    assert.equal(object.status, "invalid_input");
    const prose = await one(math, {}, "$\\boxed{5}$", "no numbers here at all, only words");
    assert.equal(prose.status, "invalid_input");
    assert.match(prose.reason!, /no answer could be extracted/);
  });

  it("a list of references accepts any of them", async () => {
    assert.equal(await scoreOf(math, {}, "$\\boxed{0.5}$", ["\\frac{1}{2}", "50\\%"] as never), 1);
    assert.equal(await scoreOf(math, {}, "$\\boxed{0.4}$", ["\\frac{1}{2}", "50\\%"] as never), 0);
  });

  it("options: require_boxed, targets, float_rounding, strict, allow_set_relation_comp", async () => {
    assert.equal(await scoreOf(math, { require_boxed: true }, "The answer is 5.", "5"), 0);
    assert.equal(await scoreOf(math, { require_boxed: true }, "The answer is $\\boxed{5}$.", "5"), 1);
    assert.equal(await scoreOf(math, { targets: "latex" }, "Answer $ \n 9 \n $", "9"), 0);
    assert.equal(await scoreOf(math, { targets: "both" }, "Answer $ \n 9 \n $", "9"), 1);
    assert.equal(await scoreOf(math, {}, "$\\boxed{0.33}$", "\\frac{1}{3}"), 0);
    assert.equal(await scoreOf(math, { float_rounding: 2 }, "$\\boxed{0.33}$", "\\frac{1}{3}"), 1);
    assert.equal(await scoreOf(math, {}, "$\\boxed{y = 3}$", "x = 3"), 0);
    assert.equal(await scoreOf(math, { strict: false }, "$\\boxed{y = 3}$", "x = 3"), 1);
    assert.equal(await scoreOf(math, {}, "$\\boxed{-2 \\le x \\le 7}$", "x \\in [-2,7]"), 0);
    assert.equal(await scoreOf(math, { allow_set_relation_comp: true }, "$\\boxed{-2 \\le x \\le 7}$", "x \\in [-2,7]"), 1);
  });

  it("boxed_priority: 'first' prefers the box, 'with_final_answer' lets a later final-answer phrase win", async () => {
    const text = "We get $\\boxed{3}$. Final answer: the final answer is $4$";
    assert.equal(await scoreOf(math, {}, text, "3"), 1);
    assert.equal(await scoreOf(math, { boxed_priority: "with_final_answer" }, text, "4"), 1);
  });

  it("reads chat trajectories: the last assistant message is the answer", async () => {
    const completion = [
      { role: "assistant", content: "Let me think: $\\boxed{7}$?" },
      { role: "tool", content: "checked" },
      { role: "assistant", content: [{ type: "text", text: "Final: $\\boxed{8}$" }] },
    ];
    const [o] = await scoreWith(math, {}, [{ completion, reference: "8" }]);
    assert.equal(o!.score, 1);
  });

  it("rejects unknown params and declares a 2 s default deadline, worker threads", () => {
    assert.throws(() => math.params.parse({ rounding: 3 }));
    assert.throws(() => math.params.parse({ float_rounding: -1 }));
    assert.equal(math.defaultDeadlineMs, 2000);
    assert.equal(math.runs, "worker");
    const spec = compileSpec({ rewards: { correct: { type: "math" } } }, { registry: builtinRegistry });
    assert.equal(spec.rewards[0]!.deadlineMs, 2000);
  });

  it("a verification past its deadline is stopped (timeout), the batch still completes", async () => {
    const p = await compile({ rewards: { correct: { type: "math", deadline_ms: 1 } } }, { workers: 1 });
    try {
      const res = await p.score([
        { id: "heavy", prompt: "", completion: "$\\frac{}{}$ ".repeat(18_000), reference: "1" },
        { id: "light", prompt: "", completion: "$\\boxed{1}$", reference: "1" },
      ]);
      assert.equal(res.length, 2);
      assert.equal(res[0]!.components.correct!.status, "timeout");
      assert.match(res[0]!.components.correct!.reason!, /deadline/);
      assert.ok(["ok", "timeout"].includes(res[1]!.components.correct!.status));
    } finally {
      await p.close();
    }
  });

  it("runs in the pipeline's worker threads", async () => {
    const p = await compile({ rewards: { correct: { type: "math" } } }, { workers: 1 });
    try {
      const res = await p.score([
        { id: "a", prompt: "", completion: "The answer is $\\boxed{\\frac{1}{2}}$", reference: "0.5" },
        { id: "b", prompt: "", completion: "The answer is $\\boxed{3}$", reference: "#### 4" },
        { id: "c", prompt: "", completion: "$\\boxed{1}$" },
      ]);
      assert.deepEqual(
        res.map((r) => [r.id, r.components.correct!.status, r.components.correct!.score]),
        [
          ["a", "ok", 1],
          ["b", "ok", 0],
          ["c", "invalid_input", null],
        ],
      );
    } finally {
      await p.close();
    }
  });
});
