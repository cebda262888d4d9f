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
  for (let k = 0; k < gt.length; k++) {
    if (voidMask && voidMask[k]) continue;
    const a = gt[k]!;
    const b = pred[k]!;
    if (a | b) {
      union++;
      if (a & b) inter++;
    }
  }
  return union === 0 ? 1 : inter / union;
}

/**
 * One-pixel-wide boundary map (DAVIS `_seg2bmap`, after David Martin's Berkeley code): a pixel is
 * on the boundary when it differs from its right, lower or lower-right neighbour (outside the
 * image counts as background); the last row compares only to the right, the last column only
 * downwards, and the bottom-right pixel is never a boundary. Returns the boundary pixel indices.
 */
export function boundaryPixels(seg: Uint8Array, rows: number, cols: number, out: Uint8Array): number[] {
  const list: number[] = [];
  for (let r = 0; r < rows; r++) {
    const row = r * cols;
    const last = r === rows - 1;
    for (let c = 0; c < cols; c++) {
      const k = row + c;
      const v = seg[k]!;
      let b: number;
      if (c < cols - 1) {
        b = v ^ seg[k + 1]!;
        if (!last) b |= (v ^ seg[k + cols]!) | (v ^ seg[k + cols + 1]!);
      } else {
        b = last ? 0 : v ^ seg[k + cols]!;
      }
      out[k] = b;
      if (b) list.push(k);
    }
  }
  return list;
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
function dilate(pixels: number[], rows: number, cols: number, r: number, half: Int32Array, map: Uint8Array): void {
  map.fill(0);
  for (const k of pixels) {
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
  readonly gtB: Uint8Array;
  readonly predB: Uint8Array;
  readonly dil: Uint8Array;
  constructor(readonly rows: number, readonly cols: number) {
    const n = rows * cols;
    this.gtMasked = new Uint8Array(n);
    this.predMasked = new Uint8Array(n);
    this.gtB = new Uint8Array(n);
    this.predB = new Uint8Array(n);
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
  const gtList = boundaryPixels(g, rows, cols, s.gtB);
  const predList = boundaryPixels(p, rows, cols, s.predB);
  const nGold = gtList.length;
  const nPred = predList.length;
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
    dilate(gtList, rows, cols, boundPix, half, s.dil);
    let predHit = 0;
    for (const k of predList) predHit += s.dil[k]!;
    dilate(predList, rows, cols, boundPix, half, s.dil);
    let gtHit = 0;
    for (const k of gtList) gtHit += s.dil[k]!;
    precision = predHit / nPred;
    recall = gtHit / nGold;
  }
  const f = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { f, precision, recall, nPred, nGold };
}
