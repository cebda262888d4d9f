/**
 * Polygon rasterization exactly as pycocotools' `frPyObjects(polygons, h, w)` (maskApi.c
 * rleFrPoly), so COCO / RefCOCO polygon annotations give the masks COCO evaluation uses.
 *
 * The outline is upsampled ×5 onto integer points, the points where it crosses a pixel column
 * centre are kept, and each such crossing starts or ends a vertical run — which yields the
 * column-major RLE directly. C's integer conversions (truncation toward zero) are reproduced.
 */
import type { Rle } from "./rle.ts";

const SCALE = 5;

/** C's `(int)` of a double: truncation, with NaN and out-of-range giving INT_MIN as on x86-64. */
function cInt(x: number): number {
  if (Number.isNaN(x) || x >= 2147483648 || x < -2147483648) return -2147483648;
  return Math.trunc(x);
}

/** One polygon [x1, y1, x2, y2, ...] (at least three points) as an RLE of an h × w image. */
export function polygonToRle(xy: readonly number[], h: number, w: number): Rle {
  const k = xy.length >> 1;
  const x = new Array<number>(k + 1);
  const y = new Array<number>(k + 1);
  for (let j = 0; j < k; j++) x[j] = cInt(SCALE * xy[2 * j]! + 0.5);
  for (let j = 0; j < k; j++) y[j] = cInt(SCALE * xy[2 * j + 1]! + 0.5);
  x[k] = x[0]!;
  y[k] = y[0]!;

  // Dense integer points along every edge.
  const u: number[] = [];
  const v: number[] = [];
  for (let j = 0; j < k; j++) {
    let xs = x[j]!;
    let xe = x[j + 1]!;
    let ys = y[j]!;
    let ye = y[j + 1]!;
    const dx = Math.abs(xe - xs);
    const dy = Math.abs(ys - ye);
    const flip = (dx >= dy && xs > xe) || (dx < dy && ys > ye);
    if (flip) {
      [xs, xe] = [xe, xs];
      [ys, ye] = [ye, ys];
    }
    const s = dx >= dy ? (ye - ys) / dx : (xe - xs) / dy;
    if (dx >= dy) {
      for (let d = 0; d <= dx; d++) {
        const t = flip ? dx - d : d;
        u.push(t + xs);
        v.push(cInt(ys + s * t + 0.5));
      }
    } else {
      for (let d = 0; d <= dy; d++) {
        const t = flip ? dy - d : d;
        v.push(t + ys);
        u.push(cInt(xs + s * t + 0.5));
      }
    }
  }

  // Crossings of pixel-column centres, back in pixel units.
  const starts: number[] = [];
  for (let j = 1; j < u.length; j++) {
    if (u[j] === u[j - 1]) continue;
    let xd = u[j]! < u[j - 1]! ? u[j]! : u[j]! - 1;
    xd = (xd + 0.5) / SCALE - 0.5;
    if (Math.floor(xd) !== xd || xd < 0 || xd > w - 1) continue;
    let yd = v[j]! < v[j - 1]! ? v[j]! : v[j - 1]!;
    yd = (yd + 0.5) / SCALE - 0.5;
    if (yd < 0) yd = 0;
    else if (yd > h) yd = h;
    yd = Math.ceil(yd);
    starts.push(cInt(xd) * h + cInt(yd));
  }

  // Sorted crossing positions become run lengths; zero-length runs are folded away.
  starts.push(h * w);
  starts.sort((a, b) => a - b);
  const diffs: number[] = [];
  let prev = 0;
  for (const t of starts) {
    diffs.push(t - prev);
    prev = t;
  }
  const runs: number[] = [diffs[0]!];
  for (let j = 1; j < diffs.length; ) {
    if (diffs[j]! > 0) runs.push(diffs[j++]!);
    else {
      j++;
      if (j < diffs.length) runs[runs.length - 1]! += diffs[j++]!;
    }
  }
  return { h, w, counts: Uint32Array.from(runs) };
}

