import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { compile } from "../../../src/index.ts";
import { chrfWords, corpusChrf, sentenceChrf } from "../../../src/rewards/text/metrics/index.ts";
import { EDGE } from "./edge-cases.ts";

const near = (got: number | undefined, want: number, tol: number, what = "") => {
  assert.ok(got !== undefined, `${what}: undefined`);
  assert.ok(Math.abs(got - want) <= tol, `${what}: got ${got}, want ${want} (±${tol})`);
};

describe("sacreBLEU chrF: test/test_chrf.py (beta 3, 1e-4 as in the file)", () => {
  const corpus = (h: string[], r: string[], opts = {}) => corpusChrf(h, r.map((x) => [x]), { beta: 3, ...opts });
  // epsilon smoothing (chrF++.py / NLTK / Moses): unmatched orders still count
  const eps: [string[], string[], number][] = [
    [["abcdefg"], ["hijklmnop"], 0],
    [["a"], ["b"], 0],
    [[""], ["b"], 0],
    [[""], ["ref"], 0],
    [[""], ["reference"], 0],
    [["aa"], ["ab"], 8.3333],
    [["a", "b"], ["a", "c"], 8.3333],
    [["a"], ["a"], 16.6667],
    [["a b c"], ["a b c"], 50],
    [["a b c"], ["abc"], 50],
    [[" risk assessment must be made of those who are qualified and expertise in the sector - these are the scientists ."], ["risk assessment has to be undertaken by those who are qualified and expert in that area - that is the scientists ."], 63.36173],
    [[" Die    Beziehung zwischen  Obama und Netanjahu ist nicht gerade  freundlich. "], ["Das Verhältnis zwischen Obama und Netanyahu ist nicht gerade freundschaftlich."], 64.1302698],
    [["Niemand hat die Absicht, eine Mauer zu errichten"], ["Niemand hat die Absicht, eine Mauer zu errichten"], 100],
  ];
  for (const [h, r, want] of eps) it(`eps smoothing ${JSON.stringify(h).slice(0, 40)}: ${want}`, () => near(corpus(h, r, { epsSmoothing: true }), want, 1e-4));
  // sacreBLEU < 2.0 "effective order" (the default): only orders both sides have
  const eff: [string[], string[], number][] = [
    [["a"], ["a"], 100],
    [[""], ["reference"], 0],
    [["a b c"], ["a b c"], 100],
    [["a b c"], ["abc"], 100],
    [[""], ["c"], 0],
    [["a", "b"], ["a", "c"], 50],
    [["aa"], ["ab"], 25],
  ];
  for (const [h, r, want] of eff) it(`effective order ${JSON.stringify(h)}: ${want}`, () => near(corpus(h, r), want, 1e-4));
  it("keep whitespace: 67.3481606 and 65.2414427", () => {
    near(corpus(["Die Beziehung zwischen Obama und Netanjahu ist nicht gerade freundlich."], ["Das Verhältnis zwischen Obama und Netanyahu ist nicht gerade freundschaftlich."], { whitespace: true }), 67.3481606, 1e-4);
    near(corpus(["risk assessment must be made of those who are qualified and expertise in the sector - these are the scientists ."], ["risk assessment has to be undertaken by those who are qualified and expert in that area - that is the scientists ."], { whitespace: true }), 65.2414427, 1e-4);
  });
  it("sentence level, Czech (unicode), beta 2 + eps smoothing: 39.14078509, 31.22557079, 57.15704367", () => {
    const s = (h: string, r: string) => sentenceChrf(h, [r], { epsSmoothing: true })!.score;
    near(s("Co nás nejvíc trápí, protože lékaři si vybírají, kdo bude žít a kdo zemře.", "Nejvíce smutní jsme z toho, že musíme rozhodovat o tom, kdo bude žít a kdo zemře."), 39.14078509, 1e-4);
    near(s("Nebo prostě nemají vybavení, které by jim pomohlo, uvedli lékaři.", "A někdy nemáme ani potřebný materiál, abychom jim pomohli, popsali lékaři."), 31.22557079, 1e-4);
    near(s("Lapali po dechu, jejich životy skončily dřív, než skutečně začaly.", "Lapali po dechu a pak jejich život skončil - dřív, než skutečně mohl začít, připomněli."), 57.15704367, 1e-4);
  });
});

