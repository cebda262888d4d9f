import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { compile } from "../../../src/index.ts";
import { computeBleu, corpusBleu, nltkBrevityPenalty, nltkCorpusBleu, nltkSentenceBleu, modifiedPrecision, sentenceBleu, tokenize13a, pySplit } from "../../../src/rewards/text/metrics/index.ts";
import { EDGE } from "./edge-cases.ts";

const near = (got: number | undefined, want: number, tol: number, what = "") => {
  assert.ok(got !== undefined, `${what}: undefined`);
  assert.ok(Math.abs(got - want) <= tol, `${what}: got ${got}, want ${want} (±${tol})`);
};

// sacreBLEU README / test/test_bleu.py: the two-reference corpus
const REFS_A = ["The dog bit the man.", "It was not unexpected.", "The man bit him first."];
const REFS_B = ["The dog had bit the man.", "No one was surprised.", "The man had bitten the dog."];
const SYS = ["The dog bit the man.", "It wasn't surprising.", "The man had just bitten him."];
const perSegment = SYS.map((_, i) => [REFS_A[i]!, REFS_B[i]!]);

describe("sacreBLEU corpus BLEU (test/test_bleu.py, README)", () => {
  it("default settings: 48.530827 (two references per segment)", () => near(corpusBleu(SYS, perSegment)!.score, 48.530827, 1e-6));
  it("README verbose line: 82.4/50.0/45.5/37.5, BP 0.943, hyp_len 17, ref_len 18", () => {
    const r = corpusBleu(SYS, perSegment)!;
    assert.deepEqual(r.precisions.map((p) => p.toFixed(1)), ["82.4", "50.0", "45.5", "37.5"]);
    assert.equal(r.bp.toFixed(3), "0.943");
    assert.equal(r.sysLen, 17);
    assert.equal(r.refLen, 18);
  });
  it("empty hypotheses are kept and score 0.0", () => near(corpusBleu(["", "", ""], perSegment)!.score, 0, 0));
  it("tokenize none: 49.1919566", () => near(corpusBleu(SYS, perSegment, { tokenize: "none" })!.score, 49.1919566, 1e-6));
  it("tokenize intl: 43.91623493", () => near(corpusBleu(SYS, perSegment, { tokenize: "intl" })!.score, 43.91623493, 1e-6));
  it("smooth_method none: 48.530827", () => near(corpusBleu(SYS, perSegment, { smoothMethod: "none" })!.score, 48.530827, 1e-6));
  it("README variable number of references: the first segment keeps only its second reference → 29.44", () => {
    const refs = [["", REFS_B[0]!], [REFS_A[1]!, REFS_B[1]!], [REFS_A[2]!, REFS_B[2]!]];
    const r = corpusBleu(SYS, refs)!;
    assert.equal(r.score.toFixed(2), "29.44");
    assert.deepEqual(r.precisions.map((p) => p.toFixed(1)), ["82.4", "42.9", "27.3", "12.5"]);
    assert.deepEqual([r.bp.toFixed(3), r.sysLen, r.refLen], ["0.889", 17, 19]);
    // a segment whose references are all empty is rejected, as sacreBLEU raises
    assert.equal(corpusBleu(SYS, [[""], [REFS_A[1]!], [REFS_A[2]!]]), undefined);
  });
  for (const [order, want] of [[1, "77.65"], [2, "60.50"], [3, "53.93"], [4, "48.53"], [5, "46.14"], [6, "43.28"]] as const) {
    it(`max_ngram_order ${order}: ${want}`, () => assert.equal(corpusBleu(SYS, perSegment, { maxNgramOrder: order })!.score.toFixed(2), want));
  }
});

