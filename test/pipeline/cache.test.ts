import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { OutcomeCache } from "../../src/pipeline/cache.ts";

const o = (score: number) => ({ score, status: "ok" as const });

describe("OutcomeCache", () => {
  it("keeps the most recently used entries within its bound", () => {
    const c = new OutcomeCache(4); // generations of 2
    c.set("a", o(1));
    c.set("b", o(2));
    c.set("c", o(3)); // young full: {a,b} becomes old
    assert.equal(c.get("a")?.score, 1, "a hit in the old generation is promoted");
    c.set("d", o(4)); // young {c,a} full -> old {c,a}, young {d}; b is dropped
    assert.equal(c.get("b"), undefined);
    assert.equal(c.get("c")?.score, 3);
    assert.equal(c.get("a")?.score, 1);
    assert.ok(c.size <= 4);
    assert.equal(c.hits, 3);
    assert.equal(c.misses, 1);
  });

  it("size 0 stores nothing", () => {
    const c = new OutcomeCache(0);
    c.set("a", o(1));
    assert.equal(c.get("a"), undefined);
  });

  it("never exceeds its bound under churn", () => {
    const c = new OutcomeCache(1000);
    for (let i = 0; i < 100_000; i++) {
      c.set(`k${i}`, o(i));
      if (i % 3 === 0) c.get(`k${i - 500}`);
    }
    assert.ok(c.size <= 1000 && c.size >= 500, String(c.size));
    assert.equal(c.get("k99999")?.score, 99999);
  });
});
