import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { extractGsm8kAnswer, gsm8k } from "../../../src/rewards/match/gsm8k.ts";
import { one, scoreOf, scoreWith } from "../../helpers.ts";

describe("gsm8k", () => {
  it("extracts #### first, then 'the answer is', then the last number", () => {
    assert.deepEqual(extractGsm8kAnswer("so 3 + 4 = 7\n#### 7", false), { raw: "7", how: "####" });
    assert.deepEqual(extractGsm8kAnswer("It costs 5 and 6. The answer is $1,200.", false), { raw: "$1,200", how: "answer is" });
    assert.deepEqual(extractGsm8kAnswer("first 12 then 15 apples", false), { raw: "15", how: "last number" });
    assert.equal(extractGsm8kAnswer("first 12 then 15 apples", true), undefined);
    assert.equal(extractGsm8kAnswer("no digits here", false), undefined);
  });

  it("compares numerically: commas, currency, percent, trailing zeros, negatives", async () => {
    assert.equal(await scoreOf(gsm8k, {}, "#### 1,000", "1000"), 1);
    assert.equal(await scoreOf(gsm8k, {}, "The answer is $18.00", "#### 18"), 1);
    assert.equal(await scoreOf(gsm8k, {}, "that is 45%", "45"), 1);
    assert.equal(await scoreOf(gsm8k, {}, "#### -3", "-3"), 1);
    assert.equal(await scoreOf(gsm8k, {}, "#### 3", "-3"), 0);
    assert.equal(await scoreOf(gsm8k, {}, "so 18 dollars", "18"), 1);
    assert.equal(await scoreOf(gsm8k, {}, "#### 17", "#### 18"), 0);
  });

  it("reads a numeric reference and a full GSM8K solution as the gold", async () => {
    assert.equal(await scoreOf(gsm8k, {}, "#### 42", 42), 1);
    assert.equal(await scoreOf(gsm8k, {}, "#### 42", "He has 6*7=<<6*7=42>>42\n#### 42"), 1);
  });

  it("calculator annotations do not count as the last number", async () => {
    assert.equal(await scoreOf(gsm8k, {}, "6*7=<<6*7=42>>42 apples", "42"), 1);
  });

  it("gives format_score for a wrong but present answer, 0 when there is none", async () => {
    assert.equal(await scoreOf(gsm8k, { format_score: 0.1 }, "#### 5", "6"), 0.1);
    assert.equal(await scoreOf(gsm8k, { format_score: 0.1 }, "I don't know", "6"), 0);
    assert.equal(await scoreOf(gsm8k, { strict: true }, "The answer is 6", "6"), 0);
  });

  it("edge cases: empty completion, unicode, huge input, missing reference", async () => {
    assert.equal(await scoreOf(gsm8k, {}, "", "6"), 0);
    assert.equal(await scoreOf(gsm8k, {}, "答案是 12。所以 #### 12", "12"), 1);
    const huge = "blah 7 ".repeat(200_000) + "#### 9";
    assert.equal(await scoreOf(gsm8k, {}, huge, "9"), 1);
    const missing = await one(gsm8k, {}, "#### 9", undefined);
    assert.equal(missing.status, "invalid_input");
    assert.match(missing.reason!, /reference: missing/);
    const bad = await one(gsm8k, {}, "#### 9", "no number");
    assert.equal(bad.status, "invalid_input");
  });

  it("details say what was extracted", async () => {
    const o = await one(gsm8k, {}, "The answer is 7", "8");
    assert.deepEqual(o.details, { extracted: 7, expected: 8, how: "answer is" });
  });

  it("all 1,319 GSM8K test rows: own answer scores 1, changed final number scores 0", async () => {
    const rows = readFileSync(new URL("../../fixtures/gsm8k/test.jsonl", import.meta.url), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { answer: string });
    assert.equal(rows.length, 1319);
    const same = await scoreWith(gsm8k, {}, rows.map((r) => ({ completion: r.answer, reference: r.answer })));
    assert.equal(same.filter((o) => o.score === 1).length, 1319);
    const changed = rows.map((r) => {
      const i = r.answer.lastIndexOf("####");
      const n = Number(r.answer.slice(i + 4).trim().replace(/,/g, ""));
      return { completion: `${r.answer.slice(0, i)}#### ${n + 1}`, reference: r.answer };
    });
    const wrong = await scoreWith(gsm8k, {}, changed);
    assert.equal(wrong.filter((o) => o.score === 0 && o.status === "ok").length, 1319);
  });
});
