/**
 * Sets of real numbers as sorted disjoint pieces (intervals and points), so unions written
 * in any order or split differently compare equal; and the test of a one-variable relation
 * against a set (x > 5 against (5, ∞)) by checking membership at the set's endpoints, just
 * beside them, between them and far out.
 */
import { type Node, children, freeSymbols, mapChildren } from "./ast.ts";
import { evalExact, evalNumeric } from "./evaluate.ts";
import { key } from "./key.ts";
import * as R from "./rational.ts";

export type Piece = { lo: number; hi: number; lopen: boolean; ropen: boolean; loQ?: R.Q; hiQ?: R.Q };

const EMPTY_ENV = new Map();

function realValue(n: Node): { v: number; q?: R.Q } | undefined {
  const q = evalExact(n);
  if (q) return { v: R.toNumber(q), q };
  const c = evalNumeric(n, EMPTY_ENV);
  if (!Number.isFinite(c.re) && !(Math.abs(c.re) === Infinity && c.im === 0)) return undefined;
  if (Math.abs(c.im) > 1e-12 * Math.max(1, Math.abs(c.re))) return undefined;
  return { v: c.re };
}

/** Sorted disjoint pieces of a numeric set, or undefined when it is not one. */
export function canonicalSet(n: Node): Piece[] | undefined {
  const raw = pieces(n, 0);
  return raw && merge(raw);
}

function pieces(n: Node, depth: number): Piece[] | undefined {
  if (depth > 20) return undefined;
  switch (n.k) {
    case "set": {
      const out: Piece[] = [];
      for (const e of n.elems) {
        const r = realValue(e);
        if (!r || !Number.isFinite(r.v)) return undefined;
        out.push({ lo: r.v, hi: r.v, lopen: false, ropen: false, loQ: r.q, hiQ: r.q });
      }
      return out;
    }
    case "interval": {
      const lo = realValue(n.lo);
      const hi = realValue(n.hi);
      if (!lo || !hi || lo.v > hi.v) return undefined;
      if (lo.v === hi.v && (n.lopen || n.ropen)) return [];
      return [{ lo: lo.v, hi: hi.v, lopen: n.lopen || lo.v === -Infinity, ropen: n.ropen || hi.v === Infinity, loQ: lo.q, hiQ: hi.q }];
    }
    case "union": {
      const out: Piece[] = [];
      for (const a of n.args) {
        const p = pieces(a, depth + 1);
        if (!p) return undefined;
        out.push(...p);
      }
      return out;
    }
    case "inter": {
      let acc = pieces(n.args[0]!, depth + 1);
      for (const a of n.args.slice(1)) {
        const p = pieces(a, depth + 1);
        if (!acc || !p) return undefined;
        acc = intersect(merge(acc), merge(p));
      }
      return acc;
    }
    case "minus": {
      const a = pieces(n.a, depth + 1);
      const b = pieces(n.b, depth + 1);
      if (!a || !b) return undefined;
      return subtract(merge(a), merge(b));
    }
    case "sset":
      if (n.name === "reals") return [{ lo: -Infinity, hi: Infinity, lopen: true, ropen: true }];
      if (n.name === "empty") return [];
      return undefined;
    default:
      return undefined;
  }
}

function merge(ps: Piece[]): Piece[] {
  const s = ps.filter((p) => p.lo < p.hi || (p.lo === p.hi && !p.lopen && !p.ropen)).sort((a, b) => a.lo - b.lo || Number(a.lopen) - Number(b.lopen));
  const out: Piece[] = [];
  for (const p of s) {
    const last = out[out.length - 1];
    if (last && (p.lo < last.hi || (p.lo === last.hi && (!p.lopen || !last.ropen)))) {
      if (p.hi > last.hi || (p.hi === last.hi && !p.ropen)) {
        last.hi = p.hi;
        last.ropen = p.ropen;
        last.hiQ = p.hiQ;
      }
    } else out.push({ ...p });
  }
  return out;
}

function intersect(a: Piece[], b: Piece[]): Piece[] {
  const out: Piece[] = [];
  for (const x of a)
    for (const y of b) {
      const lo = Math.max(x.lo, y.lo);
      const hi = Math.min(x.hi, y.hi);
      const lopen = x.lo === lo && y.lo === lo ? x.lopen || y.lopen : x.lo === lo ? x.lopen : y.lopen;
      const ropen = x.hi === hi && y.hi === hi ? x.ropen || y.ropen : x.hi === hi ? x.ropen : y.ropen;
      if (lo < hi || (lo === hi && !lopen && !ropen)) out.push({ lo, hi, lopen, ropen, loQ: x.lo === lo ? x.loQ : y.loQ, hiQ: x.hi === hi ? x.hiQ : y.hiQ });
    }
  return merge(out);
}

function subtract(a: Piece[], b: Piece[]): Piece[] {
  // a \ b = a ∩ complement(b).
  const comp: Piece[] = [];
  let lo = -Infinity;
  let lopen = true;
  let loQ: R.Q | undefined;
  for (const p of b) {
    comp.push({ lo, hi: p.lo, lopen, ropen: !p.lopen, loQ, hiQ: p.loQ });
    lo = p.hi;
    lopen = !p.ropen;
    loQ = p.hiQ;
  }
  comp.push({ lo, hi: Infinity, lopen, ropen: true, loQ });
  return intersect(a, merge(comp));
}

