import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { polygonToRle } from "../../../src/rewards/vision/poly.ts";
import { decodeCounts, decodeMask, encodeCounts, encodeMask, rleArea, rleIou, rleOverlap, toRle, unionRle } from "../../../src/rewards/vision/rle.ts";
import { square as centre, shifted } from "./helpers.ts";

const fixtures = JSON.parse(readFileSync(new URL("../../fixtures/vision/rle-strings.json", import.meta.url), "utf8")) as Record<
  string,
  { size: [number, number]; counts: string }
>;

/** A column-major mask of h × w with rows [r0, r1) and columns [c0, c1) set, like numpy's m[r0:r1, c0:c1] = 1. */
function square(h: number, w: number, r0: number, r1: number, c0: number, c1: number): Uint8Array {
  const m = new Uint8Array(h * w);
  for (let x = c0; x < c1; x++) for (let y = r0; y < r1; y++) m[x * h + y] = 1;
  return m;
}

const rleOf = (v: unknown) => {
  const r = toRle(v, "m");
  if (!r.ok) throw new Error(r.why);
  return r.rle;
};

describe("COCO RLE counts strings (pycocotools rleToString / rleFrString)", () => {
  it("encodes the 25×25 squares of pytorchcocotools' encode tests to pycocotools' strings", () => {
    // pytorchcocotools tests (EncodeCases, h = w = 25, mask[a:b, a:b] = 1), expected values from pycocotools.
    // Hand check of the first: runs [0, 5, 20, 5, 20, 5, 20, 5, 20, 5, 520]; 20 -> 'd0' (sign bit set, so a
    // second group); from the 4th run on the difference to two back is 0 -> '0'; 520 − 20 = 500 -> 'd?'.
    const cases: [number, number, string][] = [
      [0, 5, "05d00000000d?"],
      [5, 10, "R45d00000000b;"],
      [20, 25, "X`05d00000000"],
    ];
    for (const [a, b, expected] of cases) {
      const rle = encodeMask(square(25, 25, a, b, a, b), 25, 25);
      assert.equal(encodeCounts(rle.counts), expected, `mask[${a}:${b}, ${a}:${b}]`);
      assert.deepEqual(decodeCounts(expected), rle.counts);
    }
    assert.deepEqual([...encodeMask(square(25, 25, 0, 5, 0, 5), 25, 25).counts], [0, 5, 20, 5, 20, 5, 20, 5, 20, 5, 520]);
  });

  it("maps rpycocotools' RLE [5, 2, 2, 2, 5] (4×4) to the string '52203' and back", () => {
    // Runs 5, 2, 2 are written as is; run 3: 2 − 2 = 0 -> '0'; run 4: 5 − 2 = 3 -> '3'.
    assert.equal(encodeCounts([5, 2, 2, 2, 5]), "52203");
    assert.deepEqual([...decodeCounts("52203")], [5, 2, 2, 2, 5]);
  });

  it("encodes large and negative differences over several 5-bit groups", () => {
    // 130 = 4·32 + 2: low group 2 with the continuation bit (2 + 32 + 48 = 'R'), then 4 -> '4'.
    assert.equal(encodeCounts([130]), "R4");
    // 1000 = 31·32 + 8: groups 8 (+0x20 -> 'X'), 31 (its 0x10 bit would read as a sign, so +0x20 -> 'o'), 0 -> '0'.
    // Run 3 = 1 after run 1 = 1000: difference −999 = 25 + 0·32 + 31·1024 − 32768: groups 25 (+0x20 -> 'i'),
    // 0 (+0x20 -> 'P') and 31 with the sign bit, last -> 'O'.
    assert.equal(encodeCounts([0, 1000, 5, 1]), "0Xo05iPO");
    assert.deepEqual([...decodeCounts("0Xo05iPO")], [0, 1000, 5, 1]);
    for (const counts of [[0], [7], [3, 1, 4, 1, 5, 9, 2, 6], [0, 1_000_000, 1, 999_999, 2], [123_456_789, 1, 2, 3]]) {
      assert.deepEqual([...decodeCounts(encodeCounts(counts))], counts);
    }
  });

  it("round-trips a real pycocotools string exactly (50×70 mask from COCOtoolsFORK's README)", () => {
    const { size, counts } = fixtures.fork_readme_50x70!;
    const runs = decodeCounts(counts);
    assert.equal(runs.reduce((a, b) => a + b, 0), 50 * 70);
    const reencoded = encodeMask(decodeMask({ h: size[0], w: size[1], counts: runs }), size[0], size[1]);
    assert.equal(encodeCounts(reencoded.counts), counts);
    assert.equal(rleArea(reencoded), 2346);
  });

  it("decodes pycocotools' zero-leading RLE test (1350×1080) and re-encodes it canonically", () => {
    // cocoapi tests/test_cases.py testZeroLeadingRLE: three leading zero-length runs.
    const { size, counts } = fixtures.zero_leading!;
    const [h, w] = size;
    const runs = decodeCounts(counts);
    assert.deepEqual([...runs.slice(0, 4)], [0, 0, 0, 764]);
    assert.equal(runs.reduce((a, b) => a + b, 0), h * w);
    const mask = decodeMask({ h, w, counts: runs });
    const canonical = encodeMask(mask, h, w);
    assert.equal(canonical.counts[0], 0);
    assert.equal(canonical.counts[1], 764, "the three empty runs fold into one foreground run");
    assert.deepEqual(decodeMask(canonical), mask);
    assert.equal(rleArea(canonical), rleArea({ h, w, counts: runs }));
    const again = encodeCounts(canonical.counts);
    assert.deepEqual(decodeCounts(again), canonical.counts);
    // The zero-run RLE and its canonical form are the same mask: IoU 1 on the runs.
    assert.equal(rleIou({ h, w, counts: runs }, canonical), 1);
  });

  it("rejects pycocotools' invalid-counts test string, as decode raises ValueError there", () => {
    const r = toRle(fixtures.invalid_1024, "reference.mask");
    assert.equal(r.ok, false);
    assert.match((r as { why: string }).why, /^reference\.mask\.counts: run \d+ decodes to -\d+/);
  });

  it("rejects characters outside '0'..'o', truncated strings and runs not covering h·w", () => {
    assert.throws(() => decodeCounts("5p"), /outside '0'..'o'/);
    assert.throws(() => decodeCounts("5R"), /ends inside a run/);
    const short = toRle({ size: [4, 4], counts: "5220" }, "reference.mask");
    assert.deepEqual(short, { ok: false, why: "reference.mask.counts: runs add up to 11, but size 4×4 has 16 pixels" });
    const bad = toRle({ size: [4, 4], counts: [5, -2, 13] }, "reference.mask");
    assert.deepEqual(bad, { ok: false, why: "reference.mask.counts[1]: expected a non-negative integer run length" });
    assert.equal(toRle({ size: [4], counts: "" }, "m").ok, false);
  });
});

