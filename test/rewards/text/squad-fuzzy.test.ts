import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { compile } from "../../../src/index.ts";
import { fuzzRatio, indelDistance, levenshteinDistance, levenshteinSimilarity, maxOverGroundTruths, squadExactMatch, squadF1, squadNormalize } from "../../../src/rewards/text/metrics/index.ts";
import { EDGE } from "./edge-cases.ts";

const near = (got: number, want: number, tol: number, what = "") => assert.ok(Math.abs(got - want) <= tol, `${what}: got ${got}, want ${want} (±${tol})`);

describe("SQuAD v1.1 evaluate script", () => {
  it("normalize_answer: lower, drop ASCII punctuation, drop a/an/the as words, collapse whitespace", () => {
    assert.equal(squadNormalize("The  Denver Broncos!"), "denver broncos");
    assert.equal(squadNormalize("an apple, a pear and THE end."), "apple pear and end");
    assert.equal(squadNormalize("theatre anthem Athena"), "theatre anthem athena");
    assert.equal(squadNormalize("a-b the_c"), "ab thec");
  });
  it("articles are whole words in Python's Unicode sense: 'éthe' keeps 'the', '«the»' drops it (« is not ASCII punctuation but is a word boundary)", () => {
    assert.equal(squadNormalize("éthe «the» the’s"), "éthe « » ’s");
  });
  it("Python whitespace: NBSP and ideographic space separate tokens, U+200B does not", () => {
    assert.equal(squadNormalize("a\u00a0b\u3000c\u200bd"), "b c\u200bd");
  });
  // dev-v1.1 style questions (answers from squad-retrieval/questions.jsonl), numbers by hand
  it("F1: exact answer 1; superset 'the Denver Broncos team' vs 'Denver Broncos' → P 2/3, R 1 → 0.8", () => {
    assert.equal(squadF1("Denver Broncos", "Denver Broncos"), 1);
    near(squadF1("the Denver Broncos team", "Denver Broncos"), 0.8, 1e-12);
  });
  it("F1 with repeated tokens counts the multiset overlap: 'x y y' vs 'y y z' → 2/3", () => near(squadF1("x y y", "y y z"), 2 / 3, 1e-12));
  it("EM and F1, max over references (Von Miller / Miller)", () => {
    assert.deepEqual(maxOverGroundTruths(squadExactMatch, "Miller.", ["Von Miller", "Miller"]), { score: 1, best: 1 });
    assert.deepEqual(maxOverGroundTruths(squadF1, "von miller", ["Von Miller", "Miller"]), { score: 1, best: 0 });
    near(maxOverGroundTruths(squadF1, "Miller", ["Von Miller"]).score, 2 / 3, 1e-12);
  });
  it("empty conventions of v1.1: both normalize to nothing → EM 1 but F1 0; empty prediction vs an answer → 0/0", () => {
    assert.equal(squadExactMatch("The", "a"), 1);
    assert.equal(squadF1("The", "a"), 0);
    assert.equal(squadExactMatch("", "x"), 0);
    assert.equal(squadF1("", "x"), 0);
  });
  const cases: [string, number, number][] = [
    ["unicode_fr", 0.8571428571428571, 0],
    ["cjk", 0, 0],
    ["emoji", 1, 0],
    ["punct", 0, 1],
    ["punct2", 0, 1],
    ["multi", 1, 1],
    ["long", 0.9411764705882353, 0],
    ["empty_hyp", 0, 0],
    ["spaces_ref", 0, 0],
  ];
  for (const [k, f1, em] of cases) {
    it(`${k}: F1 ${f1}, EM ${em} (cross-checked)`, () => {
      near(maxOverGroundTruths(squadF1, EDGE[k]!.hyp, EDGE[k]!.refs).score, f1, 1e-12);
      assert.equal(maxOverGroundTruths(squadExactMatch, EDGE[k]!.hyp, EDGE[k]!.refs).score, em);
    });
  }
});

