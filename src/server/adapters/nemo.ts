/**
 * NeMo Gym `/verify` bodies -> Sample. The body is `{responses_create_params, response, ...task
 * fields}`: an OpenAI Responses create request (the prompt) and the Response object (the
 * rollout). Input and output items become chat messages: `message` items keep their role and
 * text, `function_call` items become assistant tool calls, `function_call_output` items tool
 * turns; reasoning items are left out. A rollout that is one assistant message becomes a plain
 * string completion.
 */
import { typeOf } from "../../core/sample.ts";
import type { Message, Sample } from "../../core/types.ts";
import { getPath } from "../../io/fields.ts";
import { isObject, type Json } from "../check.ts";
import { badRequest } from "../errors.ts";

/** Task fields tried, in order, for the reference when the spec's `input.reference` names none. */
export const REFERENCE_FIELDS = ["expected_answer", "ground_truth", "reference", "answer", "label", "target"] as const;

function partsText(content: unknown): string | null {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return null;
  let text = "";
  for (const p of content) {
    if (isObject(p) && typeof p.text === "string") text += p.text;
    else if (isObject(p) && typeof p.refusal === "string") text += p.refusal;
  }
  return text;
}

function itemsToMessages(items: readonly unknown[], path: string): Message[] {
  const out: Message[] = [];
  items.forEach((raw, i) => {
    if (!isObject(raw)) throw badRequest(`${path}[${i}]`, `expected an item object, got ${typeOf(raw)}`);
    const type = typeof raw.type === "string" ? raw.type : "message";
    if (type === "message") {
      const role = typeof raw.role === "string" ? raw.role : "user";
      out.push({ role, content: partsText(raw.content) ?? "" });
    } else if (type === "function_call") {
      const call = { id: typeof raw.call_id === "string" ? raw.call_id : undefined, type: "function", function: { name: String(raw.name ?? ""), arguments: typeof raw.arguments === "string" ? raw.arguments : JSON.stringify(raw.arguments ?? {}) } };
      const last = out[out.length - 1];
      if (last && last.role === "assistant" && last.tool_calls) last.tool_calls.push(call);
      else out.push({ role: "assistant", content: null, tool_calls: [call] });
    } else if (type === "function_call_output") {
      out.push({ role: "tool", tool_call_id: typeof raw.call_id === "string" ? raw.call_id : undefined, content: typeof raw.output === "string" ? raw.output : JSON.stringify(raw.output ?? null) });
    }
  });
  return out;
}

export function verifyToSample(body: Json, referencePath: string | undefined): Sample {
  const params = body.responses_create_params;
  if (!isObject(params)) throw badRequest("responses_create_params", params === undefined ? "missing (expected the Responses create params object)" : `expected an object, got ${typeOf(params)}`, params === undefined ? "missing_field" : "invalid_value");
  const response = body.response;
  if (!isObject(response)) throw badRequest("response", response === undefined ? "missing (expected the Response object)" : `expected an object, got ${typeOf(response)}`, response === undefined ? "missing_field" : "invalid_value");
  if (!Array.isArray(response.output)) throw badRequest("response.output", response.output === undefined ? "missing (expected a list of output items)" : `expected a list, got ${typeOf(response.output)}`);

  const prompt: Message[] = [];
  if (typeof params.instructions === "string" && params.instructions) prompt.push({ role: "system", content: params.instructions });
  const input = params.input;
  if (typeof input === "string") prompt.push({ role: "user", content: input });
  else if (Array.isArray(input)) prompt.push(...itemsToMessages(input, "responses_create_params.input"));
  else if (input !== undefined && input !== null) throw badRequest("responses_create_params.input", `expected a string or a list of items, got ${typeOf(input)}`);

  const turns = itemsToMessages(response.output, "response.output");
  const only = turns.length === 1 && turns[0]!.role === "assistant" && typeof turns[0]!.content === "string" && !turns[0]!.tool_calls ? (turns[0]!.content as string) : undefined;

  const meta: Json = {};
  for (const [k, v] of Object.entries(body)) if (k !== "responses_create_params" && k !== "response") meta[k] = v;
  const sample: Sample = { id: typeof response.id === "string" ? response.id : "0", prompt, completion: only ?? turns, meta };
  const ref = referencePath !== undefined ? getPath(body, referencePath) : REFERENCE_FIELDS.map((f) => body[f]).find((v) => v !== undefined && v !== null);
  if (ref !== undefined && ref !== null) sample.reference = ref;
  return sample;
}
