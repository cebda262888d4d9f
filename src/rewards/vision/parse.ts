/**
 * Reading boxes, points, time segments and masks out of a model's completion. Each extractor
 * tries the explicit syntaxes first (special tokens and tags), then JSON, then loose
 * bracketed numbers, and reports which one it used (`how`) so details show what was read.
 */
import { jsonValues } from "./json-scan.ts";

export type Extracted<T> =
  | { ok: true; items: T[]; how: string; ignored: number }
  | { ok: false; why: string };

const NUM = String.raw`[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?`;
const NUM_RE = new RegExp(NUM, "g");
const sp = String.raw`\s*`;

/**
 * The part of a completion that holds the answer: the last `<tag>…</tag>` block when there is
 * one, else the text after the last `</think>`, else everything. `undefined` when the tag is
 * required and absent.
 */
export function answerRegion(text: string, tag: string | null, requireTag: boolean): string | undefined {
  if (tag) {
    const open = `<${tag}>`;
    const close = `</${tag}>`;
    const end = text.lastIndexOf(close);
    if (end >= 0) {
      const start = text.lastIndexOf(open, end);
      if (start >= 0) return text.slice(start + open.length, end);
    }
    if (requireTag) return undefined;
  }
  const think = text.lastIndexOf("</think>");
  return think >= 0 ? text.slice(think + 8) : text;
}

function numbers(s: string): number[] {
  return (s.match(NUM_RE) ?? []).map(Number);
}

const isNum = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
const isTuple = (v: unknown, n: number): v is number[] => Array.isArray(v) && v.length === n && v.every(isNum);
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Walks parsed JSON collecting items: `leaf` recognizes an item, `keys` are the object keys
 * that may hold items (or lists of them). `sawEmpty` records an explicit empty list.
 */
function walkJson<T>(
  values: unknown[],
  leaf: (v: unknown) => T | undefined,
  keys: readonly string[],
): { items: T[]; sawEmpty: boolean; ignored: number } {
  const items: T[] = [];
  let sawEmpty = false;
  let ignored = 0;
  const walk = (v: unknown, depth: number) => {
    const item = leaf(v);
    if (item !== undefined) {
      items.push(item);
      return;
    }
    if (depth > 8) return;
    if (Array.isArray(v)) {
      if (v.length === 0) sawEmpty = true;
      for (const e of v) {
        if (typeof e === "object" && e !== null) walk(e, depth + 1);
        else ignored++;
      }
    } else if (isRecord(v)) {
      for (const k of keys) if (k in v) walk(v[k], depth + 1);
    }
  };
  for (const v of values) walk(v, 0);
  return { items, sawEmpty, ignored };
}

function fromJson<T>(region: string, leaf: (v: unknown) => T | undefined, keys: readonly string[], what: string): Extracted<T> | undefined {
  const values = jsonValues(region);
  if (values.length === 0) return undefined;
  const r = walkJson(values, leaf, keys);
  if (r.items.length > 0) return { ok: true, items: r.items, how: "json", ignored: r.ignored };
  if (r.sawEmpty) return { ok: true, items: [], how: `json (explicit empty list of ${what})`, ignored: r.ignored };
  return undefined;
}

// ---------------------------------------------------------------- boxes

const QWEN_BOX = new RegExp(
  String.raw`<\|box_start\|>${sp}\(${sp}(${NUM})${sp},${sp}(${NUM})${sp}\)${sp},${sp}\(${sp}(${NUM})${sp},${sp}(${NUM})${sp}\)${sp}<\|box_end\|>`,
  "g",
);
const BOX_TAG = /<box>([\s\S]*?)<\/box>/g;
const BOX_TAG_BODY = /^[\s\d.,()[\]+\-eE]*$/;
const BRACKET_BOX = new RegExp(String.raw`\[${sp}(${NUM})${sp},${sp}(${NUM})${sp},${sp}(${NUM})${sp},${sp}(${NUM})${sp}\]`, "g");
const TWO_POINTS = new RegExp(String.raw`\(${sp}(${NUM})${sp},${sp}(${NUM})${sp}\)${sp},?${sp}\(${sp}(${NUM})${sp},${sp}(${NUM})${sp}\)`, "g");
export const BOX_KEYS = ["bbox_2d", "bbox", "box_2d", "box", "boxes", "bboxes", "bounding_box"] as const;

const m4 = (m: RegExpMatchArray): number[] => [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])];