describe("rapidfuzz fuzz.ratio (tests/test_fuzz.py, docs) and Levenshtein", () => {
  it("docs: fuzz.ratio('this is a test', 'this is a test!') = 96.55 (1 - 1/29)", () => near(fuzzRatio("this is a test", "this is a test!"), 100 * (1 - 1 / 29), 1e-9));
  it("docs: 'fuzzy wuzzy was a bear' vs 'wuzzy fuzzy was a bear' = 90.91", () => assert.equal(fuzzRatio("fuzzy wuzzy was a bear", "wuzzy fuzzy was a bear").toFixed(2), "90.91"));
  it("test_no_processor: identical 100, case differs < 100", () => {
    assert.equal(fuzzRatio("new york mets", "new york mets"), 100);
    assert.ok(fuzzRatio("new york mets", "new YORK mets") < 100);
  });
  it("test_empty_string: ratio('', '') = 100; non-empty vs empty = 0", () => {
    assert.equal(fuzzRatio("", ""), 100);
    assert.equal(fuzzRatio("abc", ""), 0);
  });
  it("test_simple_unicode_tests: 'ÁÄ' vs 'ABCD' = 0, vs itself = 100", () => {
    assert.equal(fuzzRatio("ÁÄ", "ABCD"), 0);
    assert.equal(fuzzRatio("ÁÄ", "ÁÄ"), 100);
  });
  it("test_Indel: distances 0, 0, 8; 'South Korea' vs 'North Korea' = 4", () => {
    assert.deepEqual([indelDistance("", ""), indelDistance("test", "test"), indelDistance("aaaa", "bbbb"), indelDistance("South Korea", "North Korea")], [0, 0, 8, 4]);
  });
  it("test_Levenshtein: 'ÁÄ' vs 'ABCD' = 4; '' vs '' = 0; similarity of two empty strings 1", () => {
    assert.equal(levenshteinDistance("ÁÄ", "ABCD"), 4);
    assert.equal(levenshteinDistance("", ""), 0);
    assert.deepEqual(levenshteinSimilarity("", ""), { similarity: 1, distance: 0 });
    assert.deepEqual(levenshteinSimilarity("kitten", "sitting"), { similarity: 1 - 3 / 7, distance: 3 });
  });
  it("code points, not UTF-16 units: one emoji differs by one edit", () => {
    assert.equal(levenshteinDistance("a😀b", "a😁b"), 1);
    near(fuzzRatio("a😀b", "a😁b"), 100 * (1 - 2 / 6), 1e-12);
  });
  it("long strings (bit-parallel LCS over several 32-bit blocks) agree with the definition", () => {
    const a = "abcde".repeat(300);
    const b = "abxde".repeat(300);
    // LCS keeps 4 of every 5 characters: indel distance = 2·300
    assert.equal(indelDistance(a, b), 600);
    assert.equal(levenshteinDistance(a, b), 300);
  });
  const cases: [string, number, number][] = [
    ["unicode_fr", 96.875, 0.9393939393939394],
    ["cjk", 93.33333333333333, 0.875],
    ["emoji", 88.23529411764706, 0.7647058823529411],
    ["punct", 50, 0],
    ["punct2", 42.85714285714286, 0.1428571428571429],
    ["long", 93.4494328167439, 0.8827346815575008],
    ["empty_hyp", 0, 0],
    ["spaces_ref", 18.181818181818176, 0.125],
  ];
  for (const [k, ratio, lev] of cases) {
    it(`${k}: ratio ${ratio}, Levenshtein similarity ${lev} (cross-checked)`, () => {
      near(fuzzRatio(EDGE[k]!.hyp, EDGE[k]!.refs[0]!), ratio, 1e-9);
      near(levenshteinSimilarity(EDGE[k]!.hyp, EDGE[k]!.refs[0]!).similarity, lev, 1e-12);
    });
  }
});

describe("token_f1, squad_em, fuzzy, edit_distance rewards", () => {
  it("best reference, details, empty conventions", async () => {
    const p = await compile({ rewards: { f1: { type: "token_f1" }, em: { type: "squad_em" }, fz: { type: "fuzzy" }, ed: { type: "edit_distance" } } });
    try {
      const [a, b, c] = await p.score([
        { id: "1", prompt: "", completion: "the Denver Broncos team", reference: ["Carolina Panthers", "Denver Broncos"] },
        { id: "2", prompt: "", completion: "", reference: "" },
        { id: "3", prompt: "", completion: "x", reference: [] },
      ]);
      near(a!.components.f1!.score!, 0.8, 1e-12);
      assert.equal(a!.components.f1!.details!.best_reference, 1);
      assert.equal(a!.components.em!.score, 0);
      assert.equal(b!.components.em!.score, 1);
      assert.equal(b!.components.f1!.score, 0);
      assert.equal(b!.components.fz!.score, 1);
      assert.equal(b!.components.ed!.score, 1);
      near(a!.components.fz!.score!, fuzzRatio("the Denver Broncos team", "Denver Broncos") / 100, 1e-12);
      assert.equal(a!.components.fz!.details!.ratio, fuzzRatio("the Denver Broncos team", "Denver Broncos"));
      assert.equal(c!.components.f1!.status, "invalid_input");
      assert.match(c!.components.f1!.reason!, /^reference: empty list/);
    } finally {
      await p.close();
    }
  });
});
