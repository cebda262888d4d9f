import type { Sample } from "./types.ts";

/**
 * Why `x` is not a usable Sample (naming the field), or undefined when it is. Library callers and
 * adapters both use it, so a bad row becomes `invalid_input` instead of a crash deep inside a reward.
 */
export function sampleProblem(x: unknown): string | undefined {
  if (x === null || typeof x !== "object" || Array.isArray(x)) return "sample: expected an object";
  const s = x as Record<string, unknown>;
  if (typeof s.id !== "string") return `id: expected a string, got ${typeOf(s.id)}`;
  const c = s.completion;
  if (c === undefined) return "completion: missing";
  if (typeof c !== "string" && !isMessages(c)) return `completion: expected a string or a list of messages, got ${typeOf(c)}`;
  const p = s.prompt;
  if (p !== undefined && typeof p !== "string" && !isMessages(p)) return `prompt: expected a string or a list of messages, got ${typeOf(p)}`;
  if (s.group !== undefined && typeof s.group !== "string") return `group: expected a string, got ${typeOf(s.group)}`;
  if (s.meta !== undefined && (s.meta === null || typeof s.meta !== "object" || Array.isArray(s.meta))) return "meta: expected an object";
  for (const f of ["reference", "meta", "prompt", "completion"] as const) {
    if (tooDeep(s[f])) return `${f}: nested more than ${MAX_DEPTH} levels deep`;
  }
  return undefined;
}

/**
 * Deeper values are refused at the door: every layer behind it (hashing, JSON, structured clone,
 * rewards) recurses, and one hostile row must not overflow the stack of a whole run.
 */
export const MAX_DEPTH = 200;

/** Whether `v` nests objects/arrays more than MAX_DEPTH levels (an explicit stack: no recursion). */
function tooDeep(v: unknown): boolean {
  if (v === null || typeof v !== "object") return false;
  const stack: [unknown, number][] = [[v, 1]];
  while (stack.length > 0) {
    const [x, d] = stack.pop()!;
    if (d > MAX_DEPTH) return true;
    for (const c of Array.isArray(x) ? x : Object.values(x as object)) {
      if (c !== null && typeof c === "object") stack.push([c, d + 1]);
    }
  }
  return false;
}

function isMessages(x: unknown): boolean {
  return Array.isArray(x) && x.every((m) => m !== null && typeof m === "object" && typeof (m as { role?: unknown }).role === "string");
}

export function typeOf(x: unknown): string {
  if (x === null) return "null";
  if (Array.isArray(x)) return "a list";
  return typeof x === "object" ? "an object" : typeof x;
}
