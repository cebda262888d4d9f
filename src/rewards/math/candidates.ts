/**
 * Candidate answers of a text, one builder per kind: delimited LaTeX (alone or after an answer
 * phrase), \boxed{}, GSM8K "#### N", a bare answer, plain numbers and expressions, answer
 * words and choice letters. Each candidate parses itself only when the driver reaches it.
 */
import type { Node } from "./ast.ts";
import { type BoxMode, findBoxes, boxedContent } from "./boxed.ts";
import { normalizeLatex } from "./normalize.ts";
import { ParseError, parseMath } from "./parse.ts";
import { FULL_NUMBER, type PlainMatch, PlainScanner } from "./plain.ts";
import * as R from "./rational.ts";
import { type Env, LatexScanner } from "./scan.ts";

export type Evaluated = { node: Node | undefined; text: string; failedSpan?: [number, number] };

export type Candidate = {
  priority: number;
  start: number;
  end: number;
  how: string;
  /** Spans of the number or expression (for skipping numbers inside a failed formula). */
  valueSpan?: [number, number];
  evaluate(): Evaluated;
};

// ---------------- LaTeX ----------------

export function latexCandidate(group: Env[], priority: number, how: string, boxed: BoxMode | "none" = "all", end?: number): Candidate {
  return {
    priority,
    start: group[0]!.start,
    end: end ?? group[group.length - 1]!.end,
    how,
    evaluate: () => evaluateLatexGroup(group, boxed),
  };
}

function evaluateLatexGroup(group: Env[], boxed: BoxMode | "none"): Evaluated {
  const texts: string[] = [];
  const nodes: (Node | undefined)[] = [];
  for (const env of group) {
    const norm = normalizeLatex(env.content, { boxed });
    texts.push(env.percent ? `${norm}\\%` : norm);
    let node = tryParse(norm);
    if (node && env.percent) node = { k: "pct", arg: node, latex: true };
    nodes.push(node);
  }
  const first = group[0]!;
  if (nodes.length > 1 && nodes.every((n) => n !== undefined)) {
    const elems = nodes.flatMap((n) => (n!.k === "set" ? n!.elems : [n!]));
    return { node: { k: "set", elems }, text: texts.join(", ") };
  }
  const node = nodes[0];
  return { node, text: texts[0]!, failedSpan: node ? undefined : [first.contentStart, first.contentStart + first.content.length] };
}

export function tryParse(latex: string): Node | undefined {
  if (latex === "") return undefined;
  try {
    return parseMath(latex);
  } catch (e) {
    if (!(e instanceof ParseError) && !(e instanceof RangeError)) throw e;
    // The reference retries on the part after the last "=" (a = b = 5 → 5).
    const last = lastEquation(latex);
    if (last !== undefined) {
      try {
        return parseMath(last);
      } catch {
        return undefined;
      }
    }
    return undefined;
  }
}

function lastEquation(latex: string): string | undefined {
  if (latex.includes(",") || latex.includes(";")) return undefined;
  const parts = latex.split(/(?<![\\<!>])=/);
  return parts.length > 2 ? parts[parts.length - 1]!.trim() : undefined;
}

export function addAnchoredLatex(out: Candidate[], text: string, scanner: LatexScanner, all: Anchor[], prio: number) {
  for (const a of all) {
    if (a.kind === "final-hope" && prio === 0) {
      const g = scanner.groupAt(skipSpaces(text, a.end));
      if (g) {
        const after = /^\.?\s?I hope/.exec(text.slice(g[g.length - 1]!.end, g[g.length - 1]!.end + 10));
        if (after) out.push(latexCandidate(g, 0, "final answer is … I hope"));
      }
    } else if (a.kind === "final-is" && prio === 50) {
      for (const isEnd of finalIs(text, a.end)) {
        const g = scanner.groupAt(skipSpaces(text, isEnd));
        if (g) {
          out.push(latexCandidate(g, 50, "final answer … is"));
          break;
        }
      }
    } else if ((a.kind === "answer-colon" && prio === 100) || (a.kind === "answer" && prio === 200)) {
      const limit = Math.min(text.length, a.end + 51);
      for (let p = a.end; p < limit; p++) {
        const g = scanner.groupAt(p);
        if (g) {
          out.push(latexCandidate(g, prio, prio === 100 ? "answer:" : "answer"));
          break;
        }
      }
    }
  }
}

