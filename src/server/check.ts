/**
 * Checks for request bodies that name the offending field in the message. Hand-written rather
 * than a schema library: the protocols here have a few loose fields each, unknown keys must be
 * kept (NeMo Gym echoes the request), and the hot path (a batch of 256) must stay cheap.
 */
import { MAX_DEPTH, typeOf } from "../core/sample.ts";
import { badRequest, HttpError } from "./errors.ts";

export type Json = Record<string, unknown>;

/** An `application/x-ndjson` request body, left as a stream for the route that reads one. */
export class NdjsonBody {
  constructor(readonly stream: NodeJS.ReadableStream) {}
}

/**
 * The path of the first own "__proto__" key in a parsed JSON value (`samples[2].meta.__proto__`),
 * or undefined. Such a key would become a prototype if any code downstream merged the object.
 * Explicit stack: a hostile body may nest deeper than the call stack.
 */
export function protoKeyPath(value: unknown, root = "body"): string | undefined {
  const stack: [unknown, string][] = [[value, root]];
  while (stack.length > 0) {
    const [v, path] = stack.pop()!;
    if (v === null || typeof v !== "object") continue;
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) if (v[i] !== null && typeof v[i] === "object") stack.push([v[i], `${path}[${i}]`]);
      continue;
    }
    if (Object.hasOwn(v, "__proto__")) return `${path}.__proto__`;
    const entries = Object.entries(v);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [k, c] = entries[i]!;
      if (c !== null && typeof c === "object") stack.push([c, `${path}.${k}`]);
    }
  }
  return undefined;
}

/**
 * The path at which a value nests more than `max` objects/lists deep, or undefined. For routes
 * whose whole body is one sample (graders, /verify): their bodies are echoed, hashed and
 * templated by recursive code, and one hostile body must be a 400, not a stack overflow (500).
 */
export function tooDeepPath(value: unknown, root: string, max = MAX_DEPTH): string | undefined {
  const stack: [unknown, string, number][] = [[value, root, 1]];
  while (stack.length > 0) {
    const [v, path, depth] = stack.pop()!;
    if (v === null || typeof v !== "object") continue;
    if (depth > max) return path;
    if (Array.isArray(v)) v.forEach((c, i) => c !== null && typeof c === "object" && stack.push([c, `${path}[${i}]`, depth + 1]));
    else for (const [k, c] of Object.entries(v)) if (c !== null && typeof c === "object") stack.push([c, path ? `${path}.${k}` : k, depth + 1]);
  }
  return undefined;
}

/** A 400 when a one-sample body nests more than MAX_DEPTH levels, naming where. */
export function checkDepth(value: unknown, root: string): void {
  const at = tooDeepPath(value, root);
  if (at !== undefined) throw badRequest(root, `nested more than ${MAX_DEPTH} levels deep (at ${at.length > 80 ? `${at.slice(0, 80)}…` : at})`);
}

export function isObject(x: unknown): x is Json {
  return x !== null && typeof x === "object" && !Array.isArray(x);
}

/** The body as an object, or a 400 saying what arrived instead. */
export function objectBody(body: unknown): Json {
  if (body instanceof NdjsonBody) throw new HttpError(415, "this route takes application/json (only POST /v1/score takes application/x-ndjson)", "content-type", "unsupported_media_type");
  if (!isObject(body)) throw badRequest("body", `expected a JSON object, got ${typeOf(body)}`);
  return body;
}

export function optString(o: Json, key: string, path = key): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") throw badRequest(path, `expected a string, got ${typeOf(v)}`);
  return v;
}

export function reqString(o: Json, key: string, path = key): string {
  const v = optString(o, key, path);
  if (v === undefined) throw badRequest(path, "missing (expected a string)", "missing_field");
  return v;
}

export function optBool(o: Json, key: string, path = key): boolean | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "boolean") throw badRequest(path, `expected true or false, got ${typeOf(v)}`);
  return v;
}

export function optNumber(o: Json, key: string, path = key): number | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "number" || !Number.isFinite(v)) throw badRequest(path, `expected a finite number, got ${typeOf(v)}`);
  return v;
}

export function reqArray(o: Json, key: string, path = key): unknown[] {
  const v = o[key];
  if (v === undefined || v === null) throw badRequest(path, "missing (expected a list)", "missing_field");
  if (!Array.isArray(v)) throw badRequest(path, `expected a list, got ${typeOf(v)}`);
  return v;
}

/** Every element a string. */
export function stringList(list: readonly unknown[], path: string): string[] {
  for (let i = 0; i < list.length; i++) {
    if (typeof list[i] !== "string") throw badRequest(`${path}[${i}]`, `expected a string, got ${typeOf(list[i])}`);
  }
  return list as string[];
}

/** Lists that must pair up element by element. */
export function sameLength(reference: { name: string; list: readonly unknown[] }, ...others: { name: string; list: readonly unknown[] | undefined }[]): void {
  for (const o of others) {
    if (o.list !== undefined && o.list.length !== reference.list.length) {
      throw badRequest(o.name, `expected ${reference.list.length} items (as many as ${reference.name}), got ${o.list.length}`, "length_mismatch");
    }
  }
}

/** A query-string value (fastify gives string | string[]). */
export function queryString(query: unknown, key: string): string | undefined {
  if (!isObject(query)) return undefined;
  const v = query[key];
  if (v === undefined) return undefined;
  if (Array.isArray(v)) throw badRequest(`?${key}`, "given more than once");
  return String(v);
}
