import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { lengthPenalty, overlongPenalty } from "../../../src/rewards/match/length-penalty.ts";
import { repeatedNgramRatio, repetitionPenalty } from "../../../src/rewards/match/repetition-penalty.ts";
import { pySplit } from "../../../src/rewards/match/words.ts";
import { one, scoreOf } from "../../helpers.ts";

describe("length_penalty", () => {
  it("DAPO soft overlong punishment (paper-formulas §16 worked example)", () => {
    // L_max = 20480, L_cache = 4096: the penalty starts at 16384.
    const start = 20480 - 4096;
    assert.equal(overlongPenalty(15000, start, 20480), 0);
    assert.equal(overlongPenalty(16384, start, 20480), 0);
    assert.equal(overlongPenalty(18000, start, 20480).toFixed(4), "-0.3945"); // (16384 − 18000) / 4096
    assert.equal(overlongPenalty(20480, start, 20480), -1);
    assert.equal(overlongPenalty(21000, start, 20480), -1);
  });

  it("counts words or characters of the completion", async () => {
    const text = "one two three four five six"; // 6 words, 27 chars
    assert.equal(await scoreOf(lengthPenalty, { mode: "dapo", max: 8, cache: 4 }, text), -0.5); // (4 − 6) / 4
    assert.equal(await scoreOf(lengthPenalty, { mode: "linear", target: 2, max: 10 }, text), -0.5); // −(6 − 2) / 8
    assert.equal(await scoreOf(lengthPenalty, { mode: "linear", unit: "chars", target: 17, max: 37 }, text), -0.5); // −(27 − 17) / 20
    assert.equal(await scoreOf(lengthPenalty, { mode: "linear", target: 2, max: 10, as_reward: true }, text), 0.5);
    assert.equal(await scoreOf(lengthPenalty, { mode: "linear", target: 2, max: 10, factor: 0.5 }, text), -0.25);
    const o = await one(lengthPenalty, { mode: "linear", target: 2, max: 10 }, text);
    assert.deepEqual(o.details, { length: 6, unit: "words" });
  });

  it("characters are code points: an emoji is one", async () => {
    assert.equal((await one(lengthPenalty, { mode: "linear", unit: "chars", target: 1, max: 3 }, "🚀🚀")).details?.length, 2);
  });

  it("empty completion has no penalty; huge one is -1", async () => {
    assert.equal(await scoreOf(lengthPenalty, { mode: "linear", target: 2, max: 10 }, ""), 0);
    assert.equal(await scoreOf(lengthPenalty, { mode: "linear", target: 2, max: 10 }, "w ".repeat(1_000_000)), -1);
  });

  it("validates the parameters of each mode by name", () => {
    const noTarget = lengthPenalty.params.safeParse({ mode: "linear", max: 10 });
    assert.equal(noTarget.success, false);
    assert.deepEqual(noTarget.error!.issues[0]!.path, ["target"]);
    const noCache = lengthPenalty.params.safeParse({ mode: "dapo", max: 10 });
    assert.deepEqual(noCache.error!.issues[0]!.path, ["cache"]);
    assert.equal(lengthPenalty.params.safeParse({ mode: "linear", target: 10, max: 10 }).success, false);
  });
});

describe("repetition_penalty", () => {
  it("ratio of repeated n-grams × max_penalty (TRL / open-r1)", async () => {
    // "a b a b a b": 3-grams aba bab aba bab → 4 total, 2 distinct → 1 − 2/4 = 0.5
    assert.deepEqual(repeatedNgramRatio("a b a b a b", 3), { ratio: 0.5, total: 4, distinct: 2 });
    assert.equal(await scoreOf(repetitionPenalty, {}, "a b a b a b"), -0.5);
    assert.equal(await scoreOf(repetitionPenalty, { max_penalty: -2 }, "a b a b a b"), -1);
    // lower-cased first: "The the THE the" bigrams: "the the" ×3 → 1 − 1/3
    assert.equal((await scoreOf(repetitionPenalty, { ngram_size: 2 }, "The the THE the"))!.toFixed(6), (-(2 / 3)).toFixed(6));
    assert.equal(await scoreOf(repetitionPenalty, {}, "all words here are unique ones"), 0);
  });

  it("fewer words than n, or empty, gives 0", async () => {
    assert.equal(await scoreOf(repetitionPenalty, {}, "two words"), 0);
    assert.equal(await scoreOf(repetitionPenalty, {}, ""), 0);
    assert.equal(Object.is(await scoreOf(repetitionPenalty, {}, "x y z"), 0), true, "a plain 0, not -0");
  });

  it("splits like Python str.split (unicode whitespace)", () => {
    assert.deepEqual(pySplit("  a\u3000b\u00a0c\n"), ["a", "b", "c"]);
    assert.deepEqual(pySplit("a\ufeffb"), ["a\ufeffb"], "U+FEFF is not whitespace in Python");
    assert.deepEqual(pySplit(""), []);
  });

  it("huge repetitive input approaches the max penalty", async () => {
    const s = (await scoreOf(repetitionPenalty, {}, "spam ".repeat(100_000)))!;
    assert.ok(s < -0.9999 && s >= -1);
  });

  it("max_penalty must not be positive", () => {
    assert.equal(repetitionPenalty.params.safeParse({ max_penalty: 1 }).success, false);
  });
});