describe("sacreBLEU raw_corpus_bleu cases (test_bleu.py: tokenize none, floor, effective order)", () => {
  const raw = (h: string[], r: string[][], v: number) => corpusBleu(h, r, { tokenize: "none", smoothMethod: "floor", smoothValue: v, effectiveOrder: true })!.score / 100;
  it("no match at all returns 0.0 (#141)", () => near(raw(["this is a test", "another test"], [["ref1"], ["ref2"]], 0.01), 0, 1e-8));
  it("identical: 1.0", () => near(raw(["this is a test"], [["this is a test"]], 0.01), 1, 1e-8));
  it("one substitution: 0.223606797749979", () => near(raw(["this is a fest"], [["this is a test"]], 0.01), 0.223606797749979, 1e-8));
  it("effective order, short hypothesis: 0.3678794411714425", () => near(raw(["test"], [["a test"]], 0.01), 0.3678794411714425, 1e-8));
  it("effective order, exact: 1.0", () => near(raw(["a test"], [["a test"]], 0.01), 1, 1e-8));
  it("effective order, longer: 0.03218297948685433", () => near(raw(["a little test"], [["a test"]], 0.01), 0.03218297948685433, 1e-8));
  it("statistics [4,2,1,0] / [6,5,4,3]", () => {
    const r = corpusBleu(["am I am a character sequence"], [["I am a symbol string sequence a a"]], { tokenize: "none", smoothMethod: "floor", smoothValue: 0.01, effectiveOrder: true })!;
    assert.deepEqual(r.counts, [4, 2, 1, 0]);
    assert.deepEqual(r.totals, [6, 5, 4, 3]);
  });
  it("offset: floor 0.1 gives 0.1555722182, floor 0 gives 0", () => {
    near(raw(["am I am a character sequence"], [["I am a symbol string sequence a a"]], 0.1), 0.1555722182, 1e-8);
    near(raw(["am I am a character sequence"], [["I am a symbol string sequence a a"]], 0), 0, 1e-8);
  });
  it("compute_bleu from statistics: 0.8375922397", () => near(computeBleu([9, 7, 5, 3], [10, 8, 6, 4], 11, 11, { smoothMethod: "none" }).score / 100, 0.8375922397, 1e-8));
  it("degenerate statistics score 0", () => {
    near(computeBleu([0, 0, 0, 0], [4, 4, 2, 1], 0, 1, { smoothMethod: "floor", smoothValue: 0 }).score, 0, 0);
    near(computeBleu([6, 5, 4, 0], [6, 5, 4, 3], 6, 6, { smoothMethod: "floor", smoothValue: 0 }).score, 0, 0);
    near(computeBleu([0, 0, 0, 0], [0, 0, 0, 0], 1, 5, { smoothMethod: "floor", smoothValue: 0.01 }).score, 0, 0);
  });
});

describe("sacreBLEU sentence BLEU (test/test_sentence_bleu.py, issue #98: Romanian, unicode)", () => {
  const REF = "producţia de zahăr brut se exprimă în zahăr alb;";
  const HYP = "Producția de zahăr primă va fi exprimată în ceea ce privește zahărul alb;";
  const cases: [string, Parameters<typeof sentenceBleu>[2], number][] = [
    ["exp", {}, 8.493],
    ["none", { smoothMethod: "none" }, 0],
    ["floor default 0.1", { smoothMethod: "floor" }, 4.51688],
    ["floor 0.5", { smoothMethod: "floor", smoothValue: 0.5 }, 10.1],
    ["add-k default 1", { smoothMethod: "add-k" }, 14.882],
    ["add-k 2", { smoothMethod: "add-k", smoothValue: 2 }, 21.389],
    ["tokenize none", { tokenize: "none" }, 7.347],
    ["tokenize intl", { tokenize: "intl" }, 8.493],
  ];
  for (const [name, opts, want] of cases) it(`${name}: ${want}`, () => near(sentenceBleu(HYP, [REF], opts)!.score, want, 1e-3));
  it("issue #141: no overlap is 0 whatever the smoothing", () => {
    for (const smoothMethod of ["exp", "none", "floor", "add-k"] as const) near(sentenceBleu("this is a cat", ["okay thanks"], { smoothMethod })!.score, 0, 0);
  });
});

describe("sacreBLEU 13a tokenizer", () => {
  it("pads symbols, splits periods/commas except between digits, dash after a digit", () => {
    assert.equal(tokenize13a("Hello, world! It's 3.14 and 1,000-2 (ok)."), "Hello , world ! It's 3.14 and 1,000 - 2 ( ok ) .");
    assert.equal(tokenize13a("&quot;hi&quot; &amp; &lt;b&gt; <skipped>x"), '" hi " & < b > x');
    assert.equal(tokenize13a("line-\nbreak\nnext"), "linebreak next");
    assert.equal(tokenize13a("😀. é,"), "😀 . é ,");
  });
});

