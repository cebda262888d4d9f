/**
 * OpenAI grader templating: `{{ namespace.variable }}` with JSON-path access
 * (`{{sample.output_json.name}}`, `{{sample.output_tools[0].function.arguments}}`,
 * `{{ item["key with spaces"] }}`). Only two namespaces exist: `item` (the dataset row) and
 * `sample` (the model output). A string value is inserted as is; anything else as JSON.
 */

import { MAX_DEPTH, tooDeep } from "../../core/sample.ts";

export type PathStep = string | number;
export type Placeholder = { start: number; end: number; namespace: "item" | "sample"; path: PathStep[]; source: string };
export type Template = { text: string; parts: (string | Placeholder)[] };

const OPEN = /\{\{/g;

export class TemplateError extends Error {}

/** Splits a template into text and placeholders; an unknown namespace or bad path is an error. */
export function parseTemplate(text: string): Template {
  const parts: (string | Placeholder)[] = [];
  let last = 0;
  OPEN.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = OPEN.exec(text)) !== null) {
    const start = m.index;
    const close = text.indexOf("}}", start + 2);
    if (close < 0) break;
    const inner = text.slice(start + 2, close).trim();
    const p = parsePath(inner, start);
    if (start > last) parts.push(text.slice(last, start));
    parts.push({ start, end: close + 2, namespace: p.namespace, path: p.path, source: inner });
    last = close + 2;
    OPEN.lastIndex = last;
  }
  if (last < text.length) parts.push(text.slice(last));
  return { text, parts };
}

function parsePath(src: string, at: number): { namespace: "item" | "sample"; path: PathStep[] } {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)/.exec(src);
  if (!m) throw new TemplateError(`template at character ${at + 1}: expected {{ item.NAME }} or {{ sample.NAME }}, got {{ ${src} }}`);
  const ns = m[1]!;
  if (ns !== "item" && ns !== "sample") throw new TemplateError(`template {{ ${src} }}: unknown namespace "${ns}" (only item and sample exist)`);
  const path: PathStep[] = [];
  let i = ns.length;
  while (i < src.length) {
    const rest = src.slice(i);
    let s: RegExpExecArray | null;
    if ((s = /^\.\s*([^.[\]\s]+)/.exec(rest))) path.push(s[1]!);
    else if ((s = /^\[\s*(\d+)\s*\]/.exec(rest))) path.push(Number(s[1]));
    else if ((s = /^\[\s*"((?:[^"\\]|\\.)*)"\s*\]/.exec(rest)) || (s = /^\[\s*'((?:[^'\\]|\\.)*)'\s*\]/.exec(rest))) path.push(s[1]!.replace(/\\(.)/g, "$1"));
    else throw new TemplateError(`template {{ ${src} }}: cannot read the path at "${rest}"`);
    i += s[0].length;
  }
  if (path.length === 0) throw new TemplateError(`template {{ ${src} }}: name a variable, e.g. {{ ${ns}.${ns === "item" ? "reference_answer" : "output_text"} }}`);
  return { namespace: ns, path };
}

export type Namespaces = { item: unknown; sample: Record<string, unknown> };

export type Rendered = { text: string; missing: string[]; usesOutputJson: boolean };

/** Fills a parsed template; variables that do not exist are listed in `missing` and render empty. */
export function renderTemplate(t: Template, ns: Namespaces): Rendered {
  let text = "";
  const missing: string[] = [];
  let usesOutputJson = false;
  for (const p of t.parts) {
    if (typeof p === "string") {
      text += p;
      continue;
    }
    if (p.namespace === "sample" && p.path[0] === "output_json") usesOutputJson = true;
    const v = lookup(p.namespace === "item" ? ns.item : ns.sample, p.path);
    if (v === undefined) {
      missing.push(p.source);
      continue;
    }
    text += typeof v === "string" ? v : JSON.stringify(v);
  }
  return { text, missing, usesOutputJson };
}

export function lookup(root: unknown, path: readonly PathStep[]): unknown {
  let cur = root;
  for (const step of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    if (Array.isArray(cur)) {
      const idx = typeof step === "number" ? step : /^\d+$/.test(step) ? Number(step) : NaN;
      cur = Number.isInteger(idx) ? cur[idx] : undefined;
    } else {
      cur = Object.prototype.hasOwnProperty.call(cur, String(step)) ? (cur as Record<string, unknown>)[String(step)] : undefined;
    }
  }
  return cur;
}

/** The `sample` namespace for a model output given as text. */
export function sampleNamespace(modelSample: string): { sample: Record<string, unknown>; jsonError?: string } {
  let outputJson: unknown = null;
  let jsonError: string | undefined;
  try {
    outputJson = JSON.parse(modelSample);
    // Templates stringify what they insert: a hostile nesting depth would overflow the stack.
    if (tooDeep(outputJson)) {
      outputJson = null;
      jsonError = `nested more than ${MAX_DEPTH} levels deep`;
    }
  } catch (err) {
    jsonError = (err as Error).message;
  }
  return { sample: { output_text: modelSample, output_json: outputJson, output_tools: [], choices: [], output_audio: null }, ...(jsonError !== undefined ? { jsonError } : {}) };
}