describe("masks from JSON and mask IoU (hand-computed)", () => {
  // Centre 2×2 square of a 4×4 image: column 0 is empty (4), column 1 row 0 (1) -> 5 zeros; rows 1–2
  // of column 1 (2 ones); row 3 of column 1 and row 0 of column 2 (2 zeros); 2 ones; 5 zeros.

  it("reads 2-D arrays row by row but encodes column-major, as np.asfortranarray + encode", () => {
    assert.deepEqual([...rleOf(centre).counts], [5, 2, 2, 2, 5]);
    assert.deepEqual([...rleOf(shifted).counts], [9, 2, 2, 2, 1]);
    // A 2×3 mask with only the top-right pixel: column-major index x·h + y = 2·2 + 0 = 4.
    assert.deepEqual([...rleOf([[0, 0, 1], [0, 0, 0]]).counts], [4, 1, 1]);
    assert.deepEqual([...rleOf([[true, false]]).counts], [0, 1, 1]);
  });

  it("compressed, uncompressed and 2-D forms of the same mask agree", () => {
    const a = rleOf({ size: [4, 4], counts: "52203" });
    const b = rleOf({ size: [4, 4], counts: [5, 2, 2, 2, 5] });
    const c = rleOf(centre);
    assert.deepEqual(a, b);
    assert.deepEqual(a, c);
    // COCO annotations nest the RLE under `segmentation`.
    assert.deepEqual(rleOf({ segmentation: { size: [4, 4], counts: "52203" } }), a);
  });

  it("IoU of the centre square and the square shifted right by one: 2 / 6", () => {
    assert.deepEqual(rleOverlap(rleOf(centre), rleOf(shifted)), { inter: 2, union: 6 });
    assert.equal(rleIou(rleOf(centre), rleOf(shifted)), 1 / 3);
  });

  it("follows pycocotools for empty masks: IoU 0 even for two empty masks", () => {
    const empty = rleOf({ size: [4, 4], counts: [16] });
    assert.equal(rleIou(empty, empty), 0);
    assert.equal(rleIou(empty, rleOf(centre)), 0);
    const full = rleOf({ size: [4, 4], counts: [0, 16] });
    assert.equal(rleIou(full, full), 1);
    assert.equal(rleIou(full, rleOf(centre)), 4 / 16);
  });

  it("names the bad cell of a ragged or non-binary 2-D array", () => {
    assert.deepEqual(toRle([[0, 1], [1]], "reference.mask"), { ok: false, why: "reference.mask[1]: expected a row of 2 values like row 0" });
    assert.deepEqual(toRle([[0, "x"]], "reference.mask"), { ok: false, why: "reference.mask[0][1]: expected 0/1 or a boolean" });
  });
});