describe("sentence BLEU edge cases (hand-derived or cross-checked, see test/fixtures/text/README.md)", () => {
  it("punctuation only '?!' vs '!?': tokens '? !' vs '! ?', p1 = 100, p2 = 100/(2·1) → sqrt(100·50)", () => near(sentenceBleu(EDGE.punct!.hyp, EDGE.punct!.refs)!.score, Math.sqrt(5000), 1e-9));
  it("punctuation only '... !!!' vs '!!! ...': 50.81327481546149", () => near(sentenceBleu(EDGE.punct2!.hyp, EDGE.punct2!.refs)!.score, 50.81327481546149, 1e-9));
  it("French with an apostrophe: 59.4603557501361", () => near(sentenceBleu(EDGE.unicode_fr!.hyp, EDGE.unicode_fr!.refs)!.score, 59.4603557501361, 1e-9));
  it("CJK without spaces is one token each side: 0", () => near(sentenceBleu(EDGE.cjk!.hyp, EDGE.cjk!.refs)!.score, 0, 0));
  it("emoji (astral code points): 25.40663740773074", () => near(sentenceBleu(EDGE.emoji!.hyp, EDGE.emoji!.refs)!.score, 25.40663740773074, 1e-9));
  it("three references: 79.52707287670508", () => near(sentenceBleu(EDGE.multi!.hyp, EDGE.multi!.refs)!.score, 79.52707287670508, 1e-9));
  it("long input (~1,200 words): 69.59912107613522", () => near(sentenceBleu(EDGE.long!.hyp, EDGE.long!.refs)!.score, 69.59912107613522, 1e-9));
  it("a long hypothesis equal to the reference minus its last word: 100·exp(1 - r/h)", () => {
    const ref = Array.from({ length: 500 }, (_, i) => `w${i}`).join(" ");
    const hyp = ref.split(" ").slice(0, -1).join(" ");
    near(sentenceBleu(hyp, [ref])!.score, 100 * Math.exp(1 - 500 / 499), 1e-9);
  });
  it("empty hypothesis: 0; whitespace-only reference: 0; empty reference: rejected", () => {
    near(sentenceBleu("", ["The cat."])!.score, 0, 0);
    near(sentenceBleu("The cat.", ["   "])!.score, 0, 0);
    assert.equal(sentenceBleu("The cat.", [""]), undefined);
    near(sentenceBleu("The cat.", ["", "The cat."])!.score, 100, 1e-9);
  });
});

