import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { compile } from "../../../src/index.ts";
import { bmasRecon, cosineSimilarity } from "../../../src/rewards/text/metrics/index.ts";

const near = (got: number, want: number, tol: number, what = "") => assert.ok(Math.abs(got - want) <= tol, `${what}: got ${got}, want ${want} (±${tol})`);

describe("cosine similarity", () => {
  it("hand-computed values; undefined (NaN) for zero vectors and mismatched dimensions", () => {
    near(cosineSimilarity([1, 0], [0.6, 0.8]), 0.6, 1e-12);
    near(cosineSimilarity([1, 2, 3], [2, 4, 6]), 1, 1e-12);
    near(cosineSimilarity([1, 0], [-1, 0]), -1, 1e-12);
    assert.ok(Number.isNaN(cosineSimilarity([0, 0], [1, 0])));
    assert.ok(Number.isNaN(cosineSimilarity([1, 0], [1, 0, 0])));
  });
});

describe("BMAS (Mixed-R1, reconstruction)", () => {
  it("the reference sheet's worked example (paper-formulas.md §8): row maxima mean 0.6, column maxima mean 0.8, BMAS 0.7", () => {
    const r = bmasRecon([[1, 0, 0], [0.8, 0.6, 0], [0, 0, 1]], [[1, 0, 0], [0, 1, 0]]);
    near(r.precisionTerm, 0.6, 1e-12);
    near(r.recallTerm, 0.8, 1e-12);
    near(r.bmas, 0.7, 1e-12);
  });
  it("vectors need not be unit length; identical token sets give 1; empty sides are NaN", () => {
    near(bmasRecon([[2, 0], [0, 3]], [[0, 1], [5, 0]]).bmas, 1, 1e-12);
    assert.ok(Number.isNaN(bmasRecon([], [[1]]).bmas));
  });
});

describe("embedding_cosine and bmas rewards", () => {
  it("precomputed vectors in meta.embeddings; error without an embedding source; invalid_input for malformed vectors", async () => {
    const p = await compile({ rewards: { cos: { type: "embedding_cosine" }, shift: { type: "embedding_cosine", scale: "shift" }, bm: { type: "bmas" } } });
    try {
      const res = await p.score([
        {
          id: "1",
          prompt: "",
          completion: "x",
          reference: "y",
          meta: { embeddings: { completion: [1, 0], reference: [[-1, 0], [0.6, 0.8]] } },
        },
        { id: "2", prompt: "", completion: "x", reference: "y" },
        { id: "3", prompt: "", completion: "x", reference: "y", meta: { embeddings: { completion: [1, 0], reference: [1, 0, 0] } } },
        {
          id: "4",
          prompt: "",
          completion: "x",
          reference: "y",
          meta: { embeddings: { completion: [[1, 0, 0], [0.8, 0.6, 0], [0, 0, 1]], reference: [[[0, 0, -1]], [[1, 0, 0], [0, 1, 0]]] } },
        },
      ]);
      const c = res.map((r) => r.components.cos!);
      near(c[0]!.score!, 0.6, 1e-12);
      assert.deepEqual([c[0]!.details!.cosine, c[0]!.details!.best_reference], [c[0]!.score, 1]);
      near(res[0]!.components.shift!.score!, 0.8, 1e-12);
      assert.equal(c[1]!.status, "error");
      assert.match(c[1]!.reason!, /^no embedding source: sample\.meta\.embeddings is missing/);
      assert.equal(res[1]!.components.bm!.status, "error");
      assert.equal(c[2]!.status, "invalid_input");
      assert.match(c[2]!.reason!, /dimension 2/);
      const b = res[3]!.components.bm!;
      near(b.score!, 0.7, 1e-12);
      assert.equal(b.details!.best_reference, 1);
      assert.equal(b.details!.formula, "bmas_recon");
      assert.equal(res[3]!.components.cos!.status, "invalid_input", "token matrices are not a single vector");
    } finally {
      await p.close();
    }
  });
});
