/**
 * verify(gold, pred): is the predicted answer the gold answer? Deliberately not symmetric,
 * in the reference's order: assignments are unwrapped by the gold's form (x = 3 vs 3), a
 * relation in the gold becomes a set when the prediction is one, then structure, relations
 * (either direction, scaled), sets/intervals/tuples element-wise, case-insensitive symbols,
 * matrices, numbers (exact; rounded to `floatRounding` decimals when a side is a decimal),
 * and last a numeric check at sample points with a relative tolerance.
 */
import { type Node, type Rel, freeSymbols, isRelation, isSetLike, renameSymbols } from "./ast.ts";
import { type C, evalExact, evalNumeric } from "./evaluate.ts";
import { key, sameKey } from "./key.ts";
import { onlySymbols } from "./build.ts";
import * as R from "./rational.ts";
import { asMatrix, isMatrixExpr } from "./matrix.ts";
import { canonicalSet, piecesEqual, relationMatchesSet } from "./sets.ts";

export type CompareOptions = {
  /** Decimals kept when one side is written as a decimal (reference default 6). */
  floatRounding: number;
  /** False: variables are matched by position (f(x) = f(y)). */
  strict: boolean;
  /** Also turn a relation in the prediction into a set when the gold is a set. */
  allowSetRelationComp: boolean;
};

export const DEFAULT_COMPARE: CompareOptions = { floatRounding: 6, strict: true, allowSetRelationComp: false };

/** A comparison gives up (unequal) after this many recursive steps: bounded work on any input. */
const MAX_STEPS = 20_000;

export function nodesEqual(gold: Node, pred: Node, opts: CompareOptions = DEFAULT_COMPARE): boolean {
  const ctx: Ctx = { o: opts, steps: 0 };
  return eq(gold, pred, ctx, 0);
}

type Ctx = { o: CompareOptions; steps: number };

function eq(gold: Node, pred: Node, ctx: Ctx, depth: number): boolean {
  if (++ctx.steps > MAX_STEPS || depth > 40) return false;
  let g = gold;
  let p = pred;
  if (!ctx.o.strict) p = renameLike(g, p);
  const gAssign = isAssignment(g);
  const pAssign = isAssignment(p);
  if (gAssign) g = truncate(g);
  if (pAssign) p = truncate(p);
  // x = 1/2 against x = 0.5: same variable, compare the values with the full rules.
  if (gAssign && pAssign && g.k === "rel" && p.k === "rel" && sameKey(g.lhs, p.lhs) && eq(g.rhs, p.rhs, ctx, depth + 1)) return true;
  const gEqn = isEquation(g);
  const pEqn = isEquation(p);
  if (pEqn && !gEqn) p = lastRhs(p);
  else if (gAssign && !pEqn) g = lastRhs(g);

  if (isRelation(g) && isSetLike(p)) return relationMatchesSet(g, p);
  if (ctx.o.allowSetRelationComp && isRelation(p) && isSetLike(g)) return relationMatchesSet(p, g);
  // "x < -2 or x > 3" (a list of conditions) against an interval union.
  if (isConditionList(g) && isSetLike(p) && !isConditionList(p) && relationMatchesSet(g, p)) return true;
  if (ctx.o.allowSetRelationComp && isConditionList(p) && isSetLike(g) && !isConditionList(g) && relationMatchesSet(p, g)) return true;
  if (sameKey(g, p)) return true;
  if (isRelation(g) && isRelation(p)) return relationsEqual(g, p, ctx, depth);
  if (isRelation(g) || isRelation(p)) return false;
  if (isSetLike(g) || isSetLike(p)) return setsEqual(g, p, ctx, depth);
  if (g.k === "matrix" || p.k === "matrix" || isMatrixExpr(g) || isMatrixExpr(p)) return matricesEqual(g, p, ctx, depth);
  if (g.k === "sym" || p.k === "sym") {
    // Words compare by their letters; a variable against an expression falls through to values.
    const words = symbolsEqual(g, p);
    if (words !== undefined) return words;
  }
  return valuesEqual(g, p, ctx);
}

// ---------------- assignments and equations ----------------

function isConditionList(n: Node): boolean {
  return n.k === "set" && n.elems.length > 1 && n.elems.every((e) => (e.k === "rel" && e.op !== "=") || e.k === "and");
}

