import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { compile } from "../../../src/index.ts";
import { corpusGleu, loadWordNet, meteorScore, pySplit, sentenceGleu, singleMeteorScore } from "../../../src/rewards/text/metrics/index.ts";
import { EDGE } from "./edge-cases.ts";

const near = (got: number, want: number, tol: number, what = "") => assert.ok(Math.abs(got - want) <= tol, `${what}: got ${got}, want ${want} (±${tol})`);
const split = (s: string) => s.split(" ");

const HYP1 = split("It is a guide to action which ensures that the military always obeys the commands of the party");
const HYP2 = split("It is to insure the troops forever hearing the activity guidebook that party direct");
const REF1 = split("It is a guide to action that ensures that the military will forever heed Party commands");
const REF2 = split("It is the guiding principle which guarantees the military forces always being under the command of the Party");
const REF3 = split("It is the practical guide for the army always to heed the directions of the party");

describe("NLTK sentence_gleu / corpus_gleu (gleu_score.py docstrings)", () => {
  it("'the the the ...' vs 'the cat is on the mat': 0.0909...", () => assert.match(String(sentenceGleu([split("the cat is on the mat")], split("the the the the the the the")).score), /^0\.0909/));
  it("hyp1 vs ref1: 0.4393...", () => assert.match(String(sentenceGleu([REF1], HYP1).score), /^0\.4393/));
  it("hyp2 vs ref1: 0.1206...", () => assert.match(String(sentenceGleu([REF1], HYP2).score), /^0\.1206/));
  const HYPB = split("he read the book because he was interested in world history");
  const REFB = split("he was interested in world history because he read the book");
  it("corpus_gleu with three references for the first sentence: 0.5673...", () => assert.match(String(corpusGleu([[REF1, REF2, REF3], [REFB]], [HYP1, HYPB]).score), /^0\.5673/));
  it("mean of the two sentence scores: 0.6144...", () => assert.match(String((sentenceGleu([REF1], HYP1).score + sentenceGleu([REFB], HYPB).score) / 2), /^0\.6144/));
  it("hand-derived: identical 3-token sentences → 6/6 = 1; disjoint → 0; empty both → 0", () => {
    assert.equal(sentenceGleu([split("a b c")], split("a b c")).score, 1);
    assert.equal(sentenceGleu([split("a b c")], split("d e f")).score, 0);
    assert.equal(sentenceGleu([[]], []).score, 0);
  });
  it("hand-derived: 'a b' vs 'a b c' → matches 3 (a, b, a b) / max(3, 6) = 0.5", () => assert.equal(sentenceGleu([split("a b c")], split("a b")).score, 0.5));
  it("best reference wins (the first on a tie)", () => assert.equal(sentenceGleu([split("x y"), split("a b")], split("a b")).score, 1));
  const cases: [string, number][] = [
    ["unicode_fr", 0.5909090909090909],
    ["emoji", 0.2857142857142857],
    ["punct2", 0.6666666666666666],
    ["multi", 0.6111111111111112],
    ["long", 0.6631205673758865],
    ["cjk", 0],
    ["empty_hyp", 0],
  ];
  for (const [k, want] of cases) it(`${k}: ${want} (cross-checked)`, () => near(sentenceGleu(EDGE[k]!.refs.map(pySplit), pySplit(EDGE[k]!.hyp)).score, want, 1e-12));
});

