/**
 * Segmenters: split a completion into character spans [start, end) (JavaScript string indices)
 * that rewards can score one by one. Spans exclude surrounding whitespace unless stated.
 */

import { runInContext, createContext } from "node:vm";
import type { Span } from "../core/segments.ts";
export type { Span };

export type SegmentBy = "sentences" | "subsentences" | "lines" | "paragraphs" | "steps" | "tags";
export const SEGMENTERS: readonly SegmentBy[] = ["sentences", "subsentences", "lines", "paragraphs", "steps", "tags"];

export type SegmentOptions = {
  /** "subsentences": fewest words a sub-sentence may have (Fine-Grained RLHF: 5). */
  minWords?: number;
  /** "steps": the step marker, matched at a line start (default `Step k:` / `Step k.` / `Step k)`). */
  marker?: string;
  /** "steps": keep text before the first marker as a segment labelled "preamble" (default false). */
  preamble?: boolean;
  /** "tags": the element name whose contents are the segments (default "step"). */
  tag?: string;
  /** "steps": how long a custom `marker` may run on one completion (default 1000 ms). */
  timeoutMs?: number;
};

/** A custom step marker ran past its time (catastrophic backtracking on this completion). */
export class SegmentTimeoutError extends Error {
  // The name AbortSignal.timeout() uses: the pipeline reports such a throw as status "timeout".
  override name = "TimeoutError";
}

const ABBREVIATIONS = new Set(["mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "vs", "etc", "e.g", "i.e", "fig", "no", "inc", "ltd", "co", "approx", "eq", "cf", "u.s", "a.m", "p.m"]);
const TERMINATOR = /[.!?…。！？]+["'”’)\]]*/gu;
const CJK_STOP = /[。！？]/u;

function span(text: string, start: number, end: number, label?: string): Span | undefined {
  while (start < end && /\s/u.test(text[start]!)) start++;
  while (end > start && /\s/u.test(text[end - 1]!)) end--;
  if (end <= start) return undefined;
  const s: Span = { start, end, text: text.slice(start, end) };
  if (label !== undefined) s.label = label;
  return s;
}

/** Sentence-final positions: a terminator run, not after an abbreviation or an initial, followed by a space and no lowercase. */
function sentenceEnds(text: string): number[] {
  const ends: number[] = [];
  TERMINATOR.lastIndex = 0;
  for (let m = TERMINATOR.exec(text); m !== null; m = TERMINATOR.exec(text)) {
    const end = m.index + m[0].length;
    const next = text[end];
    if (!CJK_STOP.test(m[0])) {
      if (next !== undefined && !/\s/u.test(next)) continue;
      if (m[0].startsWith(".")) {
        const word = /([\p{L}.]+)$/u.exec(text.slice(Math.max(0, m.index - 12), m.index))?.[1]?.toLowerCase() ?? "";
        if (ABBREVIATIONS.has(word) || /^\p{L}$/u.test(word)) continue;
      }
      const after = /\S/u.exec(text.slice(end));
      if (after && /\p{Ll}/u.test(after[0])) continue;
    }
    ends.push(end);
  }
  return ends;
}

/**
 * Sentences by rule (not spaCy's parser, which Fine-Grained RLHF used): a run of . ! ? … (or
 * CJK 。！？) with closing quotes/brackets ends a sentence when whitespace or the end follows and
 * the next word does not start lowercase; abbreviations (Dr., e.g.) and initials do not end one;
 * every newline does.
 */
export function sentences(text: string): Span[] {
  const cuts = new Set<number>(sentenceEnds(text));
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) cuts.add(i);
  cuts.add(text.length);
  const out: Span[] = [];
  let prev = 0;
  for (const c of [...cuts].sort((a, b) => a - b)) {
    const s = span(text, prev, c);
    if (s) out.push(s);
    prev = c;
  }
  return out;
}

/**
 * Fine-Grained RLHF's sub-sentences (`split_text_to_subsentences`): inside each sentence, split on
 * whitespace; a word ending in , ; ! ? may end a sub-sentence when more than `minWords` words
 * follow; a sub-sentence that would be shorter than `minWords` is merged by moving the previous
 * start instead (except at the sentence start).
 */
export function subSentences(text: string, minWords = 5): Span[] {
  const starts: number[] = [];
  for (const sent of sentences(text)) {
    const words: { w: string; at: number }[] = [];
    const re = /\S+/gu;
    for (let m = re.exec(sent.text); m !== null; m = re.exec(sent.text)) words.push({ w: m[0], at: sent.start + m.index });
    if (words.length === 0) continue;
    const isStart = [true];
    let prevStart = 0;
    for (let id = 1; id < words.length; id++) {
      const prev = words[id - 1]!.w;
      if (/[,;!?]/u.test(prev[prev.length - 1]!) && id + minWords < words.length) {
        if (id - prevStart < minWords) {
          if (prevStart > 0) {
            isStart.push(true);
            isStart[prevStart] = false;
            prevStart = id;
          } else isStart.push(false);
        } else {
          isStart.push(true);
          prevStart = id;
        }
      } else isStart.push(false);
    }
    words.forEach((w, i) => isStart[i] && starts.push(w.at));
  }
  const out: Span[] = [];
  for (let i = 0; i < starts.length; i++) {
    const s = span(text, starts[i]!, i + 1 < starts.length ? starts[i + 1]! : text.length);
    if (s) out.push(s);
  }
  return out;
}

export function lines(text: string): Span[] {
  const out: Span[] = [];
  let prev = 0;
  for (let i = 0; i <= text.length; i++) {
    if (i === text.length || text[i] === "\n") {
      const s = span(text, prev, i);
      if (s) out.push(s);
      prev = i + 1;
    }
  }
  return out;
}

/** Blocks separated by blank lines (PRM800K-style steps are "\n\n"-separated). */
export function paragraphs(text: string): Span[] {
  const out: Span[] = [];
  const re = /\n[ \t]*\n/gu;
  let prev = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const s = span(text, prev, m.index);
    if (s) out.push(s);
    prev = m.index + m[0].length;
  }
  const s = span(text, prev, text.length);
  if (s) out.push(s);
  return out;
}

/** Segments that start at each step marker and run to the next one; labels "step k". */
export function steps(text: string, opts: SegmentOptions = {}): Span[] {
  const marker = new RegExp(`(?:^|(?<=\\n))[ \\t]*(?:${opts.marker ?? "[Ss]tep\\s*(\\d+)\\s*[:.)]"})`, "gu");
  const found: { at: number; label: string }[] = [];
  for (const [at, group] of opts.marker === undefined ? markerMatches(marker, text) : boundedMatches(marker, text, opts.timeoutMs ?? 1000)) {
    found.push({ at, label: group === undefined ? `step ${found.length + 1}` : `step ${group}` });
  }
  const out: Span[] = [];
  if (opts.preamble && found.length > 0) {
    const s = span(text, 0, found[0]!.at, "preamble");
    if (s) out.push(s);
  }
  found.forEach((f, i) => {
    const s = span(text, f.at, i + 1 < found.length ? found[i + 1]!.at : text.length, f.label);
    if (s) out.push(s);
  });
  return out;
}

/** The contents of each `<tag>…</tag>` element (attributes allowed), labelled with the tag. */
export function tags(text: string, opts: SegmentOptions = {}): Span[] {
  const tag = (opts.tag ?? "step").replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const re = new RegExp(`<${tag}(?:\\s[^>]*)?>([\\s\\S]*?)</${tag}\\s*>`, "giu");
  const out: Span[] = [];
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const inner = m.index + m[0].indexOf(">") + 1;
    const s = span(text, inner, inner + m[1]!.length, opts.tag ?? "step");
    if (s) out.push(s);
  }
  return out;
}

