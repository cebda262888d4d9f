/** Params and helpers shared by the vision reward types. */
import { z } from "zod";
import { completionText } from "../../core/text.ts";
import { ok } from "../../core/outcome.ts";
import type { Outcome, Sample } from "../../core/types.ts";
import { SCORE_BY } from "./matching.ts";
import { answerRegion, type Extracted } from "./parse.ts";

/** Where the answer is read from in the completion. */
export const answerParams = {
  /** Read the last `<tag>…</tag>` block when present (else the text after `</think>`, else all); null reads everything. */
  answer_tag: z
    .string()
    .regex(/^[A-Za-z][\w-]*$/, "expected a tag name such as answer")
    .nullable()
    .default("answer"),
  /** Score 0 when the `<answer_tag>` block is missing instead of reading the whole completion. */
  require_tag: z.boolean().default(false),
  /** Treat an answer with nothing parseable in it as an empty prediction (a "no object" answer) instead of a parse failure. */
  missing_as_empty: z.boolean().default(false),
};

/** How several predictions are matched to several gold items and scored. */
export const matchParams = {
  /** `mean`: Σ matched score / max(#pred, #gold); or precision / recall / F1 of matches at `threshold`. */
  score_by: z.enum(SCORE_BY).default("mean"),
  /** A matched pair counts as a true positive when its IoU is at least this. */
  threshold: z.number().min(0).max(1).default(0.5),
  /** More predicted items than this scores 0 (bounds the O(n³) matching and discourages box spraying). */
  max_predictions: z.number().int().positive().max(10_000).default(100),
};

export type AnswerParams = { answer_tag: string | null; require_tag: boolean; missing_as_empty: boolean };

/** Extracts predictions from the answer part of the completion (see answerRegion). */
export function fromAnswer<T>(s: Sample, p: AnswerParams, extract: (text: string) => Extracted<T>): Extracted<T> {
  const text = answerRegion(completionText(s), p.answer_tag, p.require_tag);
  return text === undefined ? { ok: false, why: `no <${p.answer_tag}>…</${p.answer_tag}> block in the completion` } : extract(text);
}

export const MISSING = "nothing found (missing_as_empty)";

export type Predictions<T> = { items: T[]; parse: Record<string, unknown> };

/**
 * The predicted items, or the score-0 outcome when there are none to score: nothing parseable
 * (unless missing_as_empty) or more than max_predictions. Either is the model's fault, so the
 * status is ok and `details.reason` says why. `parse` goes into details (how it was read).
 */
export function takePredictions<T>(
  found: Extracted<T>,
  p: { missing_as_empty: boolean; max_predictions?: number },
  what: string,
  context: Record<string, unknown>,
): Predictions<T> | Outcome {
  if (!found.ok) {
    if (!p.missing_as_empty) return ok(0, { reason: found.why, ...context });
    return { items: [], parse: { how: MISSING } };
  }
  if (p.max_predictions !== undefined && found.items.length > p.max_predictions) {
    return ok(0, { reason: `${found.items.length} ${what} predicted, more than max_predictions (${p.max_predictions})`, ...context });
  }
  return { items: found.items, parse: found.ignored > 0 ? { how: found.how, ignored: found.ignored } : { how: found.how } };
}

/**
 * A sample's gold as `read` makes it out of the reference, or the reason (for invalid_input) it
 * cannot be used. Every vision type starts this way; sharing it keeps the "missing" and
 * "not JSON" messages the same for all of them. A reference given as a JSON string (common in
 * parquet datasets) is parsed first; what `read` throws is not caught.
 */
export function readReference<G extends object>(ref: unknown, read: (value: unknown) => G | string): G | string {
  if (ref === undefined || ref === null) return "reference: missing";
  if (typeof ref !== "string") return read(ref);
  let value: unknown;
  try {
    value = JSON.parse(ref);
  } catch {
    return "reference: a string that is not JSON";
  }
  return read(value);
}


/** Where predicted masks come from: the completion's text, or a field of `sample.meta` (e.g. masks a SAM tool produced). */
export const maskSourceParams = {
  source: z.enum(["completion", "meta"]).default("completion"),
  /** The `sample.meta` key holding the masks when source is meta (JSON text or already-parsed values). */
  meta_key: z.string().min(1).default("masks"),
};

export type MaskSourceParams = AnswerParams & { source: "completion" | "meta"; meta_key: string };

/**
 * The raw predicted masks of a sample: from the answer text through `extract`, or from
 * `sample.meta[meta_key]` (a JSON string goes through `extract`, a value through `fromValue`).
 */
export function predictedMasks(
  s: Sample,
  p: MaskSourceParams,
  extract: (text: string) => Extracted<unknown>,
  fromValue: (v: unknown) => unknown[] | undefined,
): Extracted<unknown> {
  if (p.source === "meta") {
    const v = s.meta?.[p.meta_key];
    if (v === undefined || v === null) return { ok: false, why: `meta.${p.meta_key}: no predicted masks` };
    if (typeof v === "string") return extract(v);
    const items = fromValue(v);
    return items ? { ok: true, items, how: `meta.${p.meta_key}`, ignored: 0 } : { ok: false, why: `meta.${p.meta_key}: not a mask or a list of masks` };
  }
  return fromAnswer(s, p, extract);
}
