import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { compile } from "../../../src/index.ts";
import { sentenceBleu } from "../../../src/rewards/group/bleu.ts";
import { distinctNReward } from "../../../src/rewards/group/distinct-n.ts";
import { symmetricEigenvalues } from "../../../src/rewards/group/jacobi.ts";
import { selfBleuReward } from "../../../src/rewards/group/self-bleu.ts";
import { vendiReward, vendiScore } from "../../../src/rewards/group/vendi.ts";
import { group, near, run } from "./helpers.ts";

describe("distinct_n", () => {
  const texts = ["The cat sat", "the cat ran", "a dog"];
  it("n = 1: group distinct-1 = 6/8; per sample, the share of its unigrams no other member uses", async () => {
    // unigrams: [the cat sat] [the cat ran] [a dog]; "the" and "cat" are shared
    const out = await run(distinctNReward, { n: 1 }, group("g", texts));
    assert.deepEqual(out.map((o) => o.score), [1 / 3, 1 / 3, 1]);
    assert.equal(out[0]!.details!.group_distinct, 6 / 8);
  });
  it("n = 2: bigrams [the cat, cat sat] [the cat, cat ran] [a dog]: group 4/5, samples 1/2, 1/2, 1", async () => {
    const out = await run(distinctNReward, { n: 2 }, group("g", texts));
    assert.deepEqual(out.map((o) => o.score), [0.5, 0.5, 1]);
    const g = await run(distinctNReward, { n: 2, mode: "group" }, group("g", texts));
    assert.deepEqual(g.map((o) => o.score), [0.8, 0.8, 0.8]);
  });
  it("repeating itself lowers a sample's score: 'go go go' -> 1 distinct / 3", async () => {
    const out = await run(distinctNReward, { n: 1 }, group("g", ["go go go", "stop"]));
    assert.deepEqual(out.map((o) => o.score), [1 / 3, 1]);
  });
  it("a batch of two groups is scored group by group", async () => {
    const out = await run(distinctNReward, { n: 1 }, [...group("a", ["x y", "x z"]), ...group("b", ["x y"])]);
    assert.deepEqual(out.map((o) => o.score), [0.5, 0.5, 1]);
  });
});

describe("sentence BLEU (NLTK-like, method1) and self_bleu", () => {
  const tok = (s: string) => s.split(" ");
  it("'the cat sat on the mat' vs 'the cat is on the mat'", () => {
    // p1 = 5/6 (the×2, cat, on, mat), p2 = 3/5 (the cat, on the, the mat), BP = 1
    near(sentenceBleu(tok("the cat sat on the mat"), [tok("the cat is on the mat")], { maxOrder: 2 }), Math.sqrt((5 / 6) * (3 / 5)), 1e-12);
    // p3 = 1/4 (on the mat), p4 = 0 -> ε/3 = 0.1/3: (5/6 · 3/5 · 1/4 · 1/30)^(1/4) = 0.25407
    near(sentenceBleu(tok("the cat sat on the mat"), [tok("the cat is on the mat")]), 0.25407);
  });
  it("brevity penalty exp(1 − r/h), closest reference length; no unigram match -> 0", () => {
    // h = 2, r = 6 -> e^(−2) = 0.13534; p1 = p2 = 1
    near(sentenceBleu(tok("the cat"), [tok("the cat sat on the mat")], { maxOrder: 2 }), Math.exp(-2), 1e-12);
    // the closer reference (length 2) wins: BP = 1
    near(sentenceBleu(tok("the cat"), [tok("the cat sat on the mat"), tok("the cat")], { maxOrder: 2 }), 1, 1e-12);
    assert.equal(sentenceBleu(tok("x y"), [tok("a b")]), 0);
  });
  it("self_bleu: each completion against the others; score = 1 − BLEU", async () => {
    const out = await run(selfBleuReward, {}, group("g", ["the cat sat on the mat", "the cat is on the mat"]));
    // symmetric here: both BLEU-4 = 0.25407
    near(out[0]!.score, 1 - 0.25407);
    near(out[1]!.details!.self_bleu as number, 0.25407);
    const raw = await run(selfBleuReward, { output: "self_bleu", max_order: 2 }, group("g", ["the cat sat on the mat", "the cat is on the mat"]));
    near(raw[0]!.score, Math.sqrt(0.5), 1e-12);
  });
  it("a group of one is not applicable", async () => {
    const out = await run(selfBleuReward, {}, [{ id: "x", prompt: "", completion: "hello" }]);
    assert.equal(out[0]!.status, "not_applicable");
  });
});

