/**
 * COCO run-length encoding, bit-compatible with pycocotools (common/maskApi.c).
 *
 * A mask of h rows and w columns is flattened in column-major (Fortran) order — pixel (x, y)
 * is at x·h + y — and stored as alternating run lengths of 0s and 1s, starting with 0s (the
 * first run may be empty). The compressed `counts` string packs each run, from the fourth on
 * as the difference to the run two places before, into 5-bit groups (low first) carried by
 * the characters 48..111: bit 0x20 says another group follows, and bit 0x10 of the last group
 * is the sign. Note the quirk kept for compatibility: the difference starts at index 3, not 2.
 */

import { polygonToRle } from "./poly.ts";

export type Rle = { readonly h: number; readonly w: number; readonly counts: Uint32Array };

const MAX_UINT32 = 0xffffffff;

/** Run lengths from a compressed counts string; throws on characters outside 48..111 or runs out of range. */
export function decodeCounts(s: string): Uint32Array {
  const out = new Uint32Array(s.length);
  let m = 0;
  let p = 0;
  while (p < s.length) {
    let x = 0;
    let scale = 1; // 32^k
    let more = true;
    while (more) {
      if (p >= s.length) throw new Error("counts string ends inside a run");
      const c = s.charCodeAt(p) - 48;
      if (c < 0 || c > 63) throw new Error(`counts string has a character outside '0'..'o' at ${p}`);
      x += (c & 0x1f) * scale;
      scale *= 32;
      more = (c & 0x20) !== 0;
      p++;
      if (!more && (c & 0x10) !== 0) x -= scale; // sign-extend the last group
    }
    if (m > 2) x += out[m - 2]!;
    if (x < 0 || x > MAX_UINT32) throw new Error(`run ${m} decodes to ${x}, outside 0..2^32-1`);
    out[m++] = x;
  }
  return out.slice(0, m);
}

/** The compressed counts string of a list of run lengths (pycocotools' rleToString). */
export function encodeCounts(counts: ArrayLike<number>): string {
  let s = "";
  for (let i = 0; i < counts.length; i++) {
    let x = counts[i]!;
    if (i > 2) x -= counts[i - 2]!;
    let more = true;
    while (more) {
      // Floor division keeps the arithmetic-shift semantics for negatives beyond 32 bits.
      const q = Math.floor(x / 32);
      let c = x - q * 32;
      x = q;
      more = (c & 0x10) !== 0 ? x !== -1 : x !== 0;
      if (more) c |= 0x20;
      s += String.fromCharCode(c + 48);
    }
  }
  return s;
}

/** Runs of a column-major 0/1 mask (any non-zero byte is foreground). */
export function encodeMask(colMajor: Uint8Array, h: number, w: number): Rle {
  const n = h * w;
  const runs: number[] = [];
  let value = 0;
  let run = 0;
  for (let k = 0; k < n; k++) {
    const v = colMajor[k] ? 1 : 0;
    if (v !== value) {
      runs.push(run);
      run = 0;
      value = v;
    }
    run++;
  }
  runs.push(run);
  return { h, w, counts: Uint32Array.from(runs) };
}

/** The column-major 0/1 mask of an RLE. */
export function decodeMask(r: Rle): Uint8Array {
  const out = new Uint8Array(r.h * r.w);
  let k = 0;
  for (let j = 0; j < r.counts.length; j++) {
    const c = r.counts[j]!;
    if (j & 1) out.fill(1, k, k + c);
    k += c;
  }
  return out;
}

export function rleArea(r: Rle): number {
  let a = 0;
  for (let j = 1; j < r.counts.length; j += 2) a += r.counts[j]!;
  return a;
}

/** Intersection and union areas, walking both run lists at once (no decoding). */
export function rleOverlap(a: Rle, b: Rle): { inter: number; union: number } {
  const ca = a.counts;
  const cb = b.counts;
  let ia = 0;
  let ib = 0;
  let ra = ca.length > 0 ? ca[0]! : 0; // pixels left in the current run of a
  let rb = cb.length > 0 ? cb[0]! : 0;
  let va = 0;
  let vb = 0;
  let inter = 0;
  let union = 0;
  for (;;) {
    while (ra === 0 && ia + 1 < ca.length) {
      ra = ca[++ia]!;
      va ^= 1;
    }
    while (rb === 0 && ib + 1 < cb.length) {
      rb = cb[++ib]!;
      vb ^= 1;
    }
    if (ra === 0 || rb === 0) break;
    const step = ra < rb ? ra : rb;
    if (va | vb) {
      union += step;
      if (va & vb) inter += step;
    }
    ra -= step;
    rb -= step;
  }
  return { inter, union };
}

/**
 * Mask IoU as pycocotools' `mask.iou(dt, gt, iscrowd=[0])`: intersection over union, and 0 when
 * the intersection is empty — so two empty masks have IoU 0, not 1.
 */
export function rleIou(a: Rle, b: Rle): number {
  const { inter, union } = rleOverlap(a, b);
  return inter === 0 ? 0 : inter / union;
}

/** Union of masks of the same size (pycocotools' `merge(rles, intersect=0)`). */
export function unionRle(parts: readonly Rle[]): Rle {
  if (parts.length === 1) return parts[0]!;
  const { h, w } = parts[0]!;
  const acc = new Uint8Array(h * w);
  for (const r of parts) {
    const d = decodeMask(r);
    for (let k = 0; k < d.length; k++) acc[k]! |= d[k]!;
  }
  return encodeMask(acc, h, w);
}

/** An RLE with validated size and runs, or a reason naming what is wrong (prefixed with `field`). */
export type MaskResult = { ok: true; rle: Rle } | { ok: false; why: string };