function isAssignment(n: Node): boolean {
  if (n.k === "rel") return n.op === "=" && onlySymbols(n.lhs);
  if (n.k === "and") return n.rels.every((r) => r.op === "=") && onlySymbols(n.rels[0]!.lhs);
  return false;
}

function isEquation(n: Node): boolean {
  if (n.k === "rel") return n.op === "=";
  if (n.k === "and") return n.rels.every((r) => r.op === "=");
  return false;
}

/** a = b = c becomes a = c. */
function truncate(n: Node): Node {
  if (n.k === "and") return { k: "rel", op: "=", lhs: n.rels[0]!.lhs, rhs: n.rels[n.rels.length - 1]!.rhs };
  return n;
}

function lastRhs(n: Node): Node {
  if (n.k === "rel") return n.rhs;
  if (n.k === "and") return n.rels[n.rels.length - 1]!.rhs;
  return n;
}

function renameLike(gold: Node, pred: Node): Node {
  const gv = freeSymbols(gold);
  const pv = freeSymbols(pred);
  if (gv.length !== pv.length || gv.length === 0) return pred;
  const map = new Map<string, string>();
  pv.forEach((v, i) => map.set(v, gv[i]!));
  return renameSymbols(pred, map);
}

// ---------------- relations ----------------

function relationsEqual(g: Node, p: Node, ctx: Ctx, depth: number): boolean {
  if (g.k === "rel" && p.k === "rel") return relationEqual(g, p, ctx, depth);
  if (g.k === "and" && p.k === "and" && g.rels.length === p.rels.length) {
    if (g.rels.every((r, i) => relationEqual(r, p.rels[i]!, ctx, depth))) return true;
    // a < x < b written as b > x > a.
    const rev = [...p.rels].reverse();
    return g.rels.every((r, i) => relationEqual(r, rev[i]!, ctx, depth));
  }
  return false;
}

/** lhs - rhs, and the sense of the relation once written as "d < 0", "d <= 0", "d = 0", "d != 0". */
function normalizeRel(r: Rel): { d: Node; kind: "<" | "<=" | "=" | "!=" } {
  const diff = (a: Node, b: Node): Node => ({ k: "add", args: [a, { k: "neg", arg: b }] });
  switch (r.op) {
    case "<":
    case "<=":
      return { d: diff(r.lhs, r.rhs), kind: r.op };
    case ">":
      return { d: diff(r.rhs, r.lhs), kind: "<" };
    case ">=":
      return { d: diff(r.rhs, r.lhs), kind: "<=" };
    default:
      return { d: diff(r.lhs, r.rhs), kind: r.op };
  }
}

const INVERSE: Record<string, string> = { "<": ">", ">": "<", "<=": ">=", ">=": "<=", "=": "=", "!=": "!=" };

function relationEqual(g: Rel, p: Rel, ctx: Ctx, depth: number): boolean {
  if (sameKey(g, p)) return true;
  const a = normalizeRel(g);
  const b = normalizeRel(p);
  if (a.kind !== b.kind) return false;
  // Same sides compared with the full rules (x = 1/3 matches x = 0.333333 by rounding); or swapped.
  if (g.op === p.op && eq(g.lhs, p.lhs, ctx, depth + 1) && eq(g.rhs, p.rhs, ctx, depth + 1)) return true;
  if (INVERSE[g.op] === p.op && eq(g.lhs, p.rhs, ctx, depth + 1) && eq(g.rhs, p.lhs, ctx, depth + 1)) return true;
  return proportional(a.d, b.d, a.kind === "=" || a.kind === "!=" ? "any" : "positive");
}

/** Whether a = c·b for one constant c (nonzero; positive for inequalities), checked numerically. */
function proportional(a: Node, b: Node, sign: "any" | "positive"): boolean {
  if (sameKey(a, b)) return true;
  const vars = [...new Set([...freeSymbols(a), ...freeSymbols(b)])];
  const ratios: C[] = [];
  for (const env of samplePoints(vars, 10)) {
    const va = evalNumeric(a, env);
    const vb = evalNumeric(b, env);
    if (!finite(va) || !finite(vb)) continue;
    const za = mag(va) < 1e-10;
    const zb = mag(vb) < 1e-10;
    if (za && zb) continue;
    if (za !== zb) return false;
    ratios.push(cdiv(va, vb));
    if (vars.length === 0) break;
  }
  if (ratios.length === 0) return vars.length === 0;
  if (vars.length > 0 && ratios.length < 3) return false;
  const r0 = ratios[0]!;
  if (Math.abs(r0.im) > 1e-9 * mag(r0)) return false;
  if (sign === "positive" && r0.re <= 0) return false;
  return ratios.every((r) => close(r, r0));
}

