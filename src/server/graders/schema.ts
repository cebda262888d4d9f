/**
 * The OpenAI grader JSON (openai-python `types/graders/`), validated with errors that name the
 * parameter (`grader.graders.email.operation`). Templates and `calculate_output` are compiled
 * here, so a bad template or formula is a 400 from both /validate and /run.
 *
 * Leniency where the SDKs and docs disagree with the API (openai-java #647, the API reference
 * example): a multi grader's `graders` may be the documented mapping, a list of graders (keyed by
 * their names) or one grader object (keyed by its name).
 */
import { typeOf } from "../../core/sample.ts";
import { compileFormula, FormulaError, type CompiledFormula } from "../../spec/formula.ts";
import { REWARD_NAME } from "../../spec/schema.ts";
import { HttpError } from "../errors.ts";
import { parseTemplate, TemplateError, type Template } from "./template.ts";

export const GRADER_TYPES = ["string_check", "text_similarity", "python", "score_model", "label_model", "multi"] as const;
export const STRING_OPS = ["eq", "ne", "like", "ilike"] as const;
export const SIMILARITY_METRICS = ["cosine", "fuzzy_match", "bleu", "gleu", "meteor", "rouge_1", "rouge_2", "rouge_3", "rouge_4", "rouge_5", "rouge_l"] as const;
/** OpenAI's limit on a python grader's source. */
export const MAX_PYTHON_SOURCE = 256 * 1024;

export type StringCheck = { type: "string_check"; name: string; input: Template; reference: Template; operation: (typeof STRING_OPS)[number] };
export type TextSimilarity = { type: "text_similarity"; name: string; input: Template; reference: Template; metric: (typeof SIMILARITY_METRICS)[number]; passThreshold?: number };
export type PythonGrader = { type: "python"; name: string; source: string; imageTag?: string };
export type ModelGrader = { type: "score_model" | "label_model"; name: string; model: string };
export type MultiGrader = { type: "multi"; name: string; graders: Record<string, { path: string; grader: LeafGrader }>; formula: CompiledFormula };
export type LeafGrader = StringCheck | TextSimilarity | PythonGrader | ModelGrader;
export type Grader = LeafGrader | MultiGrader;

type Obj = Record<string, unknown>;

const bad = (param: string, message: string, code = "invalid_value") => new HttpError(400, message, param, code);

function obj(x: unknown, path: string): Obj {
  if (x === null || typeof x !== "object" || Array.isArray(x)) throw bad(path, `expected a grader object, got ${typeOf(x)}`);
  return x as Obj;
}

function str(o: Obj, key: string, path: string): string {
  const v = o[key];
  if (v === undefined || v === null) throw bad(`${path}.${key}`, "missing (expected a string)", "missing_field");
  if (typeof v !== "string") throw bad(`${path}.${key}`, `expected a string, got ${typeOf(v)}`);
  return v;
}

function oneOf<T extends string>(o: Obj, key: string, path: string, allowed: readonly T[]): T {
  const v = str(o, key, path);
  if (!(allowed as readonly string[]).includes(v)) throw bad(`${path}.${key}`, `"${v}" is not one of ${allowed.join(", ")}`);
  return v as T;
}

function onlyKeys(o: Obj, path: string, allowed: readonly string[]): void {
  for (const k of Object.keys(o)) if (!allowed.includes(k)) throw bad(`${path}.${k}`, `unknown parameter for a ${String(o.type)} grader (known: ${allowed.join(", ")})`, "unknown_parameter");
}

function template(o: Obj, key: string, path: string): Template {
  const s = str(o, key, path);
  try {
    return parseTemplate(s);
  } catch (err) {
    if (err instanceof TemplateError) throw bad(`${path}.${key}`, err.message, "invalid_template");
    throw err;
  }
}

function finiteNumber(o: Obj, key: string, path: string): number | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "number" || !Number.isFinite(v)) throw bad(`${path}.${key}`, `expected a number, got ${typeOf(v)}`);
  return v;
}

