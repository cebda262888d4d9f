/**
 * The gold boxes of a sample and the coordinate frame they live in, and the per-axis scale that
 * brings predicted coordinates into that frame.
 *
 * Reference forms (a JSON string of any of them is parsed first):
 *   [x1, y1, x2, y2]                       one box
 *   [[x1, y1, x2, y2], ...]                several boxes ([] = no object)
 *   { boxes: <one box | list>,            also `box` / `bbox`
 *     format?: "xyxy" | "xywh",            default: the reward's gold_format param
 *     coords?: "pixel" | "normalized",     normalized = fractions 0–1 of the image size
 *     width?, height?,                     image size in pixels (needed when the prediction is in another frame)
 *     pred_width?, pred_height? }          size of the (resized) image the model saw, when it answers in its pixels
 */
import { type Box, type BoxFormat, toXyxy } from "./geometry.ts";

export type Coords = "pixel" | "normalized";

export type GoldBoxes = {
  boxes: Box[];
  coords: Coords;
  width?: number;
  height?: number;
  predWidth?: number;
  predHeight?: number;
};

const isNum = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
const isPositive = (v: unknown): v is number => isNum(v) && v > 0;

export function readGoldBoxes(ref: unknown, defaultFormat: BoxFormat): GoldBoxes | string {
  let raw: unknown = ref;
  let format = defaultFormat;
  let field = "reference";
  const out: GoldBoxes = { boxes: [], coords: "pixel" };
  if (typeof ref === "object" && ref !== null && !Array.isArray(ref)) {
    const o = ref as Record<string, unknown>;
    const key = (["boxes", "box", "bbox"] as const).find((k) => k in o);
    if (key === undefined) return "reference.boxes: missing (expected a box [x1, y1, x2, y2] or a list of boxes)";
    raw = o[key];
    field = `reference.${key}`;
    if (o.format !== undefined) {
      if (o.format !== "xyxy" && o.format !== "xywh") return 'reference.format: expected "xyxy" or "xywh"';
      format = o.format;
    }
    if (o.coords !== undefined) {
      if (o.coords !== "pixel" && o.coords !== "normalized") return 'reference.coords: expected "pixel" or "normalized"';
      out.coords = o.coords;
    }
    for (const [k, prop] of [
      ["width", "width"],
      ["height", "height"],
      ["pred_width", "predWidth"],
      ["pred_height", "predHeight"],
    ] as const) {
      if (o[k] === undefined) continue;
      if (!isPositive(o[k])) return `reference.${k}: expected a positive number of pixels`;
      out[prop] = o[k];
    }
  }
  if (!Array.isArray(raw)) return `${field}: expected a box [x1, y1, x2, y2] or a list of boxes`;
  const list: unknown[] = raw.length > 0 && raw.every(isNum) ? [raw] : raw;
  for (let i = 0; i < list.length; i++) {
    const b = list[i];
    const at = list === raw ? `${field}[${i}]` : field;
    if (!Array.isArray(b) || b.length !== 4 || !b.every(isNum)) return `${at}: expected four finite numbers`;
    const box = toXyxy(b, format);
    if (box[2] < box[0] || box[3] < box[1]) return `${at}: x2 < x1 or y2 < y1 (format ${format})`;
    if (box[2] === box[0] || box[3] === box[1]) return `${at}: the box has zero area`;
    out.boxes.push(box);
  }
  return out;
}

/**
 * Per-axis factors taking predicted coordinates into the gold frame. Predictions are `pixel`
 * (in the image the model saw: pred_width × pred_height, default the gold's width × height) or
 * `normalized` (0..predScale, e.g. 1000 for Qwen2-VL). IoU is invariant under per-axis scaling,
 * so sizes are only needed when the two frames differ.
 */
export function predToGold(g: GoldBoxes, predCoords: Coords, predScale: number): { sx: number; sy: number } | string {
  const predW = g.predWidth ?? g.width;
  const predH = g.predHeight ?? g.height;
  if (g.coords === "pixel") {
    if (predCoords === "normalized") {
      if (g.width === undefined || g.height === undefined) return "reference.width/height: needed to compare normalized predictions with pixel gold boxes";
      return { sx: g.width / predScale, sy: g.height / predScale };
    }
    if (g.predWidth === undefined && g.predHeight === undefined) return { sx: 1, sy: 1 };
    if (g.width === undefined || g.height === undefined) return "reference.width/height: needed to rescale predictions given in pred_width × pred_height pixels";
    return { sx: g.width / predW!, sy: g.height / predH! };
  }
  if (predCoords === "normalized") return { sx: 1 / predScale, sy: 1 / predScale };
  if (predW === undefined || predH === undefined) return "reference.width/height: needed to compare pixel predictions with normalized gold boxes";
  return { sx: 1 / predW, sy: 1 / predH };
}

/**
 * The gold boxes and the factors taking predictions into their frame, or the reason they cannot
 * be had: box_iou and point_in_box read their reference the same way, through this.
 */
export function goldBoxesAndScale(
  ref: unknown,
  p: { gold_format: BoxFormat; pred_coords: Coords; pred_scale: number },
): { gold: GoldBoxes; scale: { sx: number; sy: number } } | string {
  const gold = readGoldBoxes(ref, p.gold_format);
  if (typeof gold === "string") return gold;
  const scale = predToGold(gold, p.pred_coords, p.pred_scale);
  return typeof scale === "string" ? scale : { gold, scale };
}
