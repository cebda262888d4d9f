/**
 * Contents of \boxed{...} / \fbox{...}. Several boxes form one answer ("\boxed{1}, \boxed{2}")
 * only when what separates them is a list separator, so a corrected answer
 * ("\boxed{5} ... wait, it is \boxed{6}") keeps only the last box.
 */
import { matchBrace } from "./lexer.ts";

export type BoxMode = "all" | "last";

export type Box = { start: number; end: number; content: string };

/** Every box in `text` from right to left (nested boxes are part of their outer box). */
export function findBoxes(text: string, limit = 64): Box[] {
  const out: Box[] = [];
  let pos = text.length;
  let maxEnd = text.length;
  while (out.length < limit) {
    const b = text.lastIndexOf("\\boxed", pos);
    const f = text.lastIndexOf("\\fbox", pos);
    const start = Math.max(b, f);
    if (start < 0) break;
    let k = start + (start === b ? 6 : 5);
    if (/[a-zA-Z]/.test(text[k] ?? "")) {
      pos = start - 1;
      continue;
    }
    while (k < text.length && /\s/.test(text[k]!)) k++;
    if (text[k] === "{") {
      const close = matchBrace(text, k, maxEnd);
      if (close < 0) {
        if (out.length === 0) out.push({ start, end: text.length, content: text.slice(k + 1).trim() });
        break;
      }
      out.push({ start, end: close + 1, content: text.slice(k + 1, close).trim() });
    } else {
      // \boxed 5: the token that follows.
      const m = /^[^\s$]+/.exec(text.slice(k, maxEnd));
      if (m) out.push({ start, end: k + m[0].length, content: m[0] });
    }
    maxEnd = start;
    pos = start - 1;
    if (pos < 0) break;
  }
  // Drop boxes nested in a later (outer) box: they were found first when scanning backwards.
  return out.filter((x, i) => !out.some((y, j) => j !== i && y.start < x.start && y.end >= x.end));
}

const DELIMS = /\$|\\\(|\\\)|\\\[|\\\]/;
const SEPARATOR_ONLY = /^(?:,|;|and|or|&|\\\\)+$/i;

/** Whether two boxes separated by `between` belong to one answer. */
function joins(between: string, earlier: string, later: string): boolean {
  if (between.length > 300) return false;
  if (/^\s*$/.test(between)) return true;
  const stripped = between
    .replace(/\\text\s*\{([^{}]*)\}/g, " $1 ")
    .replace(/\\(?:quad|qquad|,|;|:|!)|\*\*|\$|\\\(|\\\)|\\\[|\\\]/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  if (stripped === "") return !DELIMS.test(between);
  if (SEPARATOR_ONLY.test(stripped.replace(/\s+/g, ""))) return true;
  return stripped.length <= 30 && earlier !== later && !/[.!?:]/.test(stripped) && /(?:^|\s)(?:and|or)(?:\s|$)|,/i.test(stripped);
}

/**
 * The boxed answer of `text`: "last" takes the last box plus the boxes listed with it,
 * "all" joins every box. Undefined when there is no box.
 */
export function boxedContent(text: string, mode: BoxMode): string | undefined {
  if (!text.includes("\\boxed") && !text.includes("\\fbox")) return undefined;
  const boxes = findBoxes(text);
  if (boxes.length === 0) return undefined;
  const picked: Box[] = [boxes[0]!];
  for (let i = 1; i < boxes.length; i++) {
    const later = picked[picked.length - 1]!;
    const earlier = boxes[i]!;
    if (mode === "last" && !joins(text.slice(earlier.end, later.start), earlier.content, later.content)) break;
    if (earlier.content !== later.content) picked.push(earlier);
  }
  return picked
    .reverse()
    .map((b) => b.content)
    .join(",");
}