describe("NLTK sentence_bleu / corpus_bleu (bleu_score.py docstrings, test_bleu.py)", () => {
  const hyp1 = "It is a guide to action which ensures that the military always obeys the commands of the party".split(" ");
  const hyp2 = "It is to insure the troops forever hearing the activity guidebook that party direct".split(" ");
  const ref1 = "It is a guide to action that ensures that the military will forever heed Party commands".split(" ");
  const ref2 = "It is the guiding principle which guarantees the military forces always being under the command of the Party".split(" ");
  const ref3 = "It is the practical guide for the army always to heed the directions of the party".split(" ");
  const m0 = { smoothing: "method0" } as const;
  it("three references, no smoothing: 0.5045...", () => assert.equal(nltkSentenceBleu([ref1, ref2, ref3], hyp1, m0).score.toFixed(4), "0.5046"));
  it("no 3/4-gram overlap, no smoothing: rounds to 0.0", () => assert.equal(Number(nltkSentenceBleu([ref1, ref2, ref3], hyp2, m0).score.toFixed(4)), 0));
  it("same with chencherry.method1: 0.0370...", () => assert.match(String(nltkSentenceBleu([ref1, ref2, ref3], hyp2).score), /^0\.0370/));
  it("BLEU-5 with uniform weights: 0.3920...", () => assert.match(String(nltkSentenceBleu([ref1, ref2, ref3], hyp1, { ...m0, weights: [0.2, 0.2, 0.2, 0.2, 0.2] }).score), /^0\.3920/));
  it("one reference, method0 and method1: 0.4118...", () => {
    assert.match(String(nltkSentenceBleu([ref1], hyp1, m0).score), /^0\.4118/);
    assert.match(String(nltkSentenceBleu([ref1], hyp1).score), /^0\.4118/);
  });
  it("corpus_bleu: 0.5920...; mean of sentence scores 0.6223...", () => {
    const hypB = "he read the book because he was interested in world history".split(" ");
    const refB = "he was interested in world history because he read the book".split(" ");
    assert.match(String(nltkCorpusBleu([[ref1, ref2, ref3], [refB]], [hyp1, hypB], m0).score), /^0\.5920/);
    const mean = (nltkSentenceBleu([ref1, ref2, ref3], hyp1, m0).score + nltkSentenceBleu([refB], hypB, m0).score) / 2;
    assert.match(String(mean), /^0\.6223/);
  });
  it("modified precision: 0.2857, 1.0, 1.0, 0.9444, 0.5714, 0.5882352941176471, 0.07692", () => {
    const p = (refs: string[][], hyp: string[], n: number) => {
      const [a, b] = modifiedPrecision(refs, hyp, n);
      return a / b;
    };
    assert.equal(p(["the cat is on the mat".split(" "), "there is a cat on the mat".split(" ")], "the the the the the the the".split(" "), 1).toFixed(4), "0.2857");
    assert.equal(p([ref1, ref2, ref3], ["of", "the"], 1), 1);
    assert.equal(p([ref1, ref2, ref3], ["of", "the"], 2), 1);
    assert.equal(p([ref1, ref2, ref3], hyp1, 1).toFixed(4), "0.9444");
    assert.equal(p([ref1, ref2, ref3], hyp2, 1).toFixed(4), "0.5714");
    assert.equal(p([ref1, ref2, ref3], hyp1, 2), 0.5882352941176471);
    assert.equal(p([ref1, ref2, ref3], hyp2, 2).toFixed(5), "0.07692");
  });
  it("brevity penalty: 0.2635971381157267, 0.9200..., 0.8668...", () => {
    assert.equal(nltkBrevityPenalty(28, 12), 0.2635971381157267);
    assert.match(String(nltkBrevityPenalty(13, 12)), /^0\.9200/);
    assert.match(String(nltkBrevityPenalty(8, 7)), /^0\.8668/);
    assert.equal(nltkBrevityPenalty(12, 12), 1);
  });
  it("zero matches, empty hypothesis, empty references: 0", () => {
    const refs = ["The candidate has no alignment to any of the references".split(" ")];
    assert.equal(nltkSentenceBleu(refs, "John loves Mary".split(" ")).score, 0);
    assert.equal(nltkSentenceBleu(refs, []).score, 0);
    assert.equal(nltkSentenceBleu([[]], "John loves Mary".split(" ")).score, 0);
    assert.equal(nltkSentenceBleu([[]], []).score, 0);
  });
  it("full match with weights up to the hypothesis length: 1.0", () => {
    for (let n = 1; n < 3; n++) assert.equal(nltkSentenceBleu(["John loves Mary".split(" ")], "John loves Mary".split(" "), { ...m0, weights: Array(n).fill(1 / n) }).score, 1);
  });
  it("edge cases on whitespace tokens: unicode, punctuation-only, multi-reference, long", () => {
    const s = (k: string, opts = {}) => nltkSentenceBleu(EDGE[k]!.refs.map(pySplit), pySplit(EDGE[k]!.hyp), opts).score;
    near(s("unicode_fr"), 0.488923022434901, 1e-12);
    near(s("emoji"), 0.12574334296829354, 1e-12);
    near(s("emoji", m0), 9.283142785759642e-155, 1e-160);
    near(s("punct2"), 0.1778279410038923, 1e-12);
    near(s("multi"), 0.7071067811865475, 1e-12);
    near(s("long"), 0.6417072620714531, 1e-12);
  });
});

describe("bleu reward", () => {
  it("scores 0–1 with the raw 0–100 number in details, and rejects bad references", async () => {
    const p = await compile({ rewards: { b: { type: "bleu" }, n: { type: "bleu", implementation: "nltk" } } });
    try {
      const res = await p.score([
        { id: "1", prompt: "", completion: SYS[0]!, reference: perSegment[0] },
        { id: "2", prompt: "", completion: [{ role: "assistant", content: EDGE.multi!.hyp }], reference: EDGE.multi!.refs },
        { id: "3", prompt: "", completion: "x", reference: "" },
        { id: "4", prompt: "", completion: "x", reference: 7 },
        { id: "5", prompt: "", completion: "", reference: "The cat." },
      ]);
      const b = res.map((r) => r.components.b!);
      assert.equal(b[0]!.score, 1);
      near(b[1]!.score!, 0.7952707287670508, 1e-12);
      near(b[1]!.details!.bleu as number, 79.52707287670508, 1e-9);
      assert.equal(b[2]!.status, "invalid_input");
      assert.match(b[2]!.reason!, /^reference: every reference is an empty string/);
      assert.equal(b[3]!.status, "invalid_input");
      assert.match(b[3]!.reason!, /^reference: expected a string or a list of strings/);
      assert.deepEqual([b[4]!.status, b[4]!.score], ["ok", 0]);
      const n = res.map((r) => r.components.n!);
      near(n[1]!.score!, 0.7071067811865475, 1e-12);
      assert.deepEqual([n[2]!.status, n[2]!.score], ["ok", 0], "NLTK scores an empty reference 0 rather than failing");
    } finally {
      await p.close();
    }
  });
});
