/**
 * Building blocks of the parsed tree: literals, sums and products, ± expansion, \text{}
 * contents, and the "only symbols" test that tells an assignment (x = 3) from an equation.
 */
import type { Node } from "./ast.ts";
import { children, num, sym, withChildren } from "./ast.ts";
import { ParseError } from "./lexer.ts";
import * as R from "./rational.ts";

export function signed(sign: string, n: Node): Node {
  return sign === "-" ? neg(n) : n;
}

export function numberNode(text: string): Node {
  const v = R.fromDecimal(text);
  if (!v) throw new ParseError(`bad number ${text}`);
  return num(v, /[.eE]/.test(text));
}

export function neg(n: Node): Node {
  if (n.k === "num") return { k: "num", v: R.neg(n.v), float: n.float };
  return { k: "neg", arg: n };
}

function add(a: Node, b: Node): Node {
  const args = [...(a.k === "add" ? a.args : [a]), ...(b.k === "add" ? b.args : [b])];
  return { k: "add", args };
}

export function mul(a: Node, b: Node): Node {
  const args = [...(a.k === "mul" ? a.args : [a]), ...(b.k === "mul" ? b.args : [b])];
  return { k: "mul", args };
}

/** Only symbols (x, ab, a/b, (p, q), f(x)): the left side of an assignment. */
export function onlySymbols(n: Node): boolean {
  switch (n.k) {
    case "sym":
      return true;
    case "mul":
    case "tuple":
      return (n.k === "mul" ? n.args : n.elems).every(onlySymbols);
    case "div":
      return onlySymbols(n.num) && onlySymbols(n.den);
    case "pow":
      return onlySymbols(n.base) && n.exp.k === "num" && n.exp.v.n === -1n && n.exp.v.d === 1n;
    case "fn":
      return n.name.startsWith("f:") && n.args.every(onlySymbols);
    case "interval":
      return n.pair && onlySymbols(n.lo) && onlySymbols(n.hi);
    default:
      return false;
  }
}

/** Expands ± into its alternatives (capped), e.g. 1 ± √2 → [1+√2, 1-√2]. */
export function expandPm(n: Node, cap = 16): Node[] {
  if (n.k === "pm") {
    const bs = expandPm(n.b, cap);
    const as = n.a ? expandPm(n.a, cap) : [undefined];
    const out: Node[] = [];
    for (const a of as)
      for (const b of bs) {
        out.push(a ? add(a, b) : b, a ? add(a, neg(b)) : neg(b));
        if (out.length >= cap) return out;
      }
    return out;
  }
  if (n.k === "num" || n.k === "sym" || n.k === "const" || n.k === "based" || n.k === "sset") return [n];
  let results: Node[] = [n];
  let changed = false;
  const kids = childList(n);
  const expanded = kids.map((c) => expandPm(c, cap));
  if (expanded.every((e) => e.length === 1)) return [n];
  // Cartesian product over children with several alternatives.
  let combos: Node[][] = [[]];
  for (const alts of expanded) {
    const next: Node[][] = [];
    for (const combo of combos) for (const a of alts) if (next.length < cap) next.push([...combo, a]);
    combos = next;
  }
  results = combos.map((combo) => withChildren(n, combo));
  changed = true;
  return changed ? results : [n];
}

/** ± spreads only through arithmetic; lists and relations are expanded by the parser per element (expandListed, expandElement). */
const PM_SPREADS: ReadonlySet<Node["k"]> = new Set(["add", "mul", "fn", "div", "neg", "pct", "pow"]);

function childList(n: Node): Node[] {
  return PM_SPREADS.has(n.k) ? children(n) : [];
}

function hasPm(n: Node): boolean {
  if (n.k === "pm") return true;
  return childList(n).some(hasPm);
}

export function isMinusOne(n: Node): boolean {
  return n.k === "num" && n.v.n === -1n && n.v.d === 1n;
}

export function cleanSub(s: string): string {
  return s
    .replace(/\\(?:text|mathrm|mathit|mathbf)\s*\{([^{}]*)\}/g, "$1")
    .replace(/[\s{}]/g, "")
    .toLowerCase();
}

export function baseValue(digits: string, base: number): R.Q | undefined {
  let v = 0n;
  const b = BigInt(base);
  for (const ch of digits.toLowerCase()) {
    const d = parseInt(ch, 36);
    if (!(d < base)) return undefined;
    v = v * b + BigInt(d);
  }
  return R.q(v);
}

/** \text{...} content: a number, a choice letter "(C) ...", else a word (a symbol). */
export function textValue(content: string, cmd: string): Node {
  const c = content.trim();
  if (/^[-+]?\d+(\.\d+)?$/.test(c)) return numberNode(c);
  if (c === "e" && cmd !== "text") return { k: "const", name: "e" };
  if (c === "i" && cmd !== "text") return { k: "const", name: "i" };
  const choice = /^\(\s*([A-Za-z])\s*\)(?:\s|$)/.exec(c + " ");
  if (choice) return sym(choice[1]!.toLowerCase());
  const word = c.replace(/[\s()]/g, "").replace(/\\[a-zA-Z]+/g, "").toLowerCase();
  if (word === "") throw new ParseError("empty text");
  if (!/^[\p{L}\p{N}'.,_-]+$/u.test(word)) throw new ParseError("text is not a word");
  return sym(word);
}

/** A list element contributes its ± alternatives. */
export function expandListed(e: Node): Node[] {
  return hasPm(e) ? expandPm(e) : [e];
}

/** A single top-level element: ± becomes a set; x = 1 ± √2 assigns that set. */
export function expandElement(e: Node): Node {
  if (e.k === "rel" && e.op === "=" && hasPm(e.rhs) && !hasPm(e.lhs)) return { ...e, rhs: { k: "set", elems: expandPm(e.rhs) } };
  if (hasPm(e)) {
    const alts = expandPm(e);
    return alts.length === 1 ? alts[0]! : { k: "set", elems: alts };
  }
  return e;
}

export function asSet(n: Node): Node {
  if (n.k === "tuple") return { k: "set", elems: n.elems };
  return n;
}
