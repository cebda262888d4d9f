/**
 * Finds the final answer in free text, in the reference's priority order: "final answer is X.
 * I hope" (0), \boxed{} (configurable, 0 by default), "final answer … is X" (50), "answer: X"
 * (100), "answer … X" (200), then any delimited LaTeX or plain number/expression (300). Within
 * a priority the rightmost match is tried first, and the first one that parses wins; up to six
 * delimited answers joined by ",", "and", "or" form one set. Added before all of them: a
 * GSM8K "#### N" line and, for a short bare string (no delimiters, no prose), the whole text.
 */
import type { Node } from "./ast.ts";
import {
  type Anchor,
  type Candidate,
  addAnchoredLatex,
  addBoxed,
  addGsm8k,
  addWords,
  anchors,
  bareCandidate,
  PlainTail,
  exprCandidates,
  isBare,
  latexCandidate,
} from "./candidates.ts";
import { type Env, LatexScanner } from "./scan.ts";

export { parsePlainExpression, tryParse } from "./candidates.ts";

export type Target = "latex" | "expr";

export type ExtractOptions = {
  targets: readonly Target[];
  /** Priority of \boxed answers: 0 puts them first (before "final answer … is"), 50 ties with it. */
  boxedPriority: number;
  /** Only \boxed answers count (for predictions trained to box their answer). */
  requireBoxed: boolean;
};

export const DEFAULT_EXTRACT: ExtractOptions = { targets: ["latex", "expr"], boxedPriority: 0, requireBoxed: false };

/** The extracted answer: the first candidate that parsed, and the text of the first one tried. */
export type Extraction = {
  node: Node | undefined;
  /** Normalized LaTeX (or plain text) of the parsed answer, else of the first candidate tried. */
  text: string | undefined;
  /** The first candidate's text: equal texts match even when they do not parse (e.g. "12:00"). */
  fallback: string | undefined;
  how: string | undefined;
};

const MAX_TEXT = 200_000;

/** Extracts and parses the answer of `text`. */
export function extractAnswer(rawText: string, opts: ExtractOptions = DEFAULT_EXTRACT): Extraction {
  const text = rawText.length > MAX_TEXT ? rawText.slice(-MAX_TEXT) : rawText;
  const src = new Sources(text, opts);
  const failed: [number, number][] = [];
  let fallback: string | undefined;
  let tried = 0;
  // Priorities are tried in order; the candidates of a priority are only computed when reached.
  for (const prio of src.priorities()) {
    const cands = src.at(prio);
    // Rightmost end first, then leftmost start.
    cands.sort((a, b) => b.end - a.end || a.start - b.start);
    for (const c of cands) {
      if (c.valueSpan && failed.some(([lo, hi]) => c.valueSpan![0] < hi && c.valueSpan![1] > lo)) continue;
      if (++tried > 400) return { node: undefined, text: fallback, fallback, how: undefined };
      const r = c.evaluate();
      if (fallback === undefined && r.text !== "") fallback = r.text;
      if (r.node) return { node: r.node, text: r.text, fallback, how: c.how };
      if (r.failedSpan) failed.push(r.failedSpan);
    }
  }
  return { node: undefined, text: fallback, fallback, how: undefined };
}

/** Candidate answers of one text, computed per priority on demand. */
class Sources {
  private readonly latex: boolean;
  private readonly expr: boolean;
  private scannerCache: LatexScanner | undefined;
  private groupsCache: Env[][] | undefined;
  private anchorsCache: Anchor[] | undefined;
  private tailCache: PlainTail | undefined;

  constructor(
    private readonly text: string,
    private readonly opts: ExtractOptions,
  ) {
    this.latex = opts.targets.includes("latex");
    this.expr = opts.targets.includes("expr");
  }

  priorities(): number[] {
    if (this.opts.requireBoxed) return [this.opts.boxedPriority];
    return [...new Set([-20, -10, 0, 50, this.opts.boxedPriority, 100, 200, 300])].sort((a, b) => a - b);
  }

  private get scanner(): LatexScanner {
    return (this.scannerCache ??= new LatexScanner(this.text));
  }
  private get groups(): Env[][] {
    return (this.groupsCache ??= this.scanner.allGroups());
  }
  private get anchors(): Anchor[] {
    return (this.anchorsCache ??= anchors(this.text));
  }
  private get tail(): PlainTail {
    return (this.tailCache ??= new PlainTail(this.text));
  }

  at(prio: number): Candidate[] {
    const out: Candidate[] = [];
    const t = this.text;
    if (prio === this.opts.boxedPriority) addBoxed(out, t, this.groups);
    if (this.opts.requireBoxed) return out;
    if (prio === -20 && isBare(t)) out.push(bareCandidate(t.trim(), -20, 0, t.length, "whole text", this.latex));
    if (prio === -10) addGsm8k(out, t, this.latex);
    if (prio >= 0) {
      if (this.latex) {
        if (prio === 300) for (const g of this.groups) out.push(latexCandidate(g, 300, "latex"));
        else addAnchoredLatex(out, t, this.scanner, this.anchors, prio);
      }
      if (this.expr && (prio === 300 || this.anchors.length > 0)) out.push(...exprCandidates(this.tail, this.anchors, prio));
      if (prio === 100 || prio === 200) addWords(out, t, prio);
    }
    return out;
  }
}