// ---------------- sets, intervals, tuples ----------------

type Finite = { elems: Node[]; ordered: boolean };

/** Sets, tuples and (a, b) pairs as element lists; `ordered` unless a finite set. */
function asFinite(n: Node): Finite | undefined {
  if (n.k === "set") return { elems: dedupe(n.elems), ordered: false };
  if (n.k === "tuple") return { elems: n.elems, ordered: true };
  if (n.k === "interval" && n.pair) return { elems: [n.lo, n.hi], ordered: true };
  return undefined;
}

/** {1, 3} ∪ {2, 4} is {1, 2, 3, 4}. */
function flattenUnion(n: Node): Node {
  if (n.k === "union" && n.args.every((a) => a.k === "set")) return { k: "set", elems: n.args.flatMap((a) => (a as Extract<Node, { k: "set" }>).elems) };
  return n;
}

function setsEqual(gold: Node, pred: Node, ctx: Ctx, depth: number): boolean {
  const g = isSetLike(gold) ? flattenUnion(gold) : ({ k: "set", elems: [gold] } as Node);
  const p = isSetLike(pred) ? flattenUnion(pred) : ({ k: "set", elems: [pred] } as Node);
  if (g.k === "interval" && p.k === "interval") {
    if (g.lopen === p.lopen && g.ropen === p.ropen && eq(g.lo, p.lo, ctx, depth + 1) && eq(g.hi, p.hi, ctx, depth + 1)) return true;
    if (!(g.pair && p.pair)) return false;
  }
  const gf = asFinite(g);
  const pf = asFinite(p);
  if (gf && pf && !(g.k === "interval" && p.k === "interval")) {
    if (gf.elems.length !== pf.elems.length) return false;
    // The gold decides: a set matches in any order, a tuple or pair in the written order.
    if (!gf.ordered) return matchUnordered(gf.elems, pf.elems, ctx, depth);
    return gf.elems.every((e, i) => eq(e, pf.elems[i]!, ctx, depth + 1));
  }
  if ((g.k === "tuple" && p.k !== "tuple") || (p.k === "tuple" && g.k !== "tuple")) return false;
  const cg = canonicalSet(g);
  const cp = canonicalSet(p);
  if (cg && cp) return piecesEqual(cg, cp);
  // Symbolic unions: match their parts in any order.
  if (g.k === "union" && p.k === "union" && g.args.length === p.args.length) return matchUnordered(g.args, p.args, ctx, depth);
  return false;
}

