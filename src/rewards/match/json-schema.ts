import { isAbsolute, resolve } from "node:path";
import { createRequire } from "node:module";
import type { Ajv, ValidateFunction } from "ajv";
import { z } from "zod";
import { readSpecJson } from "../../core/files.ts";
import { invalidInput, ok } from "../../core/outcome.ts";
import { stableStringify } from "../../core/hash.ts";
import { defineRewardType } from "../../core/reward-type.ts";
import { completionText } from "../../core/text.ts";
import type { Outcome, Sample } from "../../core/types.ts";

// ajv takes ~0.4 s to load: it is required on first use, not when the registry is imported
// (every CLI start and every worker thread imports the registry).
const require = createRequire(import.meta.url);

function newAjv(): Ajv {
  const { Ajv: AjvClass } = require("ajv") as typeof import("ajv");
  const formats = require("ajv-formats") as { default?: (a: Ajv) => Ajv } & ((a: Ajv) => Ajv);
  const ajv = new AjvClass({ allErrors: true, strict: false });
  (formats.default ?? formats)(ajv);
  return ajv;
}

const Params = z
  .strictObject({
    /** An inline JSON Schema. */
    schema: z.record(z.string(), z.unknown()).optional(),
    /** A JSON Schema file, relative to the spec file. */
    schema_file: z.string().min(1).optional(),
    /** The sample's reference is the JSON Schema to check against. */
    schema_from_reference: z.boolean().default(false),
    /** Where the JSON is: "auto" (whole text, else the last ```json fence, else the outermost {…}/[…]), "whole", "fenced". */
    extract: z.enum(["auto", "whole", "fenced"]).default("auto"),
  })
  .superRefine((p, ctx) => {
    const sources = [p.schema !== undefined, p.schema_file !== undefined, p.schema_from_reference].filter(Boolean).length;
    if (sources > 1) ctx.addIssue({ code: "custom", path: ["schema"], message: "give only one of schema, schema_file, schema_from_reference" });
    if (p.schema) {
      try {
        newAjv().compile(p.schema);
      } catch (err) {
        ctx.addIssue({ code: "custom", path: ["schema"], message: `not a valid JSON Schema: ${(err as Error).message}` });
      }
    }
  });

const FENCE = /```(?:json|JSON)?[ \t]*\r?\n([\s\S]*?)```/g;

/** The JSON value in `text`, or the reason there is none. */
export function extractJson(text: string, mode: "auto" | "whole" | "fenced"): { value: unknown } | { error: string } {
  const attempts: string[] = [];
  if (mode !== "fenced") attempts.push(text.trim());
  if (mode !== "whole") {
    let last: string | undefined;
    FENCE.lastIndex = 0;
    for (let m = FENCE.exec(text); m !== null; m = FENCE.exec(text)) last = m[1];
    if (last !== undefined) attempts.push(last.trim());
  }
  if (mode === "auto") {
    const start = text.search(/[{[]/);
    const end = Math.max(text.lastIndexOf("}"), text.lastIndexOf("]"));
    if (start >= 0 && end > start) attempts.push(text.slice(start, end + 1));
  }
  let firstError = mode === "fenced" ? "no ```json block" : "empty text";
  for (const a of attempts) {
    if (a.length === 0) continue;
    try {
      return { value: JSON.parse(a) };
    } catch (err) {
      if (firstError === "empty text" || firstError === "no ```json block") firstError = (err as Error).message;
    }
  }
  return { error: firstError };
}

/**
 * Valid JSON, optionally valid against a JSON Schema (ajv, draft-07/2019 keywords, formats).
 * @example
 * rewards: { json: { type: json_schema, schema: { type: object, required: [name] } } }
 */
export const jsonSchema = defineRewardType({
  type: "json_schema",
  summary: "the completion is valid JSON (and matches a JSON Schema when one is given)",
  params: Params,
  runs: "worker",
  uses: ["completion", "reference"],
  describe: (p) =>
    p.schema ? "valid JSON matching the inline schema" : p.schema_file ? `valid JSON matching ${p.schema_file}` : p.schema_from_reference ? "valid JSON matching the reference schema" : "valid JSON",
  create(p, env) {
    const ajv = newAjv();
    let fixed: ValidateFunction | undefined;
    if (p.schema) fixed = ajv.compile(p.schema);
    if (p.schema_file) {
      const path = isAbsolute(p.schema_file) ? p.schema_file : resolve(env.baseDir, p.schema_file);
      const schema = readSpecJson(path, "schema_file");
      try {
        fixed = ajv.compile(schema as object);
      } catch (err) {
        throw new Error(`schema_file: ${path} is not a valid JSON Schema: ${(err as Error).message}`);
      }
    }
    const perReference = new Map<string, ValidateFunction | string>();
    const validatorFor = (ref: unknown): ValidateFunction | string => {
      const key = stableStringify(ref);
      let v = perReference.get(key);
      if (v === undefined) {
        try {
          v = ajv.compile(ref as object);
        } catch (err) {
          v = (err as Error).message;
        } finally {
          // Each row's schema is compiled on its own: dropped from ajv's registry at once, so two
          // rows whose schemas share an $id do not collide, and ajv's cache does not grow per row.
          ajv.removeSchema(ref as object);
        }
        if (perReference.size > 1000) perReference.clear();
        perReference.set(key, v);
      }
      return v;
    };
    const one = (s: Sample): Outcome => {
      let validate = fixed;
      if (p.schema_from_reference) {
        if (s.reference === null || typeof s.reference !== "object") return invalidInput("reference: expected a JSON Schema object");
        const v = validatorFor(s.reference);
        if (typeof v === "string") return invalidInput(`reference: not a valid JSON Schema: ${v}`);
        validate = v;
      }
      const found = extractJson(completionText(s), p.extract);
      if ("error" in found) return ok(0, { valid_json: false, error: found.error });
      if (!validate) return ok(1, { valid_json: true });
      const valid = validate(found.value);
      if (valid) return ok(1, { valid_json: true, valid_schema: true });
      const errors = (validate.errors ?? []).slice(0, 10).map((e) => `${e.instancePath || "/"} ${e.message ?? ""}`.trim());
      return ok(0, { valid_json: true, valid_schema: false, errors });
    };
    return { name: "json_schema", score: async (batch) => batch.map(one) };
  },
});