export function skipSpaces(text: string, p: number): number {
  while (p < text.length && /\s/.test(text[p]!)) p++;
  return p;
}

export type Anchor = { kind: "final-hope" | "final-is" | "answer-colon" | "answer"; start: number; end: number };

const ANCHOR_RE = /final answer is:?|final answer|answer:|answer/gi;

/** Answer phrases, rightmost last; at most the last 200 of each kind are kept. */
export function anchors(text: string): Anchor[] {
  const out: Anchor[] = [];
  ANCHOR_RE.lastIndex = 0;
  for (let m = ANCHOR_RE.exec(text); m !== null; m = ANCHOR_RE.exec(text)) {
    const s = m[0].toLowerCase();
    const start = m.index;
    const end = start + m[0].length;
    if (s.startsWith("final answer is")) {
      out.push({ kind: "final-hope", start, end });
      out.push({ kind: "final-is", start, end: start + "final answer".length });
    } else if (s === "final answer") out.push({ kind: "final-is", start, end });
    if (s.startsWith("final answer")) {
      // "final answer" also contains "answer" (and maybe "answer:").
      const colon = text[start + 12] === ":";
      out.push({ kind: colon ? "answer-colon" : "answer", start: start + 6, end: start + 12 + (colon ? 1 : 0) });
    } else out.push({ kind: s === "answer:" ? "answer-colon" : "answer", start, end });
  }
  // Rightmost first: the last phrases are the ones that can matter.
  return out.length > 120 ? out.slice(-120) : out;
}

/** Ends of "\s+is:?" within 100 characters after "final answer". */
export function* finalIs(text: string, from: number): Generator<number> {
  const window = text.slice(from, from + 100 + 4);
  const re = /\s+is:?/g;
  for (let m = re.exec(window); m !== null; m = re.exec(window)) {
    if (m.index > 100) break;
    const after = window[m.index + m[0].length];
    if (after !== undefined && /[a-zA-Z]/.test(after) && m[0].endsWith("s")) continue;
    yield from + m.index + m[0].length;
  }
}

// ---------------- \boxed ----------------

export function addBoxed(out: Candidate[], text: string, groups: Env[][]) {
  if (!text.includes("\\boxed") && !text.includes("\\fbox")) return;
  const boxes = findBoxes(text);
  if (boxes.length === 0) return;
  const priority = 0;
  // Delimited LaTeX that contains a box (each joined part must too): all its boxes, with its percent suffix.
  const hasBox = (e: Env) => e.content.includes("\\boxed") || e.content.includes("\\fbox");
  for (const g of groups) {
    let run: Env[] = [];
    for (const e of [...g, undefined]) {
      if (e && hasBox(e)) run.push(e);
      else {
        if (run.length > 0) out.push(latexCandidate(run, priority, "\\boxed", "all"));
        run = [];
      }
    }
  }
  const last = boxes[0]!;
  out.push({
    priority,
    start: boxes[boxes.length - 1]!.start,
    end: last.end,
    how: "\\boxed",
    evaluate: () => {
      const content = boxedContent(text, "last") ?? "";
      const norm = normalizeLatex(content, { boxed: "none" });
      return { node: tryParse(norm), text: norm };
    },
  });
  // Earlier boxes one by one, in case the last one does not parse.
  for (const b of boxes.slice(1, 8)) {
    out.push({
      priority,
      start: b.start,
      end: b.end,
      how: "\\boxed",
      evaluate: () => {
        const norm = normalizeLatex(b.content, { boxed: "none" });
        return { node: tryParse(norm), text: norm };
      },
    });
  }
}

// ---------------- GSM8K and bare answers ----------------

