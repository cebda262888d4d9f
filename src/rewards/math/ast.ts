/**
 * The exact, unevaluated form of a parsed answer: numbers stay rationals (decimals keep a
 * flag so 0.333 is not 1/3), structure stays as written (order of tuple elements, open or
 * closed interval ends), so comparison can decide what "equal" means case by case.
 */
import { type Q, qInt } from "./rational.ts";

export type RelOp = "=" | "!=" | "<" | "<=" | ">" | ">=";

export type SpecialSet = "reals" | "integers" | "naturals" | "rationals" | "complexes" | "empty";

export type Node =
  /** A number as written; `float` when written with a decimal point or exponent. */
  | { k: "num"; v: Q; float: boolean }
  /** A numeral with a base subscript, e.g. 204_5: `digits` as written, `v` its value. */
  | { k: "based"; digits: string; base: number; v: Q | undefined }
  /** A variable (lower-cased, subscripts folded into the name) or a word from \text{}. */
  | { k: "sym"; name: string }
  | { k: "const"; name: "pi" | "e" | "i" | "inf" }
  | { k: "add"; args: Node[] }
  | { k: "mul"; args: Node[] }
  | { k: "div"; num: Node; den: Node }
  | { k: "neg"; arg: Node }
  | { k: "pow"; base: Node; exp: Node }
  /**
   * Functions: sin, log (args[1] = base), root (args[1] = index), abs, fact, binom...;
   * a function the text defines itself (f(x), P(x)) is named "f:<name>" and stays opaque.
   */
  | { k: "fn"; name: string; args: Node[] }
  /** X% (value X/100); `latex` when typeset as \% (then "10\%" may also stand for the number 10). */
  | { k: "pct"; arg: Node; latex: boolean }
  /** a ± b (a absent for ±b): stands for the two values a+b and a-b. */
  | { k: "pm"; a: Node | undefined; b: Node }
  | { k: "rel"; op: RelOp; lhs: Node; rhs: Node }
  /** A chain a < b < c, stored as its links in order. */
  | { k: "and"; rels: Rel[] }
  | { k: "set"; elems: Node[] }
  | { k: "tuple"; elems: Node[] }
  /** `pair` marks (a, b): an open interval or an ordered pair, decided when compared. */
  | { k: "interval"; lo: Node; hi: Node; lopen: boolean; ropen: boolean; pair: boolean }
  | { k: "union"; args: Node[] }
  | { k: "inter"; args: Node[] }
  | { k: "minus"; a: Node; b: Node }
  | { k: "sset"; name: SpecialSet }
  | { k: "matrix"; rows: Node[][] }
  /** \sum / \prod with index, bounds and body. */
  | { k: "bigop"; op: "sum" | "prod"; index: string; lo: Node; hi: Node; body: Node };

export type Rel = Extract<Node, { k: "rel" }>;

export const num = (v: Q, float = false): Node => ({ k: "num", v, float });
export const int = (n: number | bigint): Node => ({ k: "num", v: qInt(n), float: false });
export const sym = (name: string): Node => ({ k: "sym", name });

export function isSetLike(n: Node): boolean {
  return n.k === "set" || n.k === "tuple" || n.k === "interval" || n.k === "union" || n.k === "inter" || n.k === "minus" || n.k === "sset";
}

export function isRelation(n: Node): boolean {
  return n.k === "rel" || n.k === "and";
}

/** Every child of a node, for generic walks. */
export function children(n: Node): Node[] {
  switch (n.k) {
    case "num":
    case "based":
    case "sym":
    case "const":
    case "sset":
      return [];
    case "add":
    case "mul":
    case "union":
    case "inter":
    case "fn":
      return n.args;
    case "div":
      return [n.num, n.den];
    case "neg":
    case "pct":
      return [n.arg];
    case "pow":
      return [n.base, n.exp];
    case "pm":
      return n.a ? [n.a, n.b] : [n.b];
    case "rel":
      return [n.lhs, n.rhs];
    case "and":
      return n.rels;
    case "set":
    case "tuple":
      return n.elems;
    case "interval":
      return [n.lo, n.hi];
    case "minus":
      return [n.a, n.b];
    case "matrix":
      return n.rows.flat();
    case "bigop":
      return [n.lo, n.hi, n.body];
  }
}

/**
 * The node rebuilt around new children, `kids` in the order children() lists them (list kinds
 * take `kids` itself as their list). With children() this is the one place that knows where each
 * kind keeps its children, so generic walks and rebuilds (here, in build.ts, in sets.ts) cannot
 * drift apart when a kind is added.
 */
export function withChildren(n: Node, kids: Node[]): Node {
  switch (n.k) {
    case "num":
    case "based":
    case "sym":
    case "const":
    case "sset":
      return n;
    case "add":
    case "mul":
    case "union":
    case "inter":
      return { k: n.k, args: kids };
    case "fn":
      return { k: "fn", name: n.name, args: kids };
    case "div":
      return { k: "div", num: kids[0]!, den: kids[1]! };
    case "neg":
      return { k: "neg", arg: kids[0]! };
    case "pct":
      return { k: "pct", arg: kids[0]!, latex: n.latex };
    case "pow":
      return { k: "pow", base: kids[0]!, exp: kids[1]! };
    case "pm":
      return n.a ? { k: "pm", a: kids[0]!, b: kids[1]! } : { k: "pm", a: undefined, b: kids[0]! };
    case "rel":
      return { k: "rel", op: n.op, lhs: kids[0]!, rhs: kids[1]! };
    case "and":
      return { k: "and", rels: kids as Rel[] };
    case "set":
    case "tuple":
      return { k: n.k, elems: kids };
    case "interval":
      return { ...n, lo: kids[0]!, hi: kids[1]! };
    case "minus":
      return { k: "minus", a: kids[0]!, b: kids[1]! };
    case "matrix": {
      let i = 0;
      return { k: "matrix", rows: n.rows.map((r) => r.map(() => kids[i++]!)) };
    }
    case "bigop":
      return { ...n, lo: kids[0]!, hi: kids[1]!, body: kids[2]! };
  }
}

/** Rebuilds a node with its children mapped (same shape). */
export function mapChildren(n: Node, f: (c: Node) => Node): Node {
  return withChildren(n, children(n).map(f));
}

/** Names of free variables (bound \sum indices excluded), sorted. */
export function freeSymbols(n: Node): string[] {
  const out = new Set<string>();
  const walk = (x: Node, bound: ReadonlySet<string>) => {
    if (x.k === "sym") {
      if (!bound.has(x.name)) out.add(x.name);
      return;
    }
    if (x.k === "bigop") {
      walk(x.lo, bound);
      walk(x.hi, bound);
      walk(x.body, new Set([...bound, x.index]));
      return;
    }
    for (const c of children(x)) walk(c, bound);
  };
  walk(n, new Set());
  return [...out].sort();
}

/** Renames variables (non-strict comparison matches them by position). */
export function renameSymbols(n: Node, map: ReadonlyMap<string, string>): Node {
  if (n.k === "sym") {
    const to = map.get(n.name);
    return to === undefined ? n : { k: "sym", name: to };
  }
  if (n.k === "bigop" && map.has(n.index)) {
    const inner = new Map(map);
    inner.delete(n.index);
    return { ...n, lo: renameSymbols(n.lo, map), hi: renameSymbols(n.hi, map), body: renameSymbols(n.body, inner) };
  }
  return mapChildren(n, (c) => renameSymbols(c, map));
}
