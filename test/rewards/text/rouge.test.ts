import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { compile } from "../../../src/index.ts";
import { porterStem, rouge, rougeLsumTokens, rougeMulti, rougeTokenize } from "../../../src/rewards/text/metrics/index.ts";
import { EDGE } from "./edge-cases.ts";

const near = (got: number, want: number, tol: number, what = "") => assert.ok(Math.abs(got - want) <= tol, `${what}: got ${got}, want ${want} (±${tol})`);
const prf = (s: { precision: number; recall: number; fmeasure: number }, p: number, r: number, f: number, tol = 1e-12) => {
  near(s.precision, p, tol, "precision");
  near(s.recall, r, tol, "recall");
  near(s.fmeasure, f, tol, "fmeasure");
};
const fixture = (name: string) => readFileSync(new URL(`../../fixtures/text/rouge/${name}`, import.meta.url), "utf8");
// rouge_scorer_test.py reads these with readlines(): one target / prediction per line, newline kept
const lines = (name: string) => fixture(name).split(/(?<=\n)/);
const TARGETS = lines("target.txt");
const PREDICTIONS = lines("prediction.txt");

describe("rouge-score: rouge_scorer_test.py", () => {
  it("rouge1 'testing one two' vs 'testing': P 1, R 1/3, F 1/2", () => prf(rouge("testing one two", "testing", "rouge1"), 1, 1 / 3, 1 / 2));
  it("rouge2 'testing one' : P 1, R 1/2, F 2/3", () => prf(rouge("testing one two", "testing one", "rouge2"), 1, 1 / 2, 2 / 3));
  it("rougeL consecutive: P 1, R 2/3, F 4/5", () => prf(rouge("testing one two", "testing one", "rougeL"), 1, 2 / 3, 4 / 5));
  it("rougeL non-consecutive: P 1, R 2/3, F 4/5", () => prf(rouge("testing one two", "testing two", "rougeL"), 1, 2 / 3, 4 / 5));
  it("rouge1 with rougeL on the same pair: P 1, R 2/3, F 4/5", () => prf(rouge("testing one two", "testing one", "rouge1"), 1, 2 / 3, 4 / 5));
  for (const t of ["rouge1", "rouge2", "rougeL", "rougeLsum"] as const) it(`${t} with an empty prediction: 0/0/0`, () => prf(rouge("testing one two", "", t), 0, 0, 0));
  it("rougeLsum 'w1 w2 w3 w4 w5' vs two sentences: R 0.8, P 0.4, F 0.5333", () => prf(rouge("w1 w2 w3 w4 w5", "w1 w2 w6 w7 w8\nw1 w3 w8 w9 w5", "rougeLsum"), 0.4, 0.8, 0.4 * 0.8 * 2 / 1.2));
  it("rougeLsum empty and non-word cases: 0", () => {
    prf(rouge("w1 w2 w3 w4 w5", "", "rougeLsum"), 0, 0, 0);
    prf(rouge("", "w1", "rougeLsum"), 0, 0, 0);
    prf(rouge("w1 w2 w3 w4 w5", "/", "rougeLsum"), 0, 0, 0);
    assert.equal(rougeLsumTokens([["reference"]], [[]]).recall, 0);
  });
  it("summary-level LCS of the paper's example (integers as tokens): R 4/5, P 4/10", () => {
    const s = rougeLsumTokens([["1", "2", "3", "4", "5"]], [["1", "2", "6", "7", "8"], ["1", "3", "8", "9", "5"]]);
    assert.equal(s.recall, 0.8);
    assert.equal(s.precision, 0.4);
  });
  // "Ground truth" numbers of rouge_scorer_test.py come from manual runs of ROUGE-1.5.5 (5 places)
  const against155: [string, boolean, number, [number, number, number]][] = [
    ["rouge1", false, 0, [0.6875, 0.40741, 0.51163]],
    ["rouge1", false, 1, [0.65385, 0.40476, 0.5]],
    ["rouge1", true, 0, [0.6875, 0.40741, 0.51163]],
    ["rouge1", true, 1, [0.69231, 0.42857, 0.52941]],
    ["rouge2", false, 0, [0.53333, 0.30769, 0.39024]],
    ["rouge2", false, 1, [0.48, 0.29268, 0.36364]],
    ["rouge2", true, 0, [0.53333, 0.30769, 0.39024]],
    ["rouge2", true, 1, [0.48, 0.29268, 0.36364]],
    ["rougeL", false, 0, [0.6875, 0.40741, 0.51163]],
    ["rougeL", false, 1, [0.65385, 0.40476, 0.5]],
  ];
  for (const [t, stem, i, [p, r, f]] of against155) {
    it(`${t}${stem ? " with stemmer" : ""} vs ROUGE-1.5.5, line ${i}: P ${p}, R ${r}, F ${f}`, () => prf(rouge(TARGETS[i]!, PREDICTIONS[i]!, t as "rouge1", { useStemmer: stem }), p, r, f, 5e-6));
  }
  it("rougeLsum with stemmer vs ROUGE-1.5.5 on multi-sentence files: R 0.36538, P 0.66667, F 0.47205", () => {
    prf(rouge(fixture("target_multi.0.txt"), fixture("prediction_multi.0.txt"), "rougeLsum", { useStemmer: true }), 0.66667, 0.36538, 0.47205, 5e-6);
  });
});

