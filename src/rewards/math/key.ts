/**
 * A canonical string per tree: the cheap structural test. Sums, products and finite sets
 * sort their parts, so a + b matches b + a and {1, 2} matches {2, 1}; tuples, intervals and
 * relations keep their order.
 */
import type { Node } from "./ast.ts";

const cache = new WeakMap<Node, string>();

export function key(n: Node): string {
  const hit = cache.get(n);
  if (hit !== undefined) return hit;
  const k = compute(n);
  cache.set(n, k);
  return k;
}

export const sameKey = (a: Node, b: Node) => key(a) === key(b);

function sorted(ns: Node[]): string {
  return ns.map(key).sort().join(",");
}

function compute(n: Node): string {
  switch (n.k) {
    case "num":
      return `${n.float ? "f" : "n"}${n.v.n}/${n.v.d}`;
    case "based":
      return `b${n.digits}_${n.base}`;
    case "sym":
      return `s:${n.name}`;
    case "const":
      return `c:${n.name}`;
    case "add":
      return `+(${sorted(n.args)})`;
    case "mul":
      return `*(${sorted(n.args)})`;
    case "div":
      return `/(${key(n.num)},${key(n.den)})`;
    case "neg":
      return `-(${key(n.arg)})`;
    case "pow":
      return `^(${key(n.base)},${key(n.exp)})`;
    case "fn":
      return `${n.name}(${n.args.map(key).join(",")})`;
    case "pct":
      return `%(${key(n.arg)})`;
    case "pm":
      return `±(${n.a ? key(n.a) : ""},${key(n.b)})`;
    case "rel":
      return `${n.op}(${key(n.lhs)},${key(n.rhs)})`;
    case "and":
      return `&(${n.rels.map(key).join(",")})`;
    case "set":
      return `{${sorted(n.elems)}}`;
    case "tuple":
      return `T(${n.elems.map(key).join(",")})`;
    case "interval":
      return `${n.lopen ? "(" : "["}${key(n.lo)},${key(n.hi)}${n.ropen ? ")" : "]"}`;
    case "union":
      return `U(${sorted(n.args)})`;
    case "inter":
      return `I(${sorted(n.args)})`;
    case "minus":
      return `\\(${key(n.a)},${key(n.b)})`;
    case "sset":
      return `S:${n.name}`;
    case "matrix":
      return `M[${n.rows.map((r) => r.map(key).join("&")).join(";")}]`;
    case "bigop":
      return `${n.op}_${n.index}(${key(n.lo)},${key(n.hi)},${key(n.body)})`;
  }
}
