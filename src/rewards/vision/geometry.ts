/**
 * Axis-aligned boxes as [x1, y1, x2, y2] in continuous coordinates: area = (x2 − x1)·(y2 − y1),
 * no "+1" pixel convention (pycocotools' bbIou and torchvision's box_iou use the same).
 */
export type Box = readonly [number, number, number, number];
export type BoxFormat = "xyxy" | "xywh";

export function toXyxy(b: readonly number[], format: BoxFormat): Box {
  const [a, c, d, e] = b as [number, number, number, number];
  return format === "xyxy" ? [a, c, d, e] : [a, c, a + d, c + e];
}

/** A box that cannot be scored: a non-finite coordinate, or x2 < x1 / y2 < y1. */
export function isInverted(b: Box): boolean {
  return !(Number.isFinite(b[0]) && Number.isFinite(b[1]) && Number.isFinite(b[2]) && Number.isFinite(b[3])) || b[2] < b[0] || b[3] < b[1];
}

const area = (b: Box) => (b[2] - b[0]) * (b[3] - b[1]);

/** IoU, 0 when the boxes do not overlap with positive area (pycocotools' bbIou convention). */
export function boxIou(a: Box, b: Box): number {
  const w = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  if (w <= 0) return 0;
  const h = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  if (h <= 0) return 0;
  const inter = w * h;
  return inter / (area(a) + area(b) - inter);
}

/**
 * Generalized IoU (Rezatofighi et al., CVPR 2019): IoU − (|C| − |A∪B|)/|C|, C the smallest box
 * enclosing both. In [−1, 1]; when C has no area (two identical degenerate boxes) it is the IoU.
 */
export function boxGiou(a: Box, b: Box): number {
  const iw = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const ih = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  const inter = iw > 0 && ih > 0 ? iw * ih : 0;
  const union = area(a) + area(b) - inter;
  const iou = inter > 0 ? inter / union : 0;
  const hull = (Math.max(a[2], b[2]) - Math.min(a[0], b[0])) * (Math.max(a[3], b[3]) - Math.min(a[1], b[1]));
  return hull > 0 ? iou - (hull - union) / hull : iou;
}

/** Whether a point lies in a box, edges included. */
export function pointInBox(x: number, y: number, b: Box): boolean {
  return x >= b[0] && x <= b[2] && y >= b[1] && y <= b[3];
}

/** IoU of two time segments [start, end]; 0 when they only touch. */
export function segmentIou(a: readonly [number, number], b: readonly [number, number]): number {
  const inter = Math.min(a[1], b[1]) - Math.max(a[0], b[0]);
  if (inter <= 0) return 0;
  return inter / (a[1] - a[0] + (b[1] - b[0]) - inter);
}