/** Validates a grader; `path` is where it sits in the request (`grader`). */
export function parseGrader(x: unknown, path = "grader", nested = false): Grader {
  const o = obj(x, path);
  if (o.type === undefined) throw bad(`${path}.type`, `missing (one of ${GRADER_TYPES.join(", ")})`, "missing_field");
  if (typeof o.type !== "string" || !(GRADER_TYPES as readonly string[]).includes(o.type)) {
    throw bad(`${path}.type`, `unknown grader type ${JSON.stringify(o.type)} (known: ${GRADER_TYPES.join(", ")})`, "unknown_grader_type");
  }
  const name = str(o, "name", path);
  switch (o.type) {
    case "string_check":
      onlyKeys(o, path, ["type", "name", "input", "reference", "operation"]);
      return { type: "string_check", name, input: template(o, "input", path), reference: template(o, "reference", path), operation: oneOf(o, "operation", path, STRING_OPS) };
    case "text_similarity": {
      onlyKeys(o, path, ["type", "name", "input", "reference", "evaluation_metric", "pass_threshold"]);
      const passThreshold = finiteNumber(o, "pass_threshold", path);
      return {
        type: "text_similarity",
        name,
        input: template(o, "input", path),
        reference: template(o, "reference", path),
        metric: oneOf(o, "evaluation_metric", path, SIMILARITY_METRICS),
        ...(passThreshold !== undefined ? { passThreshold } : {}),
      };
    }
    case "python": {
      onlyKeys(o, path, ["type", "name", "source", "image_tag"]);
      const source = str(o, "source", path);
      if (Buffer.byteLength(source) > MAX_PYTHON_SOURCE) throw bad(`${path}.source`, `is ${Buffer.byteLength(source)} bytes; the limit is 256 kB`, "source_too_large");
      if (!/\bdef\s+grade\s*\(/.test(source)) throw bad(`${path}.source`, "defines no function grade(sample, item)", "missing_grade_function");
      const tag = o.image_tag;
      if (tag !== undefined && tag !== null && typeof tag !== "string") throw bad(`${path}.image_tag`, `expected a string, got ${typeOf(tag)}`);
      return { type: "python", name, source, ...(typeof tag === "string" ? { imageTag: tag } : {}) };
    }
    case "score_model":
    case "label_model":
      return parseModelGrader(o, path, name);
    case "multi": {
      if (nested) throw bad(`${path}.type`, "a multi grader cannot contain another multi grader", "nested_multi");
      onlyKeys(o, path, ["type", "name", "graders", "calculate_output"]);
      const graders = subGraders(o.graders, `${path}.graders`);
      const src = str(o, "calculate_output", path);
      let formula: CompiledFormula;
      try {
        formula = compileFormula(src, new Set(Object.keys(graders)));
      } catch (err) {
        if (!(err instanceof FormulaError)) throw err;
        const unknownVar = err.message.startsWith("unknown variable");
        throw bad(`${path}.calculate_output`, err.message, unknownVar ? "invalid_variable_error" : "formula_parse_error");
      }
      return { type: "multi", name, graders, formula };
    }
  }
  throw bad(`${path}.type`, "unreachable");
}

function subGraders(x: unknown, path: string): MultiGrader["graders"] {
  if (x === undefined || x === null) throw bad(path, "missing (expected a mapping from names to graders)", "missing_field");
  const out: MultiGrader["graders"] = {};
  const add = (key: string, g: unknown, at: string) => {
    if (!REWARD_NAME.test(key)) throw bad(at, `"${key}" cannot be a variable in calculate_output: use letters, digits and _ (not starting with a digit)`);
    if (out[key]) throw bad(at, `two graders are named "${key}"`);
    out[key] = { path: at, grader: parseGrader(g, at, true) as LeafGrader };
  };
  if (Array.isArray(x)) {
    x.forEach((g, i) => add(typeof (g as Obj)?.name === "string" ? ((g as Obj).name as string) : String(i), g, `${path}[${i}]`));
  } else if (typeof x === "object" && typeof (x as Obj).type === "string") {
    const g = x as Obj;
    add(typeof g.name === "string" ? g.name : "grader", g, path);
  } else if (typeof x === "object") {
    for (const [k, g] of Object.entries(x as Obj)) add(k, g, `${path}.${k}`);
  } else {
    throw bad(path, `expected a mapping from names to graders, got ${typeOf(x)}`);
  }
  if (Object.keys(out).length === 0) throw bad(path, "at least one grader is required");
  return out;
}

const ROLES = ["user", "assistant", "system", "developer"];

function parseModelGrader(o: Obj, path: string, name: string): ModelGrader {
  const t = o.type as "score_model" | "label_model";
  const keys = t === "score_model" ? ["type", "name", "model", "input", "range", "sampling_params", "pass_threshold"] : ["type", "name", "model", "input", "labels", "passing_labels"];
  onlyKeys(o, path, keys);
  const model = str(o, "model", path);
  const input = o.input;
  if (!Array.isArray(input)) throw bad(`${path}.input`, `expected a list of messages, got ${typeOf(input)}`);
  input.forEach((m, i) => {
    const at = `${path}.input[${i}]`;
    const mo = obj(m, at);
    oneOf(mo, "role", at, ROLES);
    if (mo.content === undefined) throw bad(`${at}.content`, "missing", "missing_field");
    if (typeof mo.content === "string") template(mo, "content", at);
  });
  if (t === "score_model") {
    if (o.range !== undefined && o.range !== null) {
      const r = o.range;
      if (!Array.isArray(r) || r.length !== 2 || !r.every((v) => typeof v === "number" && Number.isFinite(v)) || !((r[0] as number) < (r[1] as number))) {
        throw bad(`${path}.range`, "expected [min, max] with min < max");
      }
    }
    finiteNumber(o, "pass_threshold", path);
    if (o.sampling_params !== undefined && o.sampling_params !== null && (typeof o.sampling_params !== "object" || Array.isArray(o.sampling_params))) {
      throw bad(`${path}.sampling_params`, `expected an object, got ${typeOf(o.sampling_params)}`);
    }
  } else {
    const labels = o.labels;
    if (!Array.isArray(labels) || labels.length === 0 || !labels.every((l) => typeof l === "string")) throw bad(`${path}.labels`, "expected a non-empty list of strings");
    const passing = o.passing_labels;
    if (!Array.isArray(passing) || passing.length === 0 || !passing.every((l) => typeof l === "string")) throw bad(`${path}.passing_labels`, "expected a non-empty list of strings");
    const missing = passing.find((l) => !labels.includes(l));
    if (missing !== undefined) throw bad(`${path}.passing_labels`, `"${missing}" is not one of labels`);
  }
  return { type: t, name, model };
}