const isCount = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= MAX_UINT32;

function checkedSize(size: unknown, field: string): { h: number; w: number } | string {
  if (!Array.isArray(size) || size.length !== 2 || !size.every((v) => isCount(v))) return `${field}.size: expected [height, width] as two non-negative integers`;
  return { h: size[0] as number, w: size[1] as number };
}

function withTotal(counts: Uint32Array, h: number, w: number, field: string): MaskResult {
  let total = 0;
  for (let j = 0; j < counts.length; j++) total += counts[j]!;
  if (total !== h * w) return { ok: false, why: `${field}.counts: runs add up to ${total}, but size ${h}×${w} has ${h * w} pixels` };
  return { ok: true, rle: { h, w, counts } };
}

/**
 * A mask from JSON, validated (`field` names the place in error messages):
 * - a COCO RLE `{size: [h, w], counts: "<compressed>" | [runs...]}` (runs must cover h·w pixels);
 * - a 2-D array of rows, `mask[y][x]`, 0/1 or booleans (any non-zero number is foreground);
 * - COCO polygons `{size: [h, w] (or height, width), polygons: [[x1, y1, x2, y2, ...], ...]}`
 *   (`polygon` / `segmentation` also accepted), rasterized and merged as pycocotools does;
 * - any of these objects nested under `segmentation`, as in COCO annotations.
 */
export function toRle(v: unknown, field: string): MaskResult {
  if (Array.isArray(v)) {
    const d = columnMajorFromRows(v, field);
    return d.ok ? { ok: true, rle: encodeMask(d.data, d.h, d.w) } : d;
  }
  if (typeof v !== "object" || v === null) return { ok: false, why: `${field}: expected an RLE object {size, counts} or a 2-D array` };
  const o = v as Record<string, unknown>;
  if (!("counts" in o) && typeof o.segmentation === "object" && o.segmentation !== null && !Array.isArray(o.segmentation)) {
    return toRle(o.segmentation, `${field}.segmentation`);
  }
  const size = checkedSize(o.size ?? (o.height !== undefined || o.width !== undefined ? [o.height, o.width] : undefined), field);
  if (typeof size === "string") return { ok: false, why: size };
  const { h, w } = size;
  const polyKey = (["polygons", "polygon", "segmentation"] as const).find((k) => Array.isArray(o[k]));
  if (polyKey !== undefined && !("counts" in o)) return fromPolygons(o[polyKey] as unknown[], h, w, `${field}.${polyKey}`);
  if (typeof o.counts === "string") {
    let counts: Uint32Array;
    try {
      counts = decodeCounts(o.counts);
    } catch (err) {
      return { ok: false, why: `${field}.counts: ${(err as Error).message}` };
    }
    return withTotal(counts, h, w, field);
  }
  if (Array.isArray(o.counts)) {
    const bad = o.counts.findIndex((c) => !isCount(c));
    if (bad >= 0) return { ok: false, why: `${field}.counts[${bad}]: expected a non-negative integer run length` };
    return withTotal(Uint32Array.from(o.counts as number[]), h, w, field);
  }
  return { ok: false, why: `${field}.counts: expected a compressed string or a list of run lengths` };
}

/** COCO polygons ([x1, y1, x2, y2, ...] each, or one such list) rasterized and merged like pycocotools. */
function fromPolygons(list: unknown[], h: number, w: number, field: string): MaskResult {
  const polys = list.length > 0 && list.every((c) => typeof c === "number") ? [list] : list;
  const parts: Rle[] = [];
  for (let i = 0; i < polys.length; i++) {
    const q = polys[i];
    const at = polys === list ? `${field}[${i}]` : field;
    if (!Array.isArray(q) || !q.every((c) => typeof c === "number" && Number.isFinite(c))) return { ok: false, why: `${at}: expected a list of numbers x1, y1, x2, y2, ...` };
    if (q.length < 6 || q.length % 2 !== 0) return { ok: false, why: `${at}: a polygon needs an even count of at least 6 numbers (3 points)` };
    parts.push(polygonToRle(q as number[], h, w));
  }
  if (parts.length === 0) return { ok: true, rle: { h, w, counts: Uint32Array.of(h * w) } };
  return { ok: true, rle: unionRle(parts) };
}

export type DenseResult = { ok: true; h: number; w: number; data: Uint8Array } | { ok: false; why: string };

/** A mask (same forms as `toRle`) as a column-major 0/1 array. */
export function toColumnMajor(v: unknown, field: string): DenseResult {
  if (Array.isArray(v)) return columnMajorFromRows(v, field);
  const r = toRle(v, field);
  return r.ok ? { ok: true, h: r.rle.h, w: r.rle.w, data: decodeMask(r.rle) } : r;
}

function columnMajorFromRows(rows: unknown[], field: string): DenseResult {
  const h = rows.length;
  const first = rows[0];
  if (!Array.isArray(first)) return { ok: false, why: `${field}: expected a 2-D array (a list of rows)` };
  const w = first.length;
  const col = new Uint8Array(h * w);
  for (let y = 0; y < h; y++) {
    const row = rows[y];
    if (!Array.isArray(row) || row.length !== w) return { ok: false, why: `${field}[${y}]: expected a row of ${w} values like row 0` };
    for (let x = 0; x < w; x++) {
      const p = row[x];
      if (typeof p === "boolean") col[x * h + y] = p ? 1 : 0;
      else if (typeof p === "number" && Number.isFinite(p)) col[x * h + y] = p !== 0 ? 1 : 0;
      else return { ok: false, why: `${field}[${y}][${x}]: expected 0/1 or a boolean` };
    }
  }
  return { ok: true, h, w, data: col };
}