describe("NLTK meteor_score", () => {
  const wordnet = loadWordNet();
  it("test_meteor.py: identical four tokens → 1 - 0.5·(1/4)^3 = 0.9921875", () => {
    assert.equal(meteorScore([split("this is a test"), ["this", "istest"]], split("this is a test"), { wordnet }).score, 0.9921875);
  });
  it("meteor.doctest: no alignment → 0", () => assert.equal(meteorScore([split("The candidate has no alignment to any of the references")], split("John loves Mary"), { wordnet }).score, 0));
  it("meteor.doctest (Wikipedia examples): 0.9977, 0.5, 0.9654", () => {
    near(meteorScore([split("The cat sat on the mat")], split("The cat sat on the mat"), { wordnet }).score, 0.9977, 1e-4);
    assert.equal(meteorScore([split("The cat sat on the mat")], split("on the mat sat the cat"), { wordnet }).score, 0.5);
    near(meteorScore([split("The cat sat on the mat")], split("The cat was sat on the mat"), { wordnet }).score, 0.9654, 5e-5);
  });
  it("meteor.doctest, issue #2751 (stem matches counted once): 0.7806", () => {
    near(meteorScore([split("create or update a vm set")], split("creates or updates a virtual machine scale set"), { wordnet }).score, 0.7806, 5e-5);
  });
  it("three references: 0.69 as Hugging Face evaluate's METEOR card reports from NLTK (0.6944...; the 0.7398 in NLTK's docstring predates NLTK PR #2763)", () => {
    const s = meteorScore([REF1, REF2, REF3], HYP1, { wordnet }).score;
    assert.equal(s.toFixed(2), "0.69");
    near(s, 0.6944444444444445, 1e-12);
    // hand check: 12 matches of 18 and 16 words, 6 chunks: Fmean = (2/3·3/4)/(0.9·2/3 + 0.1·3/4), penalty 0.5·(6/12)^3
    near(singleMeteorScore(REF1, HYP1, { wordnet }).score, (1 - 0.5 * 0.5 ** 3) * ((2 / 3) * (3 / 4)) / (0.9 * (2 / 3) + 0.1 * (3 / 4)), 1e-12);
  });
  it("WordNet stage: 'ran' matches the stem 'run' of 'runs' (verb exception list) → 3/3 matches, 1 chunk", () => {
    near(meteorScore([split("He runs home")], split("He ran home"), { wordnet }).score, 1 - 0.5 / 27, 1e-12);
    // without WordNet only 2 of 3 words match: Fmean = 2/3, chunks 2 → (1 - 0.5·(2/2)^3)·2/3
    near(meteorScore([split("He runs home")], split("He ran home")).score, 0.5 * (2 / 3), 1e-12);
  });
  it("NLTK morphy docstring: dogs→dog, churches→church, aardwolves→aardwolf, abaci→abacus, denied (verb)→deny; hardrock (adv), book (adj) → none", () => {
    const first = (w: string) => (["n", "v", "a", "r"] as const).flatMap((p) => wordnet.morphy(w, p))[0];
    assert.deepEqual(["dogs", "churches", "aardwolves", "abaci"].map(first), ["dog", "church", "aardwolf", "abacus"]);
    assert.deepEqual(wordnet.morphy("denied", "v"), ["deny"]);
    assert.deepEqual(wordnet.morphy("hardrock", "r"), []);
    assert.deepEqual(wordnet.morphy("book", "n"), ["book"]);
    assert.deepEqual(wordnet.morphy("book", "a"), []);
  });
  const cases: [string, number][] = [
    ["unicode_fr", 0.8412698412698414],
    ["emoji", 0.5111111111111111],
    ["punct", 0],
    ["punct2", 0.5],
    ["multi", 0.7433333333333335],
    ["long", 0.6202475323321348],
    ["cjk", 0],
    ["empty_hyp", 0],
    ["spaces_ref", 0],
  ];
  for (const [k, want] of cases) it(`${k}: ${want} (cross-checked; WordNet matches nothing extra here)`, () => near(meteorScore(EDGE[k]!.refs.map(pySplit), pySplit(EDGE[k]!.hyp), { wordnet }).score, want, 1e-12));
});

describe("gleu and meteor rewards", () => {
  it("score, details, and the WordNet switch", async () => {
    const p = await compile({ rewards: { g: { type: "gleu" }, m: { type: "meteor" }, m0: { type: "meteor", wordnet: false } } });
    try {
      const [a, b] = await p.score([
        { id: "1", prompt: "", completion: "He ran home", reference: "He runs home" },
        { id: "2", prompt: "", completion: "", reference: ["He runs home", "x"] },
      ]);
      near(a!.components.m!.score!, 1 - 0.5 / 27, 1e-12);
      near(a!.components.m0!.score!, 1 / 3, 1e-12);
      assert.equal(a!.components.g!.score, 2 / 6);
      assert.deepEqual([b!.components.m!.score, b!.components.g!.score], [0, 0]);
    } finally {
      await p.close();
    }
  });
});
