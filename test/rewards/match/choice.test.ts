import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { choice, goldLetter, makeChoiceExtractor } from "../../../src/rewards/match/choice.ts";
import { one, scoreOf } from "../../helpers.ts";

describe("choice", () => {
  const extract = makeChoiceExtractor("ABCD");
  const cases: [string, string | undefined][] = [
    ["The answer is (B)", "B"],
    ["Answer: b", "B"],
    ["answer: (c).", "C"],
    ["**Answer:** D", "D"],
    ["The correct option is C because ...", "C"],
    ["Therefore the final answer is \\boxed{A}.", "A"],
    ["\\boxed{\\text{(C)}}", "C"],
    ["Let's think. (A) is wrong, (B) is wrong, so the answer is D.", "D"],
    ["B) Paris is the capital", "B"],
    ["Reasoning...\nSo I pick C", "C"],
    ["C", "C"],
    ["(d)", "D"],
    ["The answer is a prime number", undefined],
    ["I think the answer is A, no wait, the answer is B.", "B"],
    ["none of these", undefined],
    ["", undefined],
  ];
  for (const [text, want] of cases) {
    it(`reads ${JSON.stringify(text)} as ${want ?? "nothing"}`, () => {
      assert.equal(extract(text)?.letter, want);
    });
  }

  it("gold letters from letters, parentheses and indices", () => {
    assert.equal(goldLetter("B", "ABCD", 0), "B");
    assert.equal(goldLetter("(c)", "ABCD", 0), "C");
    assert.equal(goldLetter("D. Paris", "ABCD", 0), "D");
    assert.equal(goldLetter(2, "ABCD", 0), "C", "MMLU's 0-based index");
    assert.equal(goldLetter(2, "ABCD", 1), "B");
    assert.equal(goldLetter("E", "ABCD", 0), undefined);
  });

  it("scores against the gold", async () => {
    assert.equal(await scoreOf(choice, { letters: "ABCD" }, "The answer is (B)", "B"), 1);
    assert.equal(await scoreOf(choice, { letters: "ABCD" }, "The answer is (B)", 2), 0);
    assert.equal(await scoreOf(choice, {}, "no letter here", "A"), 0);
    const bad = await one(choice, { letters: "ABCD" }, "A", "Z");
    assert.equal(bad.status, "invalid_input");
    assert.equal((await one(choice, {}, "A", undefined)).reason, "reference: missing");
  });

  it("long runs of spaces after an answer phrase do not stall it (no polynomial backtracking)", () => {
    assert.equal(extract("answer" + " ".repeat(50_000) + "x")?.letter, undefined);
    assert.equal(extract("Answer:" + " \t*".repeat(20_000) + "B")?.letter, "B");
  });

  it("huge input stays fast and unicode is fine", async () => {
    assert.equal(await scoreOf(choice, {}, "x ".repeat(500_000) + "Answer: C", "C"), 1);
    assert.equal(await scoreOf(choice, {}, "答案是 (B)", "B"), 1);
  });
});
