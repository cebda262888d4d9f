import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { exactMatch } from "../../../src/rewards/match/exact-match.ts";
import { squadNormalize } from "../../../src/rewards/match/normalize.ts";
import { one, scoreOf } from "../../helpers.ts";

describe("exact_match", () => {
  it("is case and whitespace sensitive as configured", async () => {
    assert.equal(await scoreOf(exactMatch, {}, " Paris\n", "Paris"), 1, "trim is the default");
    assert.equal(await scoreOf(exactMatch, {}, "paris", "Paris"), 0);
    assert.equal(await scoreOf(exactMatch, { case_sensitive: false }, "PARIS", "paris"), 1);
    assert.equal(await scoreOf(exactMatch, { whitespace: "exact" }, " Paris", "Paris"), 0);
    assert.equal(await scoreOf(exactMatch, { whitespace: "collapse" }, "New   York\tCity", "New York City"), 1);
    assert.equal(await scoreOf(exactMatch, { whitespace: "remove" }, "1 000 000", "1000000"), 1);
  });

  it("strips Unicode punctuation and symbols when asked", async () => {
    assert.equal(await scoreOf(exactMatch, { strip_punctuation: true }, "Paris!", "Paris"), 1);
    assert.equal(await scoreOf(exactMatch, { strip_punctuation: true }, "«Paris»", "Paris"), 1);
    assert.equal(await scoreOf(exactMatch, {}, "Paris!", "Paris"), 0);
  });

  it("SQuAD normalization drops articles and ASCII punctuation, lower-cases", async () => {
    assert.equal(squadNormalize("The  Eiffel Tower!"), "eiffel tower");
    assert.equal(squadNormalize("a cat, an owl and the dog."), "cat owl and dog");
    assert.equal(squadNormalize("Theater"), "theater", "articles only as whole words");
    assert.equal(await scoreOf(exactMatch, { squad: true }, "the Eiffel tower.", "Eiffel Tower"), 1);
  });

  it("accepts any of several references and reports which matched", async () => {
    const o = await one(exactMatch, {}, "NYC", ["New York", "NYC"]);
    assert.equal(o.score, 1);
    assert.equal(o.details?.matched, 1);
    assert.equal(await scoreOf(exactMatch, {}, "42", 42), 1, "a number reference");
  });

  it("compares only the last <answer> block when tag is set", async () => {
    assert.equal(await scoreOf(exactMatch, { tag: "answer" }, "<think>maybe 3</think><answer> 4 </answer>", "4"), 1);
    assert.equal(await scoreOf(exactMatch, { tag: "answer" }, "<answer>3</answer> wait <answer>4</answer>", "4"), 1);
    const none = await one(exactMatch, { tag: "answer" }, "4", "4");
    assert.equal(none.score, 0);
    assert.match(String(none.details?.why), /no <answer> tag/);
  });

  it("NFKC makes full-width digits equal", async () => {
    assert.equal(await scoreOf(exactMatch, { unicode_nfkc: true }, "１２", "12"), 1);
    assert.equal(await scoreOf(exactMatch, {}, "１２", "12"), 0);
  });

  it("edge cases: empty completion, empty reference, huge input, chat completion, bad reference", async () => {
    assert.equal(await scoreOf(exactMatch, {}, "", "x"), 0);
    assert.equal(await scoreOf(exactMatch, {}, "", ""), 1);
    assert.equal(await scoreOf(exactMatch, {}, "a".repeat(1_000_000), "a".repeat(1_000_000)), 1);
    const chat = await one(exactMatch, {}, [{ role: "user", content: "q" }, { role: "assistant", content: "Paris" }], "Paris");
    assert.equal(chat.score, 1);
    assert.equal((await one(exactMatch, {}, "x", { a: 1 })).status, "invalid_input");
    assert.equal((await one(exactMatch, {}, "x", undefined)).reason, "reference: missing");
  });
});