export function addGsm8k(out: Candidate[], text: string, latex: boolean) {
  const at = text.lastIndexOf("####");
  if (at < 0) return;
  const line = /^[^\n]*/.exec(text.slice(at + 4))![0].trim();
  if (line === "") return;
  const cleaned = line.replace(/^[$€£¥]\s?/, "").replace(/\s*(?:\.|dollars?)$/i, "");
  out.push(bareCandidate(cleaned, -10, at, at + 4 + line.length, "####", latex));
}

export function bareCandidate(raw: string, priority: number, start: number, end: number, how: string, latex = true): Candidate {
  return {
    priority,
    start,
    end,
    how,
    evaluate: () => {
      // A lone number or mixed number keeps the plain reading (1,22 is 1.22; 1,000 is 1000; 4 4/9 is 40/9).
      const t = raw.trim();
      const asNumber = fullNumber(t) ?? (MIXED.test(t) ? plainWithPercent(t) : undefined);
      if (asNumber) return { node: asNumber, text: t };
      if (!latex) return { node: PLAIN_ONLY.test(t) ? parsePlainExpression(t) : undefined, text: t };
      const norm = normalizeLatex(raw, { boxed: "all" });
      const node = tryParse(norm) ?? parsePlainExpression(raw);
      return { node, text: norm };
    },
  };
}

const MIXED = /^[+-]?(?:\d{1,3}(?: \d{3})+|\d+) +\d+\/\d+\s*(?:%|percent|pct)?$/;
/** What the plain-expression pattern accepts: digits, points, spaces and operators. */
const PLAIN_ONLY = /^[-+]?[\d.\s+\-*×/^()÷]+$/;

function plainWithPercent(t: string): Node | undefined {
  const m = /^(.*?)\s*(%|percent|pct)?$/.exec(t)!;
  const node = parsePlainExpression(m[1]!);
  return node && m[2] ? { k: "pct", arg: node, latex: false } : node;
}

/** Function names and LaTeX words that do not make a text prose. */
const MATH_WORDS = /^(?:sin|cos|tan|cot|sec|csc|arcsin|arccos|arctan|sinh|cosh|tanh|log|ln|lg|exp|sqrt|pi|max|min|gcd|lcm|mod|inf|infty|and|or|sq|cm|mm|km|kg|ft|in|lb|oz|ml|hr|yd)$/i;

/**
 * A short string with no delimiters and no answer phrase is an answer itself when, once units
 * are dropped, it is math (no word of two letters or more beside function names) or one word.
 */
