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
  if (typeof c !== "string") {
    if (!Array.isArray(c)) return `completion: expected a string or a list of messages, got ${typeOf(c)}`;
    const bad = messagesProblem(c);
    if (bad !== undefined) return `completion: ${bad}`;
  }
  const p = s.prompt;
  if (p !== undefined && typeof p !== "string") {
    if (!Array.isArray(p)) return `prompt: expected a string or a list of messages, got ${typeOf(p)}`;
    const bad = messagesProblem(p);
    if (bad !== undefined) return `prompt: ${bad}`;
  }
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
export function tooDeep(v: unknown): boolean {
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

/**
 * Why a message list is not one rewards can read (every text helper trusts this shape), or
 * undefined: each message an object with a string `role`, `content` a string, null/absent, or a
 * list of content-part objects whose `text`, when present, is a string.
 */
function messagesProblem(list: readonly unknown[]): string | undefined {
  for (let i = 0; i < list.length; i++) {
    const m = list[i];
    if (m === null || typeof m !== "object" || Array.isArray(m)) return `message ${i}: expected an object, got ${typeOf(m)}`;
    const { role, content, tool_calls } = m as Record<string, unknown>;
    if (typeof role !== "string") return `message ${i}: role: expected a string, got ${typeOf(role)}`;
    if (content !== undefined && content !== null && typeof content !== "string") {
      if (!Array.isArray(content)) return `message ${i}: content: expected a string, null or a list of content parts, got ${typeOf(content)}`;
      for (let k = 0; k < content.length; k++) {
        const part = content[k];
        if (part === null || typeof part !== "object" || Array.isArray(part)) return `message ${i}: content part ${k}: expected an object, got ${typeOf(part)}`;
        const text = (part as Record<string, unknown>).text;
        if (text !== undefined && typeof text !== "string") return `message ${i}: content part ${k}: text: expected a string, got ${typeOf(text)}`;
      }
    }
    if (tool_calls !== undefined && tool_calls !== null && !Array.isArray(tool_calls)) return `message ${i}: tool_calls: expected a list, got ${typeOf(tool_calls)}`;
  }
  return undefined;
}

export function typeOf(x: unknown): string {
  if (x === null) return "null";
  if (Array.isArray(x)) return "a list";
  return typeof x === "object" ? "an object" : typeof x;
}