/** Splits `text` the named way. */
export function segment(text: string, by: SegmentBy, opts: SegmentOptions = {}): Span[] {
  switch (by) {
    case "sentences":
      return sentences(text);
    case "subsentences":
      return subSentences(text, opts.minWords ?? 5);
    case "lines":
      return lines(text);
    case "paragraphs":
      return paragraphs(text);
    case "steps":
      return steps(text, opts);
    case "tags":
      return tags(text, opts);
    default:
      throw new Error(`segment by: expected one of ${SEGMENTERS.join(", ")}, got ${JSON.stringify(by)}`);
  }
}

/** Every match of a global regex: its index and first group. */
function markerMatches(re: RegExp, text: string): [number, string | undefined][] {
  const out: [number, string | undefined][] = [];
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    out.push([m.index, m[1]]);
    if (m[0].length === 0) re.lastIndex++;
  }
  return out;
}

const MATCH_ALL = `(() => { const out = []; re.lastIndex = 0; for (let m = re.exec(text); m !== null; m = re.exec(text)) { out.push([m.index, m[1]]); if (m[0].length === 0) re.lastIndex++; } return out; })()`;
let sandbox: object | undefined;

/**
 * A spec's own marker can backtrack catastrophically on some completion, and segmenting runs on
 * the pipeline's thread: it runs under a vm timeout, which interrupts even a regex mid-match.
 */
function boundedMatches(re: RegExp, text: string, timeoutMs: number): [number, string | undefined][] {
  sandbox ??= createContext({});
  const ctx = sandbox as { re?: RegExp; text?: string };
  ctx.re = re;
  ctx.text = text;
  try {
    return runInContext(MATCH_ALL, sandbox, { timeout: Math.max(1, Math.floor(timeoutMs)) }) as [number, string | undefined][];
  } catch (err) {
    if ((err as { code?: string }).code === "ERR_SCRIPT_EXECUTION_TIMEOUT") throw new SegmentTimeoutError(`the step marker ran past ${timeoutMs} ms on this completion (catastrophic backtracking?)`);
    throw err;
  } finally {
    ctx.re = undefined;
    ctx.text = undefined;
  }
}
