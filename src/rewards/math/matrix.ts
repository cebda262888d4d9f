/**
 * Matrix expressions as entries: sums, products, scalar multiples, transposes of
 * pmatrix/bmatrix/array literals, so a written-out product compares with its result.
 */
import type { Node } from "./ast.ts";

export function isMatrixExpr(n: Node): boolean {
  if (n.k === "matrix") return true;
  if (n.k === "add" || n.k === "mul") return n.args.some(isMatrixExpr);
  if (n.k === "neg") return isMatrixExpr(n.arg);
  if (n.k === "div") return isMatrixExpr(n.num);
  if (n.k === "fn") return n.name === "transpose";
  return false;
}

export type Matrix = Node[][];

/** The entries of a matrix expression (sums, products, scalar multiples, transposes). */
export function asMatrix(n: Node, depth = 0): Matrix | undefined {
  if (depth > 20) return undefined;
  switch (n.k) {
    case "matrix":
      return n.rows;
    case "neg": {
      const m = asMatrix(n.arg, depth + 1);
      return m && m.map((r) => r.map((x): Node => ({ k: "neg", arg: x })));
    }
    case "fn": {
      if (n.name !== "transpose") return undefined;
      const m = asMatrix(n.args[0]!, depth + 1);
      return m && m[0]!.map((_, j) => m.map((r) => r[j]!));
    }
    case "div": {
      const m = asMatrix(n.num, depth + 1);
      return m && !isMatrixExpr(n.den) ? m.map((r) => r.map((x): Node => ({ k: "div", num: x, den: n.den }))) : undefined;
    }
    case "add": {
      let acc: Matrix | undefined;
      for (const a of n.args) {
        const m = asMatrix(a, depth + 1);
        if (!m) return undefined;
        if (!acc) acc = m;
        else {
          if (acc.length !== m.length || acc[0]!.length !== m[0]!.length) return undefined;
          const prev = acc;
          acc = prev.map((r, i) => r.map((x, j): Node => ({ k: "add", args: [x, m[i]![j]!] })));
        }
      }
      return acc;
    }
    case "mul": {
      let acc: Matrix | undefined;
      let scalars: Node[] = [];
      for (const a of n.args) {
        if (!isMatrixExpr(a)) {
          scalars.push(a);
          continue;
        }
        const m = asMatrix(a, depth + 1);
        if (!m) return undefined;
        if (!acc) acc = m;
        else {
          const left = acc;
          if (left[0]!.length !== m.length) return undefined;
          acc = left.map((row) => m[0]!.map((_, j): Node => ({ k: "add", args: row.map((x, k) => ({ k: "mul", args: [x, m[k]![j]!] }) as Node) })));
        }
      }
      if (!acc) return undefined;
      if (scalars.length > 0) {
        const s = scalars;
        acc = acc.map((r) => r.map((x): Node => ({ k: "mul", args: [...s, x] })));
        scalars = [];
      }
      return acc;
    }
    default:
      return undefined;
  }
}