/**
 * Boxes as raw 4-tuples, in this order of preference: Qwen-VL `<|box_start|>(x1,y1),(x2,y2)<|box_end|>`,
 * `<box>(x1,y1),(x2,y2)</box>` (or `<box>[x1,y1,x2,y2]</box>`), JSON (a 4-number list, a list of
 * them, or objects with `bbox_2d`/`bbox`/`box`/`boxes`), then bare `[x1, y1, x2, y2]` and
 * `(x1,y1),(x2,y2)` in the text. An explicit JSON `[]` is an empty prediction.
 */
export function extractBoxes(region: string): Extracted<number[]> {
  const qwen = [...region.matchAll(QWEN_BOX)];
  if (qwen.length > 0) return { ok: true, items: qwen.map(m4), how: "box_start tokens", ignored: 0 };
  if (region.includes("<box>")) {
    const items: number[][] = [];
    let ignored = 0;
    for (const m of region.matchAll(BOX_TAG)) {
      const body = m[1]!;
      const ns = numbers(body);
      if (BOX_TAG_BODY.test(body) && ns.length === 4) items.push(ns);
      else ignored++;
    }
    if (items.length > 0) return { ok: true, items, how: "<box> tag", ignored };
    if (ignored > 0) return { ok: false, why: "<box> tag without exactly four numbers" };
  }
  const json = fromJson(region, (v) => (isTuple(v, 4) ? v : undefined), BOX_KEYS, "boxes");
  if (json) return json;
  const bracket = [...region.matchAll(BRACKET_BOX)];
  if (bracket.length > 0) return { ok: true, items: bracket.map(m4), how: "[x1, y1, x2, y2]", ignored: 0 };
  const pairs = [...region.matchAll(TWO_POINTS)];
  if (pairs.length > 0) return { ok: true, items: pairs.map(m4), how: "(x1,y1),(x2,y2)", ignored: 0 };
  return { ok: false, why: "no box found in the answer" };
}

// ---------------------------------------------------------------- points

const POINT_TAG = /<point>([\s\S]*?)<\/point>/g;
/** Molmo: `<point x="61.5" y="40.6" alt="…">…</point>` and `<points x1=".." y1=".." x2=".." y2="..">`. */
const MOLMO_POINT = /<points?\b([^>]*)>/g;
const ATTR = new RegExp(String.raw`\b([xy])(\d*)\s*=\s*"(${NUM})"`, "g");
const BRACKET_POINT = new RegExp(String.raw`[[(]${sp}(${NUM})${sp},${sp}(${NUM})${sp}[\])]`, "g");
export const POINT_KEYS = ["point_2d", "point", "points", "coordinates"] as const;

function pointLeaf(v: unknown): [number, number] | undefined {
  if (isTuple(v, 2)) return [v[0]!, v[1]!];
  if (isRecord(v) && isNum(v.x) && isNum(v.y) && Object.keys(v).every((k) => k === "x" || k === "y" || k === "label")) return [v.x, v.y];
  return undefined;
}

/**
 * Points as [x, y], in this order of preference: `<point>(x,y)</point>`, Molmo's
 * `<point x=".." y="..">` / `<points x1=.. y1=.. …>`, JSON (a 2-number list, a list of them,
 * `{"point_2d": [x, y]}`, `{"x": .., "y": ..}`), then bare `(x, y)` / `[x, y]`.
 */
export function extractPoints(region: string): Extracted<[number, number]> {
  if (region.includes("<point>")) {
    const items: [number, number][] = [];
    let ignored = 0;
    for (const m of region.matchAll(POINT_TAG)) {
      const ns = numbers(m[1]!);
      if (ns.length === 2) items.push([ns[0]!, ns[1]!]);
      else ignored++;
    }
    if (items.length > 0) return { ok: true, items, how: "<point> tag", ignored };
    if (ignored > 0) return { ok: false, why: "<point> tag without exactly two numbers" };
  }
  const molmo: [number, number][] = [];
  for (const m of region.matchAll(MOLMO_POINT)) {
    const xs = new Map<string, number>();
    const ys = new Map<string, number>();
    for (const a of m[1]!.matchAll(ATTR)) (a[1] === "x" ? xs : ys).set(a[2]!, Number(a[3]));
    for (const [k, x] of xs) {
      const y = ys.get(k);
      if (y !== undefined) molmo.push([x, y]);
    }
  }
  if (molmo.length > 0) return { ok: true, items: molmo, how: "<point x= y=> tag", ignored: 0 };
  const json = fromJson(region, pointLeaf, POINT_KEYS, "points");
  if (json) return json;
  const loose = [...region.matchAll(BRACKET_POINT)].map((m): [number, number] => [Number(m[1]), Number(m[2])]);
  if (loose.length > 0) return { ok: true, items: loose, how: "(x, y)", ignored: 0 };
  return { ok: false, why: "no point found in the answer" };
}