export function isBare(text: string): boolean {
  const t = text.trim();
  if (t === "" || t.length > 4000) return false;
  if (/(?<!\\)\$|\\\(|\\\[|\\boxed|\\fbox|####|answer/i.test(t)) return false;
  if (t.split("\n").filter((l) => l.trim() !== "").length > 2) return false;
  // Cheap reject before normalizing: unit words can drop a couple of words, not a sentence.
  if ((t.replace(/\\[a-zA-Z]+/g, " ").match(/[A-Za-z]{2,}/g)?.length ?? 0) > 8) return false;
  const norm = normalizeLatex(t, { boxed: "none" }).replace(/\\begin\{array\}\s*\{[^{}]*\}/g, " ");
  const outside = norm.replace(/\\(?:text|mathrm|textbf|mbox|operatorname|mathbb|mathbf|begin|end)\s*\{[^{}]*\}/g, " ").replace(/\\[a-zA-Z]+/g, " ");
  // Capital runs (AB, MBCN) name points and segments, they are not prose.
  const words = (outside.match(/[A-Za-z]{2,}/g) ?? []).filter((w) => !MATH_WORDS.test(w) && !/^[A-Z]{2,5}$/.test(w));
  if (words.length === 0) return true;
  // One word ("even", "Evelyn"), nothing else: two words are already a sentence.
  return words.length === 1 && /^[\s()*.]*[A-Za-z]+[\s()*.]*$/.test(outside);
}

// ---------------- plain numbers and expressions ----------------

/** The last this many characters are searched for plain numbers: answers come at the end. */
const PLAIN_WINDOW = 50_000;

/** Plain-number and expression candidates of every priority, for the text's tail. */
/** The tail of a text searched for plain values, with its scanner. */
export class PlainTail {
  readonly offset: number;
  readonly text: string;
  readonly scanner: PlainScanner;
  constructor(fullText: string) {
    this.offset = Math.max(0, fullText.length - PLAIN_WINDOW);
    this.text = this.offset > 0 ? fullText.slice(this.offset) : fullText;
    this.scanner = new PlainScanner(this.text);
  }
}

/** Plain-number and expression candidates of one priority. */
export function exprCandidates(tail: PlainTail, all: Anchor[], prio: number): Candidate[] {
  const { offset, text, scanner: sc } = tail;
  const out: Candidate[] = [];
  const add = (m: PlainMatch | undefined, priority: number, how: string) => {
    if (m) out.push(plainCandidate(m, priority, how, offset));
  };
  if (prio === 300) {
    for (const m of sc.allExprs().slice(-300)) add(m, 300, "expression");
    for (const m of sc.allNumbers().slice(-300)) add(m, 300, "number");
    return out;
  }
  const notBeforeEquals = (m: PlainMatch) => !/^\s*=/.test(text.slice(m.end, m.end + 20));
  const lineEnd = (from: number, max: number) => {
    const nl = text.indexOf("\n", from);
    return Math.min(nl < 0 ? text.length : nl, from + max);
  };
  for (const a of all) {
    const at = a.start - offset;
    const aEnd = a.end - offset;
    if (at < 0) continue;
    if (a.kind === "final-hope" && prio === 0) {
      const m = sc.valueAt(skipSpaces(text, aEnd));
      if (m && /^\.?\s?I hope/.test(text.slice(m.end, m.end + 10))) add(m, 0, "final answer is … I hope");
    } else if (a.kind === "final-is" && prio === 50) {
      for (const isEnd of finalIs(text, aEnd)) {
        const m = sc.valueAt(skipSpaces(text, isEnd));
        if (m) {
          add(m, 50, "final answer … is");
          break;
        }
      }
    } else if ((a.kind === "answer-colon" && prio === 100) || (a.kind === "answer" && prio === 200)) {
      const how = prio === 100 ? "answer:" : "answer";
      let found: PlainMatch | undefined;
      // The last "=" within 100 characters on the line, then the value after it.
      const eqLimit = lineEnd(aEnd, 101);
      for (let k = text.lastIndexOf("=", eqLimit - 1); k >= aEnd && !found; k = text.lastIndexOf("=", k - 1)) {
        const m = sc.valueAt(skipSpaces(text, k + 1));
        if (m && notBeforeEquals(m)) found = m;
        if (k === 0) break;
      }
      // Else the first value within 50 characters.
      const limit = lineEnd(aEnd, 51);
      for (let p = aEnd; p < limit && !found; p++) {
        const m = sc.valueAt(p);
        if (m && notBeforeEquals(m)) found = m;
      }
      add(found, prio, how);
    }
  }
  return out;
}

function plainCandidate(m: PlainMatch, priority: number, how: string, offset: number): Candidate {
  return {
    priority,
    start: m.start + offset,
    end: m.end + offset,
    how,
    valueSpan: [m.valueStart + offset, m.valueEnd + offset],
    evaluate: () => {
      const node = m.kind === "number" ? numberValue(m.integer, m.decimal) : parsePlainExpression(m.text);
      return { node: node && m.pct ? { k: "pct", arg: node, latex: false } : node, text: m.kind === "expr" ? m.text.replace(/\.+$/, "") : m.text };
    },
  };
}

/** The value of a matched number: separators dropped, decimal comma read as a point. */
function numberValue(integer: string, decimal: string): Node | undefined {
  let int = integer.replace(/[, ]/g, "");
  const sign = int.startsWith("-") ? "-" : "";
  int = int.replace(/^[-+]/, "").replace(/^0+/, "") || "0";
  const dec = decimal.replace(",", ".");
  const v = R.fromDecimal(sign + int + dec);
  return v ? { k: "num", v, float: dec !== "" } : undefined;
}

/** A plain expression such as 1/2, (3/4)*2, 2^10, a mixed number 4 4/9. */
export function parsePlainExpression(raw: string): Node | undefined {
  // "2/3." at the end of a sentence: the point is punctuation.
  const s = raw.trim().replace(/\.+$/, "");
  // A mixed number is written on one line: "4 4/9", "-1 000 4/9".
  const mixed = /^([+-]?)(\d{1,3}(?: \d{3})+|\d+) +(\d+)\/(\d+)$/.exec(s);
  if (mixed) {
    const whole = BigInt(mixed[2]!.replace(/ /g, ""));
    const n = BigInt(mixed[3]!);
    const d = BigInt(mixed[4]!);
    if (d === 0n || n >= d) return undefined;
    const v = R.q(whole * d + n, d);
    return v ? { k: "num", v: mixed[1] === "-" ? R.neg(v) : v, float: false } : undefined;
  }
  // Numbers separated only by spaces have no operator between them: not an expression.
  if (/\d\s+[\d(]|\)\s*\d|\)\s*\(/.test(s)) return undefined;
  try {
    return parseMath(s.replace(/\s+/g, " ").replace(/÷/g, "/").replace(/×/g, "*"));
  } catch {
    return undefined;
  }
}

/** The value of `raw` when it is exactly one plain number (currency, separators, percent). */
function fullNumber(raw: string): Node | undefined {
  const m = FULL_NUMBER.exec(raw.trim());
  if (!m?.groups) return undefined;
  const g = m.groups;
  const node = numberValue(g.i1 ?? g.i2 ?? g.i3 ?? "", g.d1 ?? g.d2 ?? g.d3 ?? "");
  return node && g.pct !== undefined ? { k: "pct", arg: node, latex: false } : node;
}

// ---------------- words and choice letters ----------------

/** A case-insensitive pattern for a literal word (no inline flags in Node 20 regexes). */
function ci(word: string): string {
  return [...word].map((c) => (/[a-z]/i.test(c) ? `[${c.toUpperCase()}${c.toLowerCase()}]` : c === " " ? "\\s+" : c)).join("");
}
const ANSWER_WORDS = ["yes", "no", "even", "odd", "true", "false", "none", "neither", "both", "infinite", "infinitely many", "undefined", "positive", "negative", "zero", "always", "never", "impossible"];
const WORD_RE = new RegExp(
  String.raw`${ci("answer")}(?:\s+${ci("is")}|\s+${ci("would be")}|\s+${ci("will be")})?\s*[:=]?\s*(?:\*\*)?\s*(?:\\text\{|\\textbf\{)?\s*(?:\((?<c1>[A-Ea-e])\)|(?<c2>[A-E])(?=[\s.,;:*)}]|$)|(?<w>${ANSWER_WORDS.map(ci).join("|")})(?=[\s.,;:!*}]|$))`,
  "g",
);

/** "Answer: (B)", "the answer is even": words and choice letters the number patterns miss. */
export function addWords(out: Candidate[], text: string, prio: number) {
  WORD_RE.lastIndex = 0;
  for (let m = WORD_RE.exec(text); m !== null; m = WORD_RE.exec(text)) {
    const g = m.groups ?? {};
    const word = (g.c1 ?? g.c2 ?? g.w ?? "").toLowerCase().replace(/\s+/g, "");
    if (word === "") continue;
    const colon = /answer\s*:/i.test(m[0]);
    if ((colon ? 100 : 200) !== prio) continue;
    out.push({
      priority: colon ? 100 : 200,
      start: m.index,
      end: m.index + m[0].length,
      how: colon ? "answer:" : "answer",
      evaluate: () => ({ node: { k: "sym", name: word }, text: word }),
    });
  }
}