describe("Jacobi eigenvalues and the Vendi score", () => {
  it("eigenvalues of small symmetric matrices", () => {
    const e = symmetricEigenvalues([
      [2, 1, 0],
      [1, 2, 0],
      [0, 0, 3],
    ]);
    e.forEach((x, i) => near(x, [3, 3, 1][i]!, 1e-12));
    const f = symmetricEigenvalues([
      [4, 1],
      [1, 3],
    ]);
    near(f[0], (7 + Math.sqrt(5)) / 2, 1e-12);
    near(f[1], (7 - Math.sqrt(5)) / 2, 1e-12);
  });
  it("VS = exp(H(eig(K/n))): identical 1, orthogonal n, cos 0.5 -> exp(H(0.75, 0.25)) = 1.7548", () => {
    near(vendiScore([[1, 1], [1, 1]]), 1, 1e-9);
    near(vendiScore([[1, 0, 0], [0, 1, 0], [0, 0, 1]]), 3, 1e-9);
    // H = 0.75·ln(4/3) + 0.25·ln 4 = 0.21576 + 0.34657 = 0.56234
    near(vendiScore([[1, 0.5], [0.5, 1]]), 1.7548);
  });
  it("vendi reward: ['a b', 'a b', 'c d'] -> eig(K/3) = 2/3, 1/3, VS = 1.8899; leave-one-out contributions", async () => {
    // H = (2/3)ln(3/2) + (1/3)ln 3 = 0.27031 + 0.36620 = 0.63651 -> e^H = 1.88988
    // without a duplicate: two orthogonal texts, VS 2 -> 1.88988 − 2 = −0.11012; without 'c d': VS 1 -> 0.88988
    const out = await run(vendiReward, { n: 1 }, group("g", ["a b", "a b", "c d"]));
    near(out[0]!.details!.vendi as number, 1.88988);
    near(out[0]!.score, -0.11012);
    near(out[1]!.score, -0.11012);
    near(out[2]!.score, 0.88988);
    const g = await run(vendiReward, { n: 1, mode: "group" }, group("g", ["a b", "a c"]));
    near(g[0]!.score, 1.7548);
  });
  it("embedding kernel reads meta.embedding and names the field when it is missing", async () => {
    const out = await run(vendiReward, { kernel: "embedding", mode: "group" }, [
      { id: "1", prompt: "", completion: "x", group: "g", meta: { embedding: [1, 0] } },
      { id: "2", prompt: "", completion: "y", group: "g", meta: { embedding: [0, 3] } },
      { id: "3", prompt: "", completion: "z", group: "g" },
    ]);
    near(out[0]!.score, 2, 1e-9);
    assert.equal(out[2]!.status, "invalid_input");
    assert.match(out[2]!.reason!, /meta\.embedding/);
  });
});

describe("group rewards through the pipeline", () => {
  it("distinct_n runs on a worker, one call per group", async () => {
    const p = await compile({ rewards: { d: { type: "distinct_n", n: 1 } } });
    try {
      // group a: 'sat' and 'ran' are each one exclusive unigram of three; group b is alone
      const res = await p.score([...group("a", ["the cat sat", "the cat ran"]), ...group("b", ["a dog"])]);
      assert.deepEqual(res.map((r) => r.components.d!.score), [1 / 3, 1 / 3, 1]);
    } finally {
      await p.close();
    }
  });
});