// ---------------------------------------------------------------- time segments

const TIME = String.raw`(?:\d+:)?\d+:\d+(?:\.\d+)?|\d+(?:\.\d+)?`;
const TIME_ONLY = new RegExp(`^(?:${TIME})$`);
const UNIT = String.raw`(?:\s*(?:s|sec|secs|second|seconds)\b)?`;
const SPAN = new RegExp(String.raw`(${TIME})${UNIT}\s*(?:to|until|till|and|-|–|—|~|,)\s*(${TIME})${UNIT}`, "gi");
export const SEGMENT_KEYS = ["segment", "segments", "timestamps", "timestamp", "time", "times", "span", "spans", "moment", "moments"] as const;

/** Seconds from `12.5`, `"12.5"`, `"01:23"` (mm:ss) or `"1:02:03.5"` (hh:mm:ss). */
export function seconds(v: unknown): number | undefined {
  if (isNum(v)) return v;
  if (typeof v !== "string") return undefined;
  const s = v.trim().replace(/\s*(?:s|sec|secs|seconds?)$/i, "");
  if (!TIME_ONLY.test(s)) return undefined;
  return s.split(":").reduce((acc, part) => acc * 60 + Number(part), 0);
}

function segmentLeaf(v: unknown): [number, number] | undefined {
  if (Array.isArray(v) && v.length === 2) {
    const a = seconds(v[0]);
    const b = seconds(v[1]);
    return a === undefined || b === undefined ? undefined : [a, b];
  }
  if (isRecord(v)) {
    const a = seconds(v.start ?? v.start_time ?? v.begin);
    const b = seconds(v.end ?? v.end_time);
    return a === undefined || b === undefined ? undefined : [a, b];
  }
  return undefined;
}

/**
 * Time segments as [start, end] seconds: JSON (`[s, e]`, a list of them, `{"start": s, "end": e}`,
 * `{"timestamps": [s, e]}`; numbers or "mm:ss" strings), then prose such as
 * `12.5 to 17.8 seconds`, `between 12.5 and 17.8`, `00:12 - 00:17`, `12.5s~17.8s`.
 */
export function extractSegments(region: string): Extracted<[number, number]> {
  const json = fromJson(region, segmentLeaf, SEGMENT_KEYS, "segments");
  if (json) return json;
  const spans = [...region.matchAll(SPAN)].map((m): [number, number] => [seconds(m[1])!, seconds(m[2])!]);
  if (spans.length > 0) return { ok: true, items: spans, how: "start to end", ignored: 0 };
  return { ok: false, why: "no time segment found in the answer" };
}

// ---------------------------------------------------------------- masks

export const MASK_KEYS = ["mask", "masks", "segmentation", "rle"] as const;

/** A value shaped like a mask: an RLE object `{size, counts}`, polygons `{size, polygons}` or a 2-D array of rows. */
export function isMaskLike(v: unknown): boolean {
  if (isRecord(v)) return "size" in v && ("counts" in v || "polygons" in v || "polygon" in v);
  return Array.isArray(v) && v.length > 0 && Array.isArray(v[0]) && (v[0].length === 0 || !Array.isArray(v[0][0]));
}

/** Masks (RLE objects or 2-D arrays, still to be validated) from the JSON in the answer. */
export function extractMasks(region: string): Extracted<unknown> {
  const json = fromJson(region, (v) => (isMaskLike(v) ? v : undefined), MASK_KEYS, "masks");
  return json ?? { ok: false, why: "no mask (RLE object or 2-D array) found in the answer" };
}

export const FRAME_KEYS = ["frames", "masks", "segmentation"] as const;

/** The per-frame masks of a video answer: a JSON list of masks, or `{"frames": [...]}`. */
export function extractFrames(region: string): Extracted<unknown> {
  for (const v of jsonValues(region)) {
    let list: unknown = v;
    if (isRecord(v)) {
      const k = FRAME_KEYS.find((key) => key in v);
      if (k === undefined) continue;
      list = v[k];
    }
    if (Array.isArray(list) && list.every(isMaskLike)) return { ok: true, items: list, how: "json", ignored: 0 };
  }
  return { ok: false, why: "no list of per-frame masks found in the answer" };
}
