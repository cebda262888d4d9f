import { sampleProblem, typeOf } from "../core/sample.ts";
import type { Sample } from "../core/types.ts";

/** Where each Sample field is found in an input row (dotted paths). */
export type FieldMap = {
  id: string;
  prompt: string;
  completion: string;
  reference: string;
  group: string;
  meta?: string;
  /** The meta path was not asked for (the default `meta`): a value that is not an object is ignored, not an error. */
  metaOptional?: boolean;
};

export const DEFAULT_FIELDS: FieldMap = { id: "id", prompt: "prompt", completion: "completion", reference: "reference", group: "group", meta: "meta", metaOptional: true };

/** The value at a dotted path (`reward_model.ground_truth`); a key containing dots is tried whole first. */
export function getPath(row: unknown, path: string): unknown {
  if (row === null || typeof row !== "object") return undefined;
  const r = row as Record<string, unknown>;
  // Own keys only: a row without "constructor" must not yield Object's constructor function.
  if (Object.hasOwn(r, path)) return r[path];
  let cur: unknown = row;
  for (const key of path.split(".")) {
    if (cur === null || typeof cur !== "object") return undefined;
    if (Array.isArray(cur) && /^\d+$/.test(key)) cur = cur[Number(key)];
    else if (Object.hasOwn(cur, key)) cur = (cur as Record<string, unknown>)[key];
    else return undefined;
  }
  return cur;
}

/**
 * Why a present id cannot name its row, or undefined. An absent (or null) id falls back to the
 * line number; anything else must be a string or a number that survived JSON parsing exactly.
 */
function idIssue(raw: unknown): string | undefined {
  if (raw === undefined || raw === null || typeof raw === "string" || typeof raw === "bigint") return undefined;
  if (typeof raw !== "number") return `expected a string or a number, got ${typeOf(raw)}`;
  if (!Number.isFinite(raw)) return "a number too large to represent (write the id as a string)";
  if (Number.isInteger(raw) && !Number.isSafeInteger(raw)) return `${raw} is beyond 2^53 and was rounded when read (write the id as a string)`;
  return undefined;
}

/**
 * Builds a Sample from one input row. A row that cannot be one gets a reason naming the field
 * and the path it was read from, e.g. `completion (field "response"): missing`.
 */
export function rowToSample(row: unknown, fields: FieldMap, fallbackId: string): { sample: Sample } | { id: string; problem: string } {
  if (row === null || typeof row !== "object" || Array.isArray(row)) {
    return { id: fallbackId, problem: `row: expected a JSON object, got ${typeOf(row)}` };
  }
  const rawId = getPath(row, fields.id);
  const idProblem = idIssue(rawId);
  if (idProblem !== undefined) return { id: fallbackId, problem: `${fields.id !== "id" ? `id (field "${fields.id}")` : "id"}: ${idProblem}` };
  const id = typeof rawId === "string" ? rawId : typeof rawId === "number" || typeof rawId === "bigint" ? String(rawId) : fallbackId;
  const sample: Record<string, unknown> = {
    id,
    prompt: getPath(row, fields.prompt) ?? "",
    completion: getPath(row, fields.completion),
  };
  const reference = getPath(row, fields.reference);
  if (reference !== undefined) sample.reference = reference;
  const group = getPath(row, fields.group);
  if (group !== undefined && group !== null) sample.group = typeof group === "string" ? group : JSON.stringify(group);
  if (fields.meta) {
    const meta = getPath(row, fields.meta);
    const isObject = meta !== null && typeof meta === "object" && !Array.isArray(meta);
    if (meta !== undefined && (isObject || !fields.metaOptional)) sample.meta = meta;
  }
  const problem = sampleProblem(sample);
  if (problem !== undefined) {
    const field = problem.slice(0, problem.indexOf(":"));
    const path = (fields as unknown as Record<string, string | undefined>)[field];
    const where = path !== undefined && path !== field ? `${field} (field "${path}")` : field;
    return { id, problem: `${where}${problem.slice(problem.indexOf(":"))}` };
  }
  return { sample: sample as Sample };
}
