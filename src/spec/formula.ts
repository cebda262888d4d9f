/**
 * The OpenAI grader `calculate_output` grammar, compiled once to a closure:
 *   expr   := term (("+" | "-") term)*
 *   term   := unary (("*" | "/") unary)*
 *   unary  := ("-" | "+") unary | power
 *   power  := atom ("^" unary)?          -- right-associative, binds tighter than unary minus on its left
 *   atom   := number | name | func "(" expr ("," expr)* ")" | "(" expr ")"
 * Functions: min max abs floor ceil exp sqrt log (natural log).
 */

export class FormulaError extends Error {
  constructor(
    message: string,
    readonly column: number,
  ) {
    super(`${message} at column ${column}`);
  }
}

type Token =
  | { kind: "num"; value: number; col: number }
  | { kind: "name"; value: string; col: number }
  | { kind: "op"; value: string; col: number }
  | { kind: "end"; col: number };

const FUNCTIONS: Record<string, { arity: [number, number]; fn: (...a: number[]) => number }> = {
  min: { arity: [1, Infinity], fn: Math.min },
  max: { arity: [1, Infinity], fn: Math.max },
  abs: { arity: [1, 1], fn: Math.abs },
  floor: { arity: [1, 1], fn: Math.floor },
  ceil: { arity: [1, 1], fn: Math.ceil },
  exp: { arity: [1, 1], fn: Math.exp },
  sqrt: { arity: [1, 1], fn: Math.sqrt },
  log: { arity: [1, 1], fn: Math.log },
};

export const FORMULA_FUNCTIONS = Object.keys(FUNCTIONS);

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const ch = src[i]!;
    if (ch === " " || ch === "\t" || ch === "\n" || ch === "\r") {
      i++;
      continue;
    }
    const col = i + 1;
    const num = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(src.slice(i, i + 64));
    if (num) {
      out.push({ kind: "num", value: Number(num[0]), col });
      i += num[0].length;
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i, i + 256));
    if (name) {
      out.push({ kind: "name", value: name[0], col });
      i += name[0].length;
      continue;
    }
    if ("+-*/^(),".includes(ch)) {
      out.push({ kind: "op", value: ch, col });
      i++;
      continue;
    }
    throw new FormulaError(`unexpected character "${ch}"`, col);
  }
  out.push({ kind: "end", col: src.length + 1 });
  return out;
}

type Node = (vars: Readonly<Record<string, number>>) => number;

export type CompiledFormula = {
  readonly source: string;
  /** Variable names the formula reads, in order of first use. */
  readonly variables: readonly string[];
  evaluate(vars: Readonly<Record<string, number>>): number;
};

export function compileFormula(source: string, known?: ReadonlySet<string>): CompiledFormula {
  if (source.length > 10_000) throw new FormulaError("formula is longer than 10000 characters", 1);
  const tokens = tokenize(source);
  let pos = 0;
  let depth = 0;
  const variables: string[] = [];
  const peek = () => tokens[pos]!;
  const isOp = (v: string) => {
    const t = peek();
    return t.kind === "op" && t.value === v;
  };
  const expectOp = (v: string) => {
    const t = peek();
    if (t.kind !== "op" || t.value !== v) throw new FormulaError(`expected "${v}" but found ${show(t)}`, t.col);
    pos++;
  };
  const show = (t: Token) => (t.kind === "end" ? "end of formula" : `"${t.value}"`);

  const guard = <T>(f: () => T): T => {
    if (++depth > 200) throw new FormulaError("formula is nested too deeply", peek().col);
    try {
      return f();
    } finally {
      depth--;
    }
  };

  const expr = (): Node =>
    guard(() => {
      let left = term();
      while (isOp("+") || isOp("-")) {
        const op = (peek() as { value: string }).value;
        pos++;
        const l = left;
        const r = term();
        left = op === "+" ? (v) => l(v) + r(v) : (v) => l(v) - r(v);
      }
      return left;
    });

  const term = (): Node => {
    let left = unary();
    while (isOp("*") || isOp("/")) {
      const op = (peek() as { value: string }).value;
      pos++;
      const l = left;
      const r = unary();
      left = op === "*" ? (v) => l(v) * r(v) : (v) => l(v) / r(v);
    }
    return left;
  };

  const unary = (): Node =>
    guard(() => {
      if (isOp("-")) {
        pos++;
        const inner = unary();
        return (v) => -inner(v);
      }
      if (isOp("+")) {
        pos++;
        return unary();
      }
      return power();
    });

  const power = (): Node => {
    const base = atom();
    if (isOp("^")) {
      pos++;
      const exponent = unary();
      return (v) => Math.pow(base(v), exponent(v));
    }
    return base;
  };

  const atom = (): Node => {
    const t = peek();
    if (t.kind === "num") {
      pos++;
      const value = t.value;
      return () => value;
    }
    if (t.kind === "op" && t.value === "(") {
      pos++;
      const inner = expr();
      expectOp(")");
      return inner;
    }
    if (t.kind === "name") {
      pos++;
      if (isOp("(")) {
        const f = FUNCTIONS[t.value];
        if (!f) throw new FormulaError(`unknown function "${t.value}" (known: ${FORMULA_FUNCTIONS.join(", ")})`, t.col);
        pos++;
        const args: Node[] = [expr()];
        while (isOp(",")) {
          pos++;
          args.push(expr());
        }
        expectOp(")");
        if (args.length < f.arity[0] || args.length > f.arity[1]) {
          throw new FormulaError(`${t.value}() takes ${f.arity[1] === 1 ? "1 argument" : "1 or more arguments"}, got ${args.length}`, t.col);
        }
        const fn = f.fn;
        if (args.length === 1) {
          const a = args[0]!;
          return (v) => fn(a(v));
        }
        return (v) => fn(...args.map((a) => a(v)));
      }
      if (FUNCTIONS[t.value]) throw new FormulaError(`function "${t.value}" needs parentheses`, t.col);
      if (known && !known.has(t.value)) {
        throw new FormulaError(`unknown variable "${t.value}" (known: ${[...known].join(", ") || "none"})`, t.col);
      }
      const name = t.value;
      if (!variables.includes(name)) variables.push(name);
      return (v) => {
        const x = v[name];
        return x === undefined ? NaN : x;
      };
    }
    throw new FormulaError(`expected a number, a name or "(" but found ${show(t)}`, t.col);
  };

  const root = expr();
  const last = peek();
  if (last.kind !== "end") throw new FormulaError(`unexpected ${show(last)}`, last.col);
  return { source, variables, evaluate: root };
}