describe("rouge-score tokenizer", () => {
  it("lower-cases, keeps [a-z0-9] runs only, stems tokens longer than 3", () => {
    assert.deepEqual(rougeTokenize("The Quick-brown fox's 2 jumps; café!"), ["the", "quick", "brown", "fox", "s", "2", "jumps", "caf"]);
    assert.deepEqual(rougeTokenize("The running dogs were jumping", true), ["the", "run", "dog", "were", "jump"]);
  });
  it("Python's lower() maps U+0130 'İ' to 'i' + a combining dot and the Kelvin sign to 'k', so both become ASCII tokens", () => {
    assert.deepEqual(rougeTokenize("İstanbul \u212Aelvin"), ["i", "stanbul", "kelvin"]);
  });
});

describe("NLTK PorterStemmer (NLTK_EXTENSIONS), nltk/test/stem.doctest", () => {
  it("the doctest's 19 plurals", () => {
    const plurals = ["caresses", "flies", "dies", "mules", "denied", "died", "agreed", "owned", "humbled", "sized", "meeting", "stating", "siezing", "itemization", "sensational", "traditional", "reference", "colonizer", "plotted"];
    assert.equal(plurals.map(porterStem).join(" "), "caress fli die mule deni die agre own humbl size meet state siez item sensat tradit refer colon plot");
  });
  it("NLTK's 'oed' bug (issue 1581) stems to 'o'; irregular forms; short words untouched", () => {
    assert.equal(porterStem("oed"), "o");
    assert.deepEqual(["skies", "dying", "news", "proceed", "is", "generously", "archaeology", "happy", "enjoy"].map(porterStem), ["sky", "die", "news", "proceed", "is", "gener", "archaeolog", "happi", "enjoy"]);
  });
  it("astral characters count as one letter (Python indexing)", () => {
    // "a😀😀ing": strip -ing, then the doubled final consonant 😀😀 becomes one, as Python sees it
    assert.equal(porterStem("a😀😀ing"), "a😀");
    assert.equal(porterStem("😀😀ing"), "😀😀ing");
  });
});

describe("ROUGE edge cases (cross-checked)", () => {
  const cases: [string, string, boolean, [number, number, number]][] = [
    ["unicode_fr", "rouge1", false, [1, 0.875, 0.9333333333333333]],
    ["unicode_fr", "rouge4", false, [0.5, 0.4, 0.4444444444444445]],
    ["cjk", "rougeL", false, [0, 0, 0]],
    ["emoji", "rouge2", false, [1, 1, 1]],
    ["punct", "rouge1", false, [0, 0, 0]],
    ["multi", "rouge2", false, [0.6, 0.6, 0.6]],
    ["multi", "rougeL", true, [0.8333333333333334, 0.8333333333333334, 0.8333333333333334]],
    ["long", "rouge2", false, [0.8977485928705441, 0.7981651376146789, 0.8450331125827815]],
    ["long", "rouge4", false, [0.6578947368421053, 0.5847953216374269, 0.6191950464396284]],
    ["long", "rougeL", true, [1, 0.8891666666666667, 0.94133215703573]],
    ["long", "rougeLsum", false, [1, 0.8891666666666667, 0.94133215703573]],
    ["empty_hyp", "rougeL", false, [0, 0, 0]],
  ];
  for (const [k, t, stem, [p, r, f]] of cases) {
    it(`${k} ${t}${stem ? " stemmed" : ""}: F ${f}`, () => prf(rougeMulti(EDGE[k]!.refs, EDGE[k]!.hyp, t as "rouge1", { useStemmer: stem }), p, r, f));
  }
  it("score_multi keeps the target with the best F (the first on a tie)", () => {
    assert.equal(rougeMulti(["a b", "a b c", "a b"], "a b c", "rouge1").bestTarget, 1);
    assert.equal(rougeMulti(["x", "y"], "a", "rouge1").bestTarget, 0);
  });
});

describe("rouge reward", () => {
  it("score is the chosen measure; all three in details", async () => {
    const p = await compile({ rewards: { f: { type: "rouge", rouge_type: "rouge1" }, r: { type: "rouge", rouge_type: "rouge1", measure: "recall" }, l: { type: "rouge" } } });
    try {
      const [res] = await p.score([{ id: "1", prompt: "", completion: "testing", reference: "testing one two" }]);
      assert.equal(res!.components.f!.score, 0.5);
      assert.equal(res!.components.r!.score, 1 / 3);
      assert.deepEqual(res!.components.l!.details, { precision: 1, recall: 1 / 3, fmeasure: 0.5, best_reference: 0 });
    } finally {
      await p.close();
    }
  });
});