describe("COCO polygons (pycocotools frPyObjects / rleFrPoly)", () => {
  it("rasterizes the square (0,0)-(2,2) on a 4×4 image to the top-left 2×2 pixels", () => {
    // Hand trace of rleFrPoly: ×5 -> corners (0,0),(10,0),(10,10),(0,10). Column-centre crossings
    // (u = 5n + 2 after the −1/0 adjustment) occur on the top edge at x = 0, 1 (y = ceil(−0.4) = 0)
    // and on the bottom edge at x = 1, 0 (y = ceil((10 + .5)/5 − .5) = ceil(1.6) = 2).
    // Positions x·4 + y: 0, 4, 6, 2 and the end 16 -> sorted diffs 0, 2, 2, 2, 10.
    const rle = polygonToRle([0, 0, 2, 0, 2, 2, 0, 2], 4, 4);
    assert.deepEqual([...rle.counts], [0, 2, 2, 2, 10]);
    assert.equal(encodeCounts(rle.counts), "02208");
    assert.equal(rleArea(rle), 4);
  });

  it("rasterizes the triangle (0,0),(2,0),(0,2) on 3×3 to one pixel (centres on the hypotenuse stay out)", () => {
    // Hand trace: the hypotenuse is walked from (0,10) to (10,0) after the flip with slope −1, points
    // (u, 10 − u). Crossings: top edge x = 0, 1 at y = 0; hypotenuse u = 7 (v = 3, previous v = 2) ->
    // x = 1, y = ceil(2.5/5 − .5) = 0, and u = 2 (v = 8, previous 7) -> x = 0, y = ceil(7.5/5 − .5) = 1.
    // Positions x·3 + y: 0, 3, 3, 1 (+ end 9) -> diffs 0, 1, 2, 0, 6; the zero folds: runs 0, 1, 8.
    assert.deepEqual([...polygonToRle([0, 0, 2, 0, 0, 2], 3, 3).counts], [0, 1, 8]);
  });

  it("gives the same mask whichever way the polygon is wound", () => {
    const cw = polygonToRle([1, 1, 3, 1, 3, 3, 1, 3], 5, 5);
    const ccw = polygonToRle([1, 1, 1, 3, 3, 3, 3, 1], 5, 5);
    assert.deepEqual(cw, ccw);
    // Pixels x, y ∈ {1, 2}: column-major positions 6, 7, 11, 12 -> runs 6, 2, 3, 2, 12.
    assert.deepEqual([...cw.counts], [6, 2, 3, 2, 12]);
  });

  it("reads {size, polygons} and merges several polygons like pycocotools' merge", () => {
    const two = rleOf({ size: [4, 4], polygons: [[0, 0, 2, 0, 2, 2, 0, 2], [2, 2, 4, 2, 4, 4, 2, 4]] });
    // Top-left and bottom-right 2×2 squares: area 8.
    assert.equal(rleArea(two), 8);
    assert.deepEqual(two, unionRle([polygonToRle([0, 0, 2, 0, 2, 2, 0, 2], 4, 4), polygonToRle([2, 2, 4, 2, 4, 4, 2, 4], 4, 4)]));
    assert.deepEqual(rleOf({ height: 4, width: 4, segmentation: [[0, 0, 2, 0, 2, 2, 0, 2]] }).counts, Uint32Array.of(0, 2, 2, 2, 10));
    assert.equal(toRle({ size: [4, 4], polygons: [[0, 0, 2, 0]] }, "reference.mask").ok, false);
  });
});
