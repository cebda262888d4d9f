import type { Message, Sample } from "./types.ts";

/** The text of one message's content, joining text parts of multimodal content. */
export function messageText(m: Message): string {
  const c = m.content;
  if (typeof c === "string") return c;
  if (c === null || c === undefined) return "";
  return c.map((p) => (typeof p.text === "string" ? p.text : "")).join("");
}

/**
 * The text a rule reward judges: the completion string, or — for a trajectory — the content of
 * the last assistant message (the final answer), as TRL and verifiers do for conversational data.
 */
export function completionText(sample: Sample): string {
  const c = sample.completion;
  if (typeof c === "string") return c;
  for (let i = c.length - 1; i >= 0; i--) {
    const m = c[i]!;
    if (m.role === "assistant") return messageText(m);
  }
  return "";
}

/** The prompt as text: the string, or the last user message of a conversation. */
export function promptText(sample: Sample): string {
  const p = sample.prompt;
  if (typeof p === "string") return p;
  for (let i = p.length - 1; i >= 0; i--) {
    const m = p[i]!;
    if (m.role === "user") return messageText(m);
  }
  return "";
}

/** A scalar reference as text; undefined when absent or not a scalar. */
export function referenceText(sample: Sample): string | undefined {
  const r = sample.reference;
  if (typeof r === "string") return r;
  if (typeof r === "number" || typeof r === "bigint" || typeof r === "boolean") return String(r);
  return undefined;
}
