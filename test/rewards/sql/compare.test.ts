import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { cellKey, compareResults, type Cell, type CompareMode } from "../../../src/rewards/sql/compare.ts";

const eq = (gold: Cell[][], pred: Cell[][], mode: CompareMode, orderMatters = false, floatDigits: number | null = null) =>
  compareResults(gold, pred, { mode, orderMatters, floatDigits }).equal;
const all = (gold: Cell[][], pred: Cell[][], orderMatters = false) => ({
  bird: eq(gold, pred, "bird"),
  multiset: eq(gold, pred, "multiset"),
  spider: eq(gold, pred, "spider", orderMatters),
});

describe("sql compare: value normalization", () => {
  it("an integer equals a real of the same value, also past 2^53 (Python's 1 == 1.0)", () => {
    assert.equal(cellKey(1), cellKey(1.0));
    assert.equal(cellKey(1n), cellKey(1));
    assert.equal(cellKey(-0), cellKey(0n));
    assert.equal(cellKey(9007199254740992n), cellKey(9007199254740992.0));
    // 2^53 + 1 has no double: the integer and the nearest real differ, as in Python.
    assert.notEqual(cellKey(9007199254740993n), cellKey(9007199254740992.0));
    assert.notEqual(cellKey(1), cellKey(1.5));
  });

  it("text never equals a number, NULL equals only NULL, blobs compare by bytes", () => {
    assert.notEqual(cellKey("1"), cellKey(1));
    assert.notEqual(cellKey(null), cellKey(""));
    assert.notEqual(cellKey(null), cellKey(0));
    assert.equal(cellKey(null), cellKey(null));
    assert.equal(cellKey(new Uint8Array([0, 255])), cellKey(Buffer.from("00ff", "hex")));
    assert.notEqual(cellKey(new Uint8Array([0x61])), cellKey("a"));
    assert.notEqual(cellKey("Paris"), cellKey("paris"));
  });

  it("reals are exact by default; float_digits rounds to significant digits", () => {
    assert.notEqual(cellKey(0.1 + 0.2), cellKey(0.3));
    assert.equal(cellKey(0.1 + 0.2, 15), cellKey(0.3, 15));
    assert.equal(cellKey(2.0000000001, 6), cellKey(2n, 6));
    assert.notEqual(cellKey(2.5, 6), cellKey(2, 6));
  });
});

describe("sql compare: modes", () => {
  const gold: Cell[][] = [
    ["a", 1n],
    ["b", 2n],
    ["b", 2n],
  ];

  it("identical results match in every mode", () => {
    assert.deepEqual(all(gold, gold), { bird: true, multiset: true, spider: true });
    assert.deepEqual(all(gold, gold, true), { bird: true, multiset: true, spider: true });
  });

  it("duplicates: bird compares sets, multiset and spider count rows", () => {
    const dedup: Cell[][] = [
      ["a", 1n],
      ["b", 2n],
    ];
    assert.deepEqual(all(gold, dedup), { bird: true, multiset: false, spider: false });
  });

  it("column order: only spider allows a permutation", () => {
    const swapped = gold.map(([x, y]) => [y!, x!]);
    assert.deepEqual(all(gold, swapped), { bird: false, multiset: false, spider: true });
    const v = compareResults(gold, swapped, { mode: "spider" });
    assert.deepEqual(v.permutation, [1, 0]);
  });

  it("row order: ignored by bird and multiset; spider checks it only when the gold has ORDER BY", () => {
    const reversed = [...gold].reverse();
    assert.deepEqual(all(gold, reversed, false), { bird: true, multiset: true, spider: true });
    assert.deepEqual(all(gold, reversed, true), { bird: true, multiset: true, spider: false });
  });

  it("spider with order: column permutation and row order together", () => {
    const g: Cell[][] = [
      [1n, "x", 10n],
      [2n, "y", 20n],
    ];
    assert.equal(eq(g, [[10n, 1n, "x"], [20n, 2n, "y"]], "spider", true), true);
    assert.equal(eq(g, [[20n, 2n, "y"], [10n, 1n, "x"]], "spider", true), false);
    assert.equal(eq(g, [[20n, 2n, "y"], [10n, 1n, "x"]], "spider", false), true);
  });

  it("spider needs one permutation for all rows, not one per row", () => {
    // Each row alone is a permutation of the gold row, but no single column order fits both.
    const g: Cell[][] = [
      [1n, 2n],
      [3n, 4n],
    ];
    const p: Cell[][] = [
      [1n, 2n],
      [4n, 3n],
    ];
    assert.equal(eq(g, p, "spider"), false);
    assert.match(compareResults(g, p, { mode: "spider" }).why, /column/);
  });

  it("spider with identical columns and many columns finds the permutation", () => {
    const g: Cell[][] = [[1n, 1n, 1n, 2n, 3n, 4n, 5n, 6n]];
    const p: Cell[][] = [[6n, 5n, 4n, 3n, 2n, 1n, 1n, 1n]];
    assert.equal(eq(g, p, "spider"), true);
  });

  it("both empty match whatever the columns (BIRD's set() == set(), Spider's rule)", () => {
    assert.deepEqual(
      compareResults([], [], { mode: "spider", goldWidth: 1, predWidth: 3 }).equal,
      true,
    );
    assert.deepEqual(all([], []), { bird: true, multiset: true, spider: true });
    assert.deepEqual(all([], [["a", 1n]]), { bird: false, multiset: false, spider: false });
  });

  it("column count differs: no match", () => {
    assert.deepEqual(all([["a"]], [["a", "a"]]), { bird: false, multiset: false, spider: false });
  });

  it("1 vs 1.0 and NULL in whole results", () => {
    assert.deepEqual(all([[1n, null]], [[1.0, null]]), { bird: true, multiset: true, spider: true });
    assert.deepEqual(all([[1n, null]], [[1n, ""]]), { bird: false, multiset: false, spider: false });
    assert.deepEqual(all([["1"]], [[1n]]), { bird: false, multiset: false, spider: false });
  });

  it("float_digits: 0.1 + 0.2 equals 0.3 only when rounding", () => {
    assert.equal(eq([[0.1 + 0.2]], [[0.3]], "bird"), false);
    assert.equal(eq([[0.1 + 0.2]], [[0.3]], "bird", false, 12), true);
  });
});
