import { z } from "zod";
import { ok } from "../../core/outcome.ts";
import { defineRewardType } from "../../core/reward-type.ts";
import { completionText } from "../../core/text.ts";
import type { Outcome, Sample } from "../../core/types.ts";

const TagName = z.string().regex(/^[A-Za-z][\w:-]*$/, "expected a tag name such as think");

const Params = z.strictObject({
  tags: z.array(TagName).min(1).default(["think", "answer"]),
  /** Tags must appear in the listed order. */
  order: z.boolean().default(true),
  /**
   * strict: the whole completion is exactly the tag blocks in order, each once, with only
   * whitespace between and around them. lenient: each tag block appears somewhere.
   */
  strict: z.boolean().default(false),
  /** Text the prompt already put before the completion, e.g. "<think>" when the template prefills it. */
  prefix: z.string().default(""),
  /** Lenient mode: score the fraction of well-formed tags instead of all-or-nothing. */
  partial: z.boolean().default(false),
  /** A block with only whitespace inside does not count. */
  require_nonempty: z.boolean().default(true),
});

type Block = { tag: string; open: number; close: number; content: string };

/**
 * Required tag structure, e.g. `<think>…</think><answer>…</answer>` (R1-style format reward).
 * @example
 * rewards: { format: { type: format_tags, tags: [think, answer], strict: true } }
 */
export const formatTags = defineRewardType({
  type: "format_tags",
  summary: "required <tag>…</tag> blocks are present (in order; strict: and nothing else)",
  params: Params,
  runs: "worker",
  cheap: true,
  inline: true,
  uses: ["completion"],
  describe: (p) => `${p.strict ? "strict" : "lenient"} format ${p.tags.map((t) => `<${t}>…</${t}>`).join(" ")}${p.order ? " in order" : ""}`,
  create(p) {
    const one = (s: Sample): Outcome => {
      const text = p.prefix + completionText(s);
      const problems: string[] = [];
      const blocks: Block[] = [];
      for (const tag of p.tags) {
        const open = `<${tag}>`;
        const close = `</${tag}>`;
        const opens = count(text, open);
        const closes = count(text, close);
        const o = text.indexOf(open);
        const c = o < 0 ? -1 : text.indexOf(close, o + open.length);
        if (o < 0 || c < 0) {
          problems.push(`missing ${o < 0 ? open : close}`);
          continue;
        }
        const content = text.slice(o + open.length, c);
        if (p.require_nonempty && content.trim().length === 0) {
          problems.push(`empty ${open}`);
          continue;
        }
        if (p.strict && (opens !== 1 || closes !== 1)) problems.push(`${open} appears ${opens}×, ${close} ${closes}×`);
        blocks.push({ tag, open: o, close: c + close.length, content });
      }
      let outOfOrder = 0;
      if (p.order) {
        for (let i = 1; i < blocks.length; i++) {
          if (blocks[i]!.open < blocks[i - 1]!.close) {
            outOfOrder++;
            problems.push(`<${blocks[i]!.tag}> is not after </${blocks[i - 1]!.tag}>`);
          }
        }
      }
      if (p.strict && problems.length === 0) {
        const sorted = [...blocks].sort((a, b) => a.open - b.open);
        let pos = 0;
        for (const b of sorted) {
          if (text.slice(pos, b.open).trim().length > 0) problems.push(`text outside the tags before <${b.tag}>`);
          pos = b.close;
        }
        if (text.slice(pos).trim().length > 0) problems.push("text after the last tag");
      }
      const score = p.strict || !p.partial ? (problems.length === 0 ? 1 : 0) : (blocks.length - outOfOrder) / p.tags.length;
      return ok(score, { problems });
    };
    return { name: "format_tags", score: async (batch) => batch.map(one) };
  },
});

function count(text: string, needle: string): number {
  let n = 0;
  for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length)) n++;
  return n;
}
