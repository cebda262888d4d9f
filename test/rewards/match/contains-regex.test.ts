import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { contains } from "../../../src/rewards/match/contains.ts";
import { regex } from "../../../src/rewards/match/regex.ts";
import { one, scoreOf } from "../../helpers.ts";

describe("contains", () => {
  it("looks for the reference or fixed values, any/all/fraction", async () => {
    assert.equal(await scoreOf(contains, {}, "The capital is Paris.", "Paris"), 1);
    assert.equal(await scoreOf(contains, {}, "The capital is paris.", "Paris"), 0);
    assert.equal(await scoreOf(contains, { case_sensitive: false }, "The capital is paris.", "Paris"), 1);
    assert.equal(await scoreOf(contains, { values: ["a", "b", "c"], mode: "all" }, "a b", undefined), 0);
    assert.equal(await scoreOf(contains, { values: ["a", "b", "c", "d"], mode: "fraction" }, "a b c", undefined), 0.75);
    assert.equal(await scoreOf(contains, { values: ["x", "b"] }, "a b", undefined), 1);
    assert.equal(await scoreOf(contains, {}, "blue and red", ["green", "red"]), 1);
  });

  it("negate turns it into a banned-phrase check", async () => {
    assert.equal(await scoreOf(contains, { values: ["As an AI"], negate: true }, "As an AI model, I", undefined), 0);
    assert.equal(await scoreOf(contains, { values: ["As an AI"], negate: true }, "Sure.", undefined), 1);
  });

  it("edge cases", async () => {
    assert.equal(await scoreOf(contains, {}, "", "x"), 0);
    assert.equal(await scoreOf(contains, {}, "日本の首都は東京です", "東京"), 1);
    assert.equal(await scoreOf(contains, {}, "y".repeat(2_000_000) + "needle", "needle"), 1);
    assert.equal((await one(contains, {}, "x", undefined)).status, "invalid_input");
  });
});

describe("regex", () => {
  it("search and full modes, flags, negate", async () => {
    assert.equal(await scoreOf(regex, { pattern: "\\\\boxed\\{[^}]+\\}" }, "so \\boxed{4}.", undefined), 1);
    assert.equal(await scoreOf(regex, { pattern: "\\d+", mode: "full" }, " 42 ", undefined), 1);
    assert.equal(await scoreOf(regex, { pattern: "\\d+", mode: "full" }, "42 apples", undefined), 0);
    assert.equal(await scoreOf(regex, { pattern: "yes", flags: "i" }, "YES", undefined), 1);
    assert.equal(await scoreOf(regex, { pattern: "sorry", negate: true }, "Sorry, no", undefined), 1);
    assert.equal(await scoreOf(regex, { pattern: "sorry", flags: "i", negate: true }, "Sorry, no", undefined), 0);
  });

  it("compares a capture group with the reference", async () => {
    const p = { pattern: "ANSWER: (?<ans>\\w+)", compare_group: "ans" };
    assert.equal(await scoreOf(regex, p, "ANSWER: blue", "blue"), 1);
    assert.equal(await scoreOf(regex, p, "ANSWER: red", "blue"), 0);
    assert.equal(await scoreOf(regex, { pattern: "=(\\d+)", compare_group: 1 }, "x=12", "12"), 1);
    const o = await one(regex, p, "nothing", "blue");
    assert.deepEqual([o.score, o.details?.captured], [0, null]);
  });

  it("rejects an invalid pattern at validation, naming the field", () => {
    const r = regex.params.safeParse({ pattern: "(unclosed" });
    assert.equal(r.success, false);
    assert.deepEqual(r.error!.issues[0]!.path, ["pattern"]);
    assert.match(r.error!.issues[0]!.message, /not a valid regular expression/);
    assert.equal(regex.params.safeParse({ pattern: "x", flags: "g" }).success, false);
  });

  it("edge cases: empty text, unicode", async () => {
    assert.equal(await scoreOf(regex, { pattern: "^$" }, "", undefined), 1);
    assert.equal(await scoreOf(regex, { pattern: "\\p{Script=Han}+", flags: "u" }, "答案", undefined), 1);
  });
});