/** A set lists each element once: {1, 1, 2} is {1, 2}. */
function dedupe(elems: Node[]): Node[] {
  const seen = new Set<string>();
  return elems.filter((e) => {
    const k = key(e);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** A perfect matching between two equal-size lists (backtracking with a step budget). */
function matchUnordered(a0: Node[], b0: Node[], ctx: Ctx, depth: number): boolean {
  if (a0.length !== b0.length) return false;
  // Identical elements pair off first; only the rest needs the pairwise search.
  const pool = new Map<string, number[]>();
  b0.forEach((x, j) => {
    const k = key(x);
    const list = pool.get(k);
    if (list) list.push(j);
    else pool.set(k, [j]);
  });
  const taken = new Set<number>();
  const a: Node[] = [];
  for (const x of a0) {
    const j = pool.get(key(x))?.pop();
    if (j === undefined) a.push(x);
    else taken.add(j);
  }
  const b = b0.filter((_, j) => !taken.has(j));
  const memo = new Map<number, boolean>();
  const same = (i: number, j: number) => {
    const k = i * b.length + j;
    let v = memo.get(k);
    if (v === undefined) {
      v = !surelyDifferent(a[i]!, b[j]!) && eq(a[i]!, b[j]!, ctx, depth + 1);
      memo.set(k, v);
    }
    return v;
  };
  // Maximum bipartite matching by augmenting paths: at most |a|·|b| comparisons, never exponential.
  const owner = new Array<number>(b.length).fill(-1);
  const augment = (i: number, seen: boolean[]): boolean => {
    for (let j = 0; j < b.length; j++) {
      if (seen[j] || ctx.steps > MAX_STEPS || !same(i, j)) continue;
      seen[j] = true;
      if (owner[j]! < 0 || augment(owner[j]!, seen)) {
        owner[j] = i;
        return true;
      }
    }
    return false;
  };
  for (let i = 0; i < a.length; i++) if (!augment(i, new Array<boolean>(b.length).fill(false))) return false;
  return true;
}

/** Plain expressions (no decimals, percents, relations, sets): equal only if equal in value. */
function plainScalar(n: Node): boolean {
  switch (n.k) {
    case "num":
      return !n.float;
    case "sym":
    case "const":
      return true;
    case "add":
    case "mul":
    case "fn":
      return n.args.every(plainScalar);
    case "div":
      return plainScalar(n.num) && plainScalar(n.den);
    case "neg":
      return plainScalar(n.arg);
    case "pow":
      return plainScalar(n.base) && plainScalar(n.exp);
    default:
      return false;
  }
}

const signatures = new WeakMap<Node, C[] | null>();

/** Values of a plain expression at three fixed points (per variable name), for quick rejection. */
function signature(n: Node): C[] | undefined {
  const hit = signatures.get(n);
  if (hit !== undefined) return hit ?? undefined;
  let sig: C[] | undefined;
  if (plainScalar(n)) sig = samplePoints(freeSymbols(n), 3).map((env) => evalNumeric(n, env));
  signatures.set(n, sig ?? null);
  return sig;
}

/** Two plain expressions with clearly different values somewhere: no need for the full rules. */
function surelyDifferent(a: Node, b: Node): boolean {
  const sa = signature(a);
  const sb = signature(b);
  if (!sa || !sb) return false;
  for (let k = 0; k < sa.length; k++) {
    const x = sa[k]!;
    const y = sb[k]!;
    if (!finite(x) || !finite(y) || isReal(x) !== isReal(y)) continue;
    if (Math.hypot(x.re - y.re, x.im - y.im) > 1e-6 * Math.max(1, mag(x), mag(y))) return true;
  }
  return false;
}

// ---------------- matrices ----------------

function matricesEqual(g: Node, p: Node, ctx: Ctx, depth: number): boolean {
  const a = asMatrix(g);
  const b = asMatrix(p);
  if (!a || !b || a.length !== b.length || a[0]!.length !== b[0]!.length) return false;
  return a.every((row, i) => row.every((x, j) => eq(x, b[i]![j]!, ctx, depth + 1)));
}

// ---------------- symbols ----------------

/**
 * \text{even} vs "even" (read as e·v·e·n), E vs e: words compare by their letters. Undefined
 * when one side is not a word at all (x against \sqrt{x^2} is a question of values).
 */
function symbolsEqual(g: Node, p: Node): boolean | undefined {
  const word = (n: Node): string | undefined => {
    if (n.k === "sym") return n.name;
    if (n.k === "const" && (n.name === "e" || n.name === "i")) return n.name;
    if (n.k === "mul") {
      const parts = n.args.map(word);
      return parts.every((w) => w !== undefined) ? parts.join("") : undefined;
    }
    return undefined;
  };
  const a = word(g);
  const b = word(p);
  if (a === undefined || b === undefined) return undefined;
  // A product of letters only matches a single word, not another product (ab vs ba is algebra).
  if (g.k !== "sym" && p.k !== "sym") return undefined;
  return a === b;
}

// ---------------- numbers and expressions ----------------

function isFloatAtom(n: Node): boolean {
  if (n.k === "num") return n.float;
  if (n.k === "neg" || n.k === "pct") return isFloatAtom(n.arg);
  return false;
}

function valuesEqual(g: Node, p: Node, ctx: Ctx): boolean {
  // A percent gold accepts its number written with or without the sign: 28% vs 28 or 0.28.
  if (g.k === "pct" && p.k !== "pct") return scalarEqual(g, p, ctx) || scalarEqual(g.arg, p, ctx);
  // A typeset "10\%" also stands for the number 10 (MATH writes both); a plain "4 4/9%" is 4/90.
  if (p.k === "pct" && g.k !== "pct") return scalarEqual(g, p, ctx) || (p.latex && scalarEqual(g, p.arg, ctx));
  return scalarEqual(g, p, ctx);
}

function scalarEqual(g: Node, p: Node, ctx: Ctx): boolean {
  if (sameKey(g, p)) return true;
  if (isFloatAtom(g) || isFloatAtom(p)) {
    const a = realOf(g);
    const b = realOf(p);
    if (!a || !b) return false;
    return rounded(a, ctx.o.floatRounding) === rounded(b, ctx.o.floatRounding);
  }
  const qa = evalExact(g);
  const qb = evalExact(p);
  if (qa && qb) return R.eq(qa, qb);
  return numericallyEqual(g, p);
}

type Real = { q?: R.Q; v: number };

function realOf(n: Node): Real | undefined {
  const q = evalExact(n);
  if (q) return { q, v: R.toNumber(q) };
  if (freeSymbols(n).length > 0) return undefined;
  const c = evalNumeric(n, new Map());
  if (!Number.isFinite(c.re) || Math.abs(c.im) > 1e-12 * Math.max(1, Math.abs(c.re))) return undefined;
  return { v: c.re };
}

/** Value rounded half away from zero to `k` decimals, as a string key. */
function rounded(x: Real, k: number): string {
  if (x.q) return R.roundScaled(x.q, k).toString();
  const scaled = x.v * 10 ** k;
  if (Math.abs(scaled) < 2 ** 52) return String(Math.sign(scaled) * Math.round(Math.abs(scaled)));
  return x.v.toPrecision(15);
}

function numericallyEqual(g: Node, p: Node): boolean {
  const vars = [...new Set([...freeSymbols(g), ...freeSymbols(p)])];
  if (vars.length === 0) {
    const a = evalNumeric(g, new Map());
    const b = evalNumeric(p, new Map());
    if (isInf(a) || isInf(b)) return isInf(a) && isInf(b) && Math.sign(a.re) === Math.sign(b.re) && a.im === b.im;
    return finite(a) && finite(b) && close(a, b);
  }
  let agree = 0;
  for (const env of samplePoints(vars, 12)) {
    const a = evalNumeric(g, env);
    const b = evalNumeric(p, env);
    if (!finite(a) || !finite(b)) continue;
    // One side real and the other complex at a point: a branch choice (cube roots), not a difference.
    if (isReal(a) !== isReal(b)) continue;
    if (!close(a, b)) return false;
    agree++;
  }
  return agree >= 3;
}

// ---------------- numeric helpers ----------------

const mag = (c: C) => Math.hypot(c.re, c.im);
const finite = (c: C) => Number.isFinite(c.re) && Number.isFinite(c.im);
const isInf = (c: C) => !Number.isNaN(c.re) && !Number.isFinite(c.re);
const isReal = (c: C) => Math.abs(c.im) <= 1e-10 * Math.max(1, Math.abs(c.re));

function close(a: C, b: C): boolean {
  const d = Math.hypot(a.re - b.re, a.im - b.im);
  const m = Math.max(mag(a), mag(b));
  return d <= 1e-9 * m || (m < 1e-13 && d < 1e-13);
}

function cdiv(a: C, b: C): C {
  const d = b.re * b.re + b.im * b.im;
  return { re: (a.re * b.re + a.im * b.im) / d, im: (a.im * b.re - a.re * b.im) / d };
}

/** A fixed pseudo-random value in [0, 1) per variable name and point index. */
function hashUnit(name: string, i: number): number {
  let h = 2166136261 ^ Math.imul(i + 1, 0x9e3779b1);
  for (let k = 0; k < name.length; k++) h = Math.imul(h ^ name.charCodeAt(k), 16777619);
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
  h ^= h >>> 12;
  return (h >>> 0) / 4294967296;
}

/**
 * Deterministic sample points: each variable's value depends on its name and the point index
 * only, so every comparison (and every signature) sees x at the same values; mixed signs,
 * magnitudes 0.35 to 2.65.
 */
function samplePoints(vars: string[], count: number): Map<string, C>[] {
  const out: Map<string, C>[] = [];
  for (let i = 0; i < (vars.length === 0 ? 1 : count); i++) {
    const env = new Map<string, C>();
    for (const v of vars) env.set(v, { re: (i % 3 === 2 ? -1 : 1) * (0.35 + 2.3 * hashUnit(v, i)), im: 0 });
    out.push(env);
  }
  return out;
}