function endpointEqual(x: number, y: number, qx?: R.Q, qy?: R.Q): boolean {
  if (qx && qy) return R.eq(qx, qy);
  if (x === y) return true;
  if (!Number.isFinite(x) || !Number.isFinite(y)) return false;
  return Math.abs(x - y) <= 1e-9 * Math.max(Math.abs(x), Math.abs(y));
}

export function piecesEqual(a: Piece[], b: Piece[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((p, i) => {
    const q = b[i]!;
    return p.lopen === q.lopen && p.ropen === q.ropen && endpointEqual(p.lo, q.lo, p.loQ, q.loQ) && endpointEqual(p.hi, q.hi, p.hiQ, q.hiQ);
  });
}

// ---------------- relation against set ----------------

/** Replaces calls of user functions (f(x)) by one variable, as the reference does for as_set. */
function unknowns(n: Node): { names: string[]; calls: Map<string, Node> } {
  const calls = new Map<string, Node>();
  const walk = (x: Node) => {
    if (x.k === "fn" && x.name.startsWith("f:")) {
      calls.set(key(x), x);
      return;
    }
    for (const c of children(x)) walk(c);
  };
  walk(n);
  return { names: freeSymbols(n), calls };
}

function substituteCall(n: Node, callKey: string, name: string): Node {
  if (n.k === "fn" && key(n) === callKey) return { k: "sym", name };
  return mapChildren(n, (c) => substituteCall(c, callKey, name));
}

type Rel = Extract<Node, { k: "rel" }>;

function holds(rels: Rel[], variable: string, x: number): boolean | undefined {
  const env = new Map([[variable, { re: x, im: 0 }]]);
  for (const r of rels) {
    const l = evalNumeric(r.lhs, env);
    const h = evalNumeric(r.rhs, env);
    if (!Number.isFinite(l.re) || !Number.isFinite(h.re) || Math.abs(l.im) > 1e-9 || Math.abs(h.im) > 1e-9) return false;
    const d = l.re - h.re;
    const zero = Math.abs(d) <= 1e-9 * Math.max(1, Math.abs(l.re), Math.abs(h.re));
    let ok: boolean;
    switch (r.op) {
      case "=":
        ok = zero;
        break;
      case "!=":
        ok = !zero;
        break;
      case "<":
        ok = d < 0 && !zero;
        break;
      case "<=":
        ok = d < 0 || zero;
        break;
      case ">":
        ok = d > 0 && !zero;
        break;
      case ">=":
        ok = d > 0 || zero;
        break;
    }
    if (!ok) return false;
  }
  return true;
}

function member(ps: Piece[], x: number): boolean {
  for (const p of ps) {
    const tol = 1e-12 * Math.max(1, Math.abs(x));
    const atLo = Number.isFinite(p.lo) && Math.abs(x - p.lo) <= tol;
    const atHi = Number.isFinite(p.hi) && Math.abs(x - p.hi) <= tol;
    if (atLo || atHi) {
      if ((atLo && !p.lopen) || (atHi && !p.ropen)) return true;
      continue;
    }
    if (x > p.lo && x < p.hi) return true;
  }
  return false;
}

/** The relations of a condition: a relation, a chain (all hold), or a list of those (one holds). */
function disjuncts(n: Node): Rel[][] | undefined {
  if (n.k === "rel") return [[n]];
  if (n.k === "and") return [n.rels];
  if (n.k === "set" && n.elems.length > 0) {
    const parts = n.elems.map(disjuncts);
    return parts.every((p) => p !== undefined && p.length === 1) ? parts.map((p) => p![0]!) : undefined;
  }
  return undefined;
}

/**
 * Whether the one-variable condition `rel` (a relation, a chain a < x < b, or a list read as
 * "or": x < -2, x > 3) has exactly the solution set `set`.
 */
export function relationMatchesSet(rel: Node, set: Node): boolean {
  const ps = canonicalSet(set);
  if (!ps) return false;
  let groups = disjuncts(rel);
  if (!groups) return false;
  const { names, calls } = unknowns(rel);
  let variable: string;
  if (names.length === 1 && calls.size === 0) variable = names[0]!;
  else if (calls.size === 1 && names.every((nm) => [...calls.values()].some((c) => freeSymbols(c).includes(nm)))) {
    // 0 < f(x) < 1: the call is the variable (as the reference does with f_x).
    variable = "__v";
    const [callKey] = [...calls.keys()];
    groups = groups.map((g) => g.map((r) => substituteCall(r, callKey!, variable) as Rel));
  } else return false;
  const holdsAny = (x: number) => groups!.some((g) => holds(g, variable, x));
  const ends: number[] = [];
  for (const p of ps) for (const e of [p.lo, p.hi]) if (Number.isFinite(e)) ends.push(e);
  const sortedEnds = [...new Set(ends)].sort((a, b) => a - b);
  const lo = sortedEnds[0] ?? 0;
  const hi = sortedEnds[sortedEnds.length - 1] ?? 0;
  const points: number[] = [lo - 1, hi + 1, lo - 10.37, hi + 10.37, -1e6, 1e6, 0.5317, -0.7123];
  for (const e of sortedEnds) {
    const d = 1e-6 * Math.max(1, Math.abs(e));
    points.push(e, e - d, e + d);
  }
  for (let i = 0; i + 1 < sortedEnds.length; i++) points.push((sortedEnds[i]! + sortedEnds[i + 1]!) / 2);
  let seed = 12345;
  for (let i = 0; i < 24; i++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    points.push(lo - 12 + ((hi - lo + 24) * seed) / 2147483648);
  }
  for (const x of points) if (holdsAny(x) !== member(ps, x)) return false;
  return true;
}
