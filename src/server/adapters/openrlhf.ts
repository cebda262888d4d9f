/**
 * OpenRLHF sends `query` = tokenizer.decode(prompt_ids + response_ids, skip_special_tokens=False):
 * the prompt (already chat-templated) followed by the response and its end-of-turn tokens.
 * The response is recovered in this order:
 *   1. `query` starts with `prompts[i]`: the rest (the usual case);
 *   2. `prompts[i]` occurs later in `query` (a BOS token the decoder added in front): what follows
 *      its first occurrence;
 *   3. `query` starts with the end of `prompts[i]` (OpenRLHF cut the prompt's first tokens to fit
 *      max_len): what follows the longest such overlap, when it is at least 16 characters;
 *   4. otherwise, what follows the last assistant-turn marker of a known chat template
 *      (ChatML `<|im_start|>assistant`, Llama 3, DeepSeek, Gemma, Mistral `[/INST]`, Phi, GLM);
 *   5. otherwise the sample is invalid_input, naming the fields.
 * Trailing end-of-turn / end-of-text / padding tokens (and the whitespace between them) are
 * removed from the response.
 */

const ASSISTANT_MARKERS = [
  "<|im_start|>assistant\n",
  "<|im_start|>assistant",
  "<|start_header_id|>assistant<|end_header_id|>\n\n",
  "<|start_header_id|>assistant<|end_header_id|>",
  "<｜Assistant｜>",
  "<start_of_turn>model\n",
  "<|assistant|>\n",
  "<|assistant|>",
  "[/INST]",
];

const END_TOKENS = [
  "<|im_end|>",
  "<|endoftext|>",
  "<|eot_id|>",
  "<|end_of_text|>",
  "<｜end▁of▁sentence｜>",
  "<end_of_turn>",
  "<|end|>",
  "<|return|>",
  "<|user|>",
  "</s>",
  "<eos>",
  "<pad>",
  "<|pad|>",
  "<|finetune_right_pad_id|>",
  "[PAD]",
];

export type Recovered = { response: string; how: "prefix" | "contains" | "overlap" | "marker" } | { problem: string };

export function responseFromQuery(query: string, prompt: string | null | undefined): Recovered {
  if (typeof prompt === "string") {
    if (query.startsWith(prompt)) return { response: stripEndTokens(query.slice(prompt.length)), how: "prefix" };
    const at = query.indexOf(prompt);
    if (at >= 0) return { response: stripEndTokens(query.slice(at + prompt.length)), how: "contains" };
    const k = suffixPrefixOverlap(prompt, query);
    if (k >= 16) return { response: stripEndTokens(query.slice(k)), how: "overlap" };
  }
  let best = -1;
  let len = 0;
  for (const m of ASSISTANT_MARKERS) {
    const i = query.lastIndexOf(m);
    if (i > best || (i === best && i >= 0 && m.length > len)) {
      best = i;
      len = m.length;
    }
  }
  if (best >= 0) return { response: stripEndTokens(query.slice(best + len)), how: "marker" };
  return { problem: "the response cannot be recovered: query does not start with (or contain) the prompt, and has no assistant-turn marker of a known chat template" };
}

/** The length of the longest suffix of `a` that is also a prefix of `b` (prefix function, linear). */
export function suffixPrefixOverlap(a: string, b: string): number {
  const head = b.slice(0, a.length);
  const s = head + "\u0000" + a;
  const pi = new Int32Array(s.length);
  for (let i = 1; i < s.length; i++) {
    let k = pi[i - 1]!;
    while (k > 0 && s[i] !== s[k]) k = pi[k - 1]!;
    if (s[i] === s[k]) k++;
    pi[i] = k;
  }
  return pi[s.length - 1]!;
}

export function stripEndTokens(s: string): string {
  let out = s;
  for (;;) {
    const t = out.replace(/\s+$/, "");
    const tok = END_TOKENS.find((e) => t.endsWith(e));
    if (!tok) return out === s ? s : t;
    out = t.slice(0, t.length - tok.length);
  }
}