describe("sacreBLEU chrF README: corpus chrF2 = 59.73 with two references", () => {
  it("59.73", () => {
    const sys = ["The dog bit the man.", "It wasn't surprising.", "The man had just bitten him."];
    const refs = [
      ["The dog bit the man.", "The dog had bit the man."],
      ["It was not unexpected.", "No one was surprised."],
      ["The man bit him first.", "The man had bitten the dog."],
    ];
    assert.equal(corpusChrf(sys, refs)!.toFixed(2), "59.73");
  });
});

describe("chrF / chrF++ defaults (beta 2, effective order)", () => {
  it("chrF++ word split: one leading or trailing punctuation mark becomes a word; '(hi)' → '(hi', ')' (sacreBLEU #124)", () => {
    assert.deepEqual(chrfWords("Hello, (hi) 'x a. 😀! !"), ["Hello", ",", "(hi", ")", "'", "x", "a", ".", "😀", "!", "!"]);
  });
  it("hand-derived chrF++ of 'a b' vs 'a c': chars 'ab'/'ac' give 1-grams P=R=1/2 and 2-grams 0; words give 1-grams 1/2 and 2-grams 0; 3..6-grams exist on neither side, so 4 orders average to P=R=1/4 → F=25", () => {
    near(sentenceChrf("a b", ["a c"], { wordOrder: 2 })!.score, 25, 1e-9);
  });
  const cases: [string, number, number][] = [
    ["unicode_fr", 82.39526561900884, 81.67922800349054],
    ["cjk", 52.425789532418264, 44.93639102778709],
    ["emoji", 55.744949494949495, 59.308712121212125],
    ["punct", 50, 50],
    ["punct2", 38.33333333333332, 49.583333333333336],
    ["multi", 71.42247563033848, 72.65910428863748],
    ["long", 83.17616573009725, 83.18092465824233],
    ["empty_hyp", 0, 0],
    ["spaces_ref", 0, 0],
  ];
  for (const [k, c, cpp] of cases) {
    it(`${k}: chrF ${c.toFixed(4)}, chrF++ ${cpp.toFixed(4)} (cross-checked)`, () => {
      near(sentenceChrf(EDGE[k]!.hyp, EDGE[k]!.refs)!.score, c, 1e-9, "chrF");
      near(sentenceChrf(EDGE[k]!.hyp, EDGE[k]!.refs, { wordOrder: 2 })!.score, cpp, 1e-9, "chrF++");
    });
  }
  it("several references: the one with the best F gives the statistics", () => {
    const r = sentenceChrf("The cat sat on the mat.", ["There is a cat.", "The cat sat on a mat."])!;
    assert.equal(r.bestReference, 1);
  });
  it("identical text scores 100; an empty reference is rejected (undefined), other references still count", () => {
    near(sentenceChrf("Niemand hat die Absicht", ["Niemand hat die Absicht"])!.score, 100, 1e-9);
    assert.equal(sentenceChrf("x", [""]), undefined);
    near(sentenceChrf("x", ["", "x"])!.score, 100, 1e-9);
  });
});

describe("chrf reward", () => {
  it("0–1 score, raw chrF in details, chrF++ via word_order", async () => {
    const p = await compile({ rewards: { c: { type: "chrf" }, cpp: { type: "chrf", word_order: 2 } } });
    try {
      const res = await p.score([
        { id: "1", prompt: "", completion: EDGE.multi!.hyp, reference: EDGE.multi!.refs },
        { id: "2", prompt: "", completion: "x", reference: [""] },
      ]);
      near(res[0]!.components.c!.score!, 0.7142247563033848, 1e-12);
      near(res[0]!.components.c!.details!.chrf as number, 71.42247563033848, 1e-9);
      near(res[0]!.components.cpp!.score!, 0.7265910428863748, 1e-12);
      assert.equal(res[1]!.components.c!.status, "invalid_input");
    } finally {
      await p.close();
    }
  });
});
