/**
 * DAVIS 2017 video segmentation measures (davis2017-evaluation, davis2017/metrics.py):
 * region similarity J (db_eval_iou) and boundary accuracy F (db_eval_boundary / f_measure).
 *
 * Masks are flat 0/1 arrays of `rows × cols`, index r·cols + c. Both measures are unchanged
 * when the image is transposed (the boundary map transposes with it, the dilation disk is
 * symmetric, the diagonal is the same), so column-major COCO masks (rows = width,
 * cols = height) can be passed as they are, without a transpose.
 */

/** J for one frame: |A∩B| / |A∪B| outside void pixels, and 1 when the union is empty. */
export function regionJ(gt: Uint8Array, pred: Uint8Array, voidMask?: Uint8Array): number {
  let inter = 0;
  let union = 0;
  const n = gt.length;
  if (voidMask) {
    for (let k = 0; k < n; k++) {
      const keep = voidMask[k]! ^ 1;
      inter += gt[k]! & pred[k]! & keep;
      union += (gt[k]! | pred[k]!) & keep;
    }
  } else {
    for (let k = 0; k < n; k++) {
      inter += gt[k]! & pred[k]!;
      union += gt[k]! | pred[k]!;
    }
  }
  return union === 0 ? 1 : inter / union;
}

/**
 * One-pixel-wide boundary map (DAVIS `_seg2bmap`, after David Martin's Berkeley code): a pixel is
 * on the boundary when it differs from its right, lower or lower-right neighbour (outside the
 * image counts as background); the last row compares only to the right, the last column only
 * downwards, and the bottom-right pixel is never a boundary. Writes the boundary pixel indices
 * into `out` (ascending) and returns how many there are. Masks must hold 0/1 bytes.
 */
export function boundaryPixels(seg: Uint8Array, rows: number, cols: number, out: Int32Array): number {
  let n = 0;
  for (let r = 0; r < rows - 1; r++) {
    const row = r * cols;
    for (let k = row, end = row + cols - 1; k < end; k++) {
      const v = seg[k]!;
      if ((v ^ seg[k + 1]!) | (v ^ seg[k + cols]!) | (v ^ seg[k + cols + 1]!)) out[n++] = k;
    }
    const k = row + cols - 1;
    if (seg[k]! ^ seg[k + cols]!) out[n++] = k;
  }
  const row = (rows - 1) * cols;
  for (let k = row, end = row + cols - 1; k < end; k++) if (seg[k]! ^ seg[k + 1]!) out[n++] = k;
  return n;
}

/**
 * Dilation radius in pixels: bound_th itself when ≥ 1, else ceil(bound_th · image diagonal) —
 * with the default 0.008 that is 8 px on a 480×854 DAVIS frame.
 */
export function boundPixels(boundTh: number, rows: number, cols: number): number {
  return boundTh >= 1 ? boundTh : Math.ceil(boundTh * Math.sqrt(rows * rows + cols * cols));
}

/** Half-widths of skimage's `disk(r)` (x² + y² ≤ r²) for each row offset 0..r. */
function diskHalfWidths(r: number): Int32Array {
  const out = new Int32Array(r + 1);
  for (let d = 0; d <= r; d++) out[d] = Math.floor(Math.sqrt(r * r - d * d));
  return out;
}

/** Marks in `map` every pixel within the disk of some listed pixel (cv2.dilate with the disk). */
function dilate(pixels: Int32Array, count: number, rows: number, cols: number, r: number, half: Int32Array, map: Uint8Array): void {
  map.fill(0);
  for (let i = 0; i < count; i++) {
    const k = pixels[i]!;
    const pr = Math.floor(k / cols);
    const pc = k - pr * cols;
    const r0 = Math.max(0, pr - r);
    const r1 = Math.min(rows - 1, pr + r);
    for (let rr = r0; rr <= r1; rr++) {
      const hw = half[Math.abs(rr - pr)]!;
      const base = rr * cols;
      map.fill(1, base + Math.max(0, pc - hw), base + Math.min(cols - 1, pc + hw) + 1);
    }
  }
}

/** Reusable buffers for one frame size. */
export class BoundaryScratch {
  readonly gtMasked: Uint8Array;
  readonly predMasked: Uint8Array;
  readonly gtB: Int32Array;
  readonly predB: Int32Array;
  readonly dil: Uint8Array;
  constructor(readonly rows: number, readonly cols: number) {
    const n = rows * cols;
    this.gtMasked = new Uint8Array(n);
    this.predMasked = new Uint8Array(n);
    this.gtB = new Int32Array(n);
    this.predB = new Int32Array(n);
    this.dil = new Uint8Array(n);
  }
}

export type BoundaryResult = { f: number; precision: number; recall: number; nPred: number; nGold: number };

/**
 * F for one frame (DAVIS f_measure): boundary precision = share of predicted boundary pixels
 * within `boundPix` of a gold boundary pixel, recall the converse, F their harmonic mean.
 * No predicted boundary: P = 1, R = 0; no gold boundary: P = 0, R = 1; neither: P = R = 1.
 */
export function boundaryF(gt: Uint8Array, pred: Uint8Array, s: BoundaryScratch, boundPix: number, voidMask?: Uint8Array): BoundaryResult {
  const { rows, cols } = s;
  let g = gt;
  let p = pred;
  if (voidMask) {
    for (let k = 0; k < gt.length; k++) {
      const keep = voidMask[k] ? 0 : 1;
      s.gtMasked[k] = gt[k]! & keep;
      s.predMasked[k] = pred[k]! & keep;
    }
    g = s.gtMasked;
    p = s.predMasked;
  }
  const nGold = boundaryPixels(g, rows, cols, s.gtB);
  const nPred = boundaryPixels(p, rows, cols, s.predB);
  let precision: number;
  let recall: number;
  if (nPred === 0 && nGold > 0) {
    precision = 1;
    recall = 0;
  } else if (nPred > 0 && nGold === 0) {
    precision = 0;
    recall = 1;
  } else if (nPred === 0 && nGold === 0) {
    precision = 1;
    recall = 1;
  } else {
    const half = diskHalfWidths(boundPix);
    dilate(s.gtB, nGold, rows, cols, boundPix, half, s.dil);
    let predHit = 0;
    for (let i = 0; i < nPred; i++) predHit += s.dil[s.predB[i]!]!;
    dilate(s.predB, nPred, rows, cols, boundPix, half, s.dil);
    let gtHit = 0;
    for (let i = 0; i < nGold; i++) gtHit += s.dil[s.gtB[i]!]!;
    precision = predHit / nPred;
    recall = gtHit / nGold;
  }
  const f = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { f, precision, recall, nPred, nGold };
}
