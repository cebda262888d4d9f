import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { lines, paragraphs, segment, sentences, steps, subSentences, tags } from "../../src/dense/index.ts";
import { SegmentTimeoutError } from "../../src/dense/segment.ts";

const texts = (spans: { text: string }[]) => spans.map((s) => s.text);

describe("segmenters", () => {
  it("sentences: abbreviations and initials do not split; quotes close a sentence; newlines split", () => {
    const t = 'Dr. Smith arrived at 3 p.m. today. He said "Hi!" Then J. Doe left.\nNew line here';
    assert.deepEqual(texts(sentences(t)), ["Dr. Smith arrived at 3 p.m. today.", 'He said "Hi!"', "Then J. Doe left.", "New line here"]);
    const s = sentences(t);
    assert.equal(t.slice(s[1]!.start, s[1]!.end), 'He said "Hi!"');
    assert.deepEqual(texts(sentences("価格は3.5円です。次へ。")), ["価格は3.5円です。", "次へ。"]);
  });
  it("subsentences follow Fine-Grained RLHF's rule (min 5 words, merge short pieces)", () => {
    // words: I went to the store, | and I bought some milk, | eggs, ...
    // "store," (word 4) -> word 5 starts (5 words before it, 5 + 5 < 17 words)
    // "milk," (word 9) -> word 10 starts; "eggs," (word 10) -> only 1 word since word 10: move the start to 11
    // "bread," (word 11) -> 12 + 5 = 17, not < 17: no split
    const t = "I went to the store, and I bought some milk, eggs, bread, and cheese for the week.";
    assert.deepEqual(texts(subSentences(t)), ["I went to the store,", "and I bought some milk, eggs,", "bread, and cheese for the week."]);
  });
  it("lines, paragraphs, steps, tags", () => {
    assert.deepEqual(texts(lines("a\n\n  b  \nc")), ["a", "b", "c"]);
    assert.deepEqual(texts(paragraphs("one\ntwo\n\nthree\n \nfour")), ["one\ntwo", "three", "four"]);
    const st = steps("Let me think.\nStep 1: add 2.\nStep 2: done\n");
    assert.deepEqual(st.map((s) => [s.label, s.text]), [["step 1", "Step 1: add 2."], ["step 2", "Step 2: done"]]);
    assert.equal(steps("Intro\nStep 1: x", { preamble: true })[0]!.label, "preamble");
    assert.deepEqual(texts(tags("<step>a b</step> junk <step id=2>\nc\n</step>")), ["a b", "c"]);
    assert.deepEqual(texts(segment("<think>x</think>", "tags", { tag: "think" })), ["x"]);
    assert.throws(() => segment("x", "words" as never), /segment by: expected one of/);
  });

  it("a custom step marker is matched like the default one, and one that backtracks catastrophically is stopped", () => {
    const st = steps("intro\n## 1 add\n## 2 done", { marker: "##\\s*(\\d+)" });
    assert.deepEqual(st.map((s) => [s.label, s.text]), [["step 1", "## 1 add"], ["step 2", "## 2 done"]]);
    assert.throws(() => steps("a".repeat(40), { marker: "(a+)+b", timeoutMs: 50 }), (e: Error) => e instanceof SegmentTimeoutError && e.name === "TimeoutError" && /step marker ran past 50 ms/.test(e.message));
  });
});
