/**
 * Two evaluators over the tree: an exact one (BigInt rationals: integers, fractions, integer
 * powers, exact roots, factorials, binomials, sums with numeric bounds) and a numeric one in
 * complex doubles for everything else (radicals, π, e, i, trig, logs, variables at sample
 * points). A result the exact evaluator cannot give is `undefined`, never a rounded guess.
 */
import type { Node } from "./ast.ts";
import * as R from "./rational.ts";

export type C = { re: number; im: number };
export type Env = ReadonlyMap<string, C>;

const NAN: C = { re: NaN, im: NaN };
const cr = (re: number): C => ({ re, im: 0 });

// ---------------- exact ----------------

const exactCache = new WeakMap<Node, R.Q | null>();

/** The exact rational value of `n`, or undefined. `bound` gives values of \sum indices. */
export function evalExact(n: Node, bound?: ReadonlyMap<string, R.Q>): R.Q | undefined {
  if (!bound) {
    const hit = exactCache.get(n);
    if (hit !== undefined) return hit ?? undefined;
    const v = exact(n, undefined, 0);
    exactCache.set(n, v ?? null);
    return v;
  }
  return exact(n, bound, 0);
}

function exact(n: Node, bound: ReadonlyMap<string, R.Q> | undefined, depth: number): R.Q | undefined {
  if (depth > 200) return undefined;
  const ev = (x: Node) => exact(x, bound, depth + 1);
  switch (n.k) {
    case "num":
      return n.v;
    case "based":
      return n.v;
    case "sym":
      return bound?.get(n.name);
    case "pct": {
      const v = ev(n.arg);
      return v && R.div(v, R.qInt(100));
    }
    case "neg": {
      const v = ev(n.arg);
      return v && R.neg(v);
    }
    case "add": {
      let acc: R.Q | undefined = R.qZero;
      for (const a of n.args) {
        const v = ev(a);
        if (!v || !acc) return undefined;
        acc = R.add(acc, v);
      }
      return acc;
    }
    case "mul": {
      let acc: R.Q | undefined = R.qOne;
      for (const a of n.args) {
        const v = ev(a);
        if (!v || !acc) return undefined;
        acc = R.mul(acc, v);
      }
      return acc;
    }
    case "div": {
      const a = ev(n.num);
      const b = ev(n.den);
      return a && b ? R.div(a, b) : undefined;
    }
    case "pow": {
      const b = ev(n.base);
      const e = ev(n.exp);
      if (!b || !e) return undefined;
      if (R.isInt(e)) return R.pow(b, e.n);
      // b^(p/q) is exact only when b is a perfect q-th power.
      if (e.d > 64n) return undefined;
      const r = R.root(b, e.d);
      return r && R.pow(r, e.n);
    }
    case "fn":
      return exactFn(n.name, n.args, ev);
    case "bigop": {
      const lo = ev(n.lo);
      const hi = ev(n.hi);
      if (!lo || !hi || !R.isInt(lo) || !R.isInt(hi) || hi.n - lo.n > 2000n) return undefined;
      let acc: R.Q | undefined = n.op === "sum" ? R.qZero : R.qOne;
      for (let k = lo.n; k <= hi.n; k++) {
        const inner = new Map(bound ?? []);
        inner.set(n.index, R.qInt(k));
        const v = exact(n.body, inner, depth + 1);
        if (!v || !acc) return undefined;
        acc = n.op === "sum" ? R.add(acc, v) : R.mul(acc, v);
      }
      return acc;
    }
    default:
      return undefined;
  }
}

function exactFn(name: string, args: Node[], ev: (x: Node) => R.Q | undefined): R.Q | undefined {
  const vals = args.map(ev);
  if (vals.some((v) => v === undefined)) return undefined;
  const v = vals as R.Q[];
  const a = v[0]!;
  switch (name) {
    case "root": {
      const k = v[1] ?? R.qInt(2);
      if (!R.isInt(k) || k.n <= 0n || k.n > 64n) return undefined;
      if (a.n < 0n && k.n % 2n === 1n) {
        const r = R.root(R.neg(a), k.n);
        return r && R.neg(r);
      }
      return R.root(a, k.n);
    }
    case "fact":
      return R.isInt(a) ? R.factorial(a.n) : undefined;
    case "binom":
      return R.isInt(a) && R.isInt(v[1]!) ? R.binomial(a.n, v[1]!.n) : undefined;
    case "abs":
      return a.n < 0n ? R.neg(a) : a;
    case "floor":
      return R.qInt(R.floorQ(a));
    case "ceil":
      return R.qInt(-R.floorQ(R.neg(a)));
    case "sgn":
      return R.qInt(a.n > 0n ? 1 : a.n < 0n ? -1 : 0);
    case "mod": {
      const b = v[1]!;
      if (!R.isInt(a) || !R.isInt(b) || b.n === 0n) return undefined;
      const r = ((a.n % b.n) + b.n) % b.n;
      return R.qInt(r);
    }
    case "gcd":
    case "lcm": {
      if (!v.every(R.isInt)) return undefined;
      let acc = v[0]!.n;
      for (const x of v.slice(1)) {
        if (name === "gcd") acc = R.gcdInt(acc, x.n);
        else {
          const g = R.gcdInt(acc, x.n);
          acc = g === 0n ? 0n : (acc * x.n) / g;
          if (acc < 0n) acc = -acc;
        }
      }
      return R.qInt(acc < 0n ? -acc : acc);
    }
    case "max":
    case "min":
      return v.reduce((m, x) => ((name === "max" ? R.cmp(x, m) > 0 : R.cmp(x, m) < 0) ? x : m));
    case "log": {
      // Exact only for powers of the base: log_2 8 = 3.
      const base = v[1]!;
      if (!R.isInt(a) || !R.isInt(base) || base.n < 2n || a.n < 1n) return undefined;
      let x = a.n;
      let k = 0n;
      while (x % base.n === 0n && x > 1n) {
        x /= base.n;
        k++;
      }
      return x === 1n ? R.qInt(k) : undefined;
    }
    default:
      return undefined;
  }
}

// ---------------- numeric (complex) ----------------

/** Numeric value of `n` with variables from `env`; NaN parts when undefined. */
export function evalNumeric(n: Node, env: Env, depth = 0): C {
  if (depth > 200) return NAN;
  const ev = (x: Node) => evalNumeric(x, env, depth + 1);
  switch (n.k) {
    case "num":
      return cr(R.toNumber(n.v));
    case "based":
      return n.v ? cr(R.toNumber(n.v)) : NAN;
    case "sym":
      return env.get(n.name) ?? NAN;
    case "const":
      return n.name === "pi" ? cr(Math.PI) : n.name === "e" ? cr(Math.E) : n.name === "i" ? { re: 0, im: 1 } : cr(Infinity);
    case "pct": {
      const v = ev(n.arg);
      return { re: v.re / 100, im: v.im / 100 };
    }
    case "neg": {
      const v = ev(n.arg);
      return { re: -v.re, im: -v.im };
    }
    case "add": {
      let re = 0;
      let im = 0;
      for (const a of n.args) {
        const v = ev(a);
        re += v.re;
        im += v.im;
      }
      return { re, im };
    }
    case "mul": {
      let acc: C = cr(1);
      for (const a of n.args) acc = cmul(acc, ev(a));
      return acc;
    }
    case "div":
      return cdiv(ev(n.num), ev(n.den));
    case "pow": {
      const ex = evalExact(n.exp);
      const b = ev(n.base);
      if (ex && R.isInt(ex) && ex.n >= -1000n && ex.n <= 1000n) return cpowInt(b, Number(ex.n));
      return cpow(b, ev(n.exp));
    }
    case "fn":
      return numericFn(n, env, ev);
    case "bigop": {
      const lo = evalExact(n.lo);
      const hi = evalExact(n.hi);
      if (!lo || !hi || !R.isInt(lo) || !R.isInt(hi) || hi.n - lo.n > 5000n) return NAN;
      let acc: C = cr(n.op === "sum" ? 0 : 1);
      for (let k = lo.n; k <= hi.n; k++) {
        const inner = new Map(env);
        inner.set(n.index, cr(Number(k)));
        const v = evalNumeric(n.body, inner, depth + 1);
        acc = n.op === "sum" ? { re: acc.re + v.re, im: acc.im + v.im } : cmul(acc, v);
      }
      return acc;
    }
    default:
      return NAN;
  }
}

function numericFn(n: Extract<Node, { k: "fn" }>, env: Env, ev: (x: Node) => C): C {
  const args = n.args.map(ev);
  const a = args[0] ?? NAN;
  const realArg = Math.abs(a.im) < 1e-12 * Math.max(1, Math.abs(a.re));
  const x = a.re;
  const real = (f: (v: number) => number): C => (realArg ? cr(f(x)) : NAN);
  switch (n.name) {
    case "root": {
      const k = args[1] ? args[1].re : 2;
      if (realArg && x < 0 && Number.isInteger(k) && k % 2 === 1) return cr(-Math.pow(-x, 1 / k));
      return cpow(a, cr(1 / k));
    }
    case "sin":
      return realArg ? cr(Math.sin(x)) : csin(a);
    case "cos":
      return realArg ? cr(Math.cos(x)) : ccos(a);
    case "tan":
      return realArg ? cr(Math.tan(x)) : cdiv(csin(a), ccos(a));
    case "cot":
      return real((v) => 1 / Math.tan(v));
    case "sec":
      return real((v) => 1 / Math.cos(v));
    case "csc":
      return real((v) => 1 / Math.sin(v));
    case "arcsin":
      return real(Math.asin);
    case "arccos":
      return real(Math.acos);
    case "arctan":
      return real(Math.atan);
    case "arccot":
      return real((v) => Math.atan(1 / v));
    case "arcsec":
      return real((v) => Math.acos(1 / v));
    case "arccsc":
      return real((v) => Math.asin(1 / v));
    case "sinh":
      return real(Math.sinh);
    case "cosh":
      return real(Math.cosh);
    case "tanh":
      return real(Math.tanh);
    case "coth":
      return real((v) => 1 / Math.tanh(v));
    case "sech":
      return real((v) => 1 / Math.cosh(v));
    case "csch":
      return real((v) => 1 / Math.sinh(v));
    case "arsinh":
    case "arcsinh":
      return real(Math.asinh);
    case "arcosh":
    case "arccosh":
      return real(Math.acosh);
    case "artanh":
    case "arctanh":
      return real(Math.atanh);
    case "exp":
      return cexp(a);
    case "log": {
      const base = args[1] ?? cr(Math.E);
      return cdiv(clog(a), clog(base));
    }
    case "abs":
      return cr(Math.hypot(a.re, a.im));
    case "floor":
      return real(Math.floor);
    case "ceil":
      return real(Math.ceil);
    case "sgn":
      return real(Math.sign);
    case "fact":
      return real((v) => gamma(v + 1));
    case "binom": {
      const k = args[1] ?? NAN;
      if (!realArg) return NAN;
      return cr(gamma(x + 1) / (gamma(k.re + 1) * gamma(x - k.re + 1)));
    }
    case "mod": {
      const b = args[1]?.re ?? NaN;
      return real((v) => ((v % b) + b) % b);
    }
    case "max":
      return cr(Math.max(...args.map((c) => c.re)));
    case "min":
      return cr(Math.min(...args.map((c) => c.re)));
    case "gcd":
    case "lcm": {
      const ex = evalExact(n);
      return ex ? cr(R.toNumber(ex)) : NAN;
    }
    default:
      if (n.name.startsWith("f:")) return opaqueFunction(n.name, args);
      return NAN;
  }
}

/** A fixed, irregular function per name, so f(x) = f(x) but f(x) ≠ f(y) and f(1) ≠ g(1). */
function opaqueFunction(name: string, args: C[]): C {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
  const a = ((h >>> 0) % 1000) / 1000 + 0.5;
  const b = (((h >>> 10) >>> 0) % 1000) / 1000;
  let re = b;
  let im = 0;
  args.forEach((x, j) => {
    re += Math.sin(a * (j + 1.3) * x.re + b) + 0.37 * (j + 1) * x.re + 0.11 * x.re * x.re;
    im += 0.29 * x.im;
  });
  return { re, im };
}

function cmul(a: C, b: C): C {
  if (a.im === 0 && b.im === 0) return cr(a.re * b.re);
  return { re: a.re * b.re - a.im * b.im, im: a.re * b.im + a.im * b.re };
}

function cdiv(a: C, b: C): C {
  // Division by zero is undefined (12:00 is not 1:00), not infinity.
  if (b.re === 0 && b.im === 0) return NAN;
  if (a.im === 0 && b.im === 0) return cr(a.re / b.re);
  const d = b.re * b.re + b.im * b.im;
  return { re: (a.re * b.re + a.im * b.im) / d, im: (a.im * b.re - a.re * b.im) / d };
}

function cexp(a: C): C {
  const m = Math.exp(a.re);
  return a.im === 0 ? cr(m) : { re: m * Math.cos(a.im), im: m * Math.sin(a.im) };
}

function clog(a: C): C {
  if (a.im === 0 && a.re > 0) return cr(Math.log(a.re));
  return { re: Math.log(Math.hypot(a.re, a.im)), im: Math.atan2(a.im, a.re) };
}

function csin(a: C): C {
  return { re: Math.sin(a.re) * Math.cosh(a.im), im: Math.cos(a.re) * Math.sinh(a.im) };
}

function ccos(a: C): C {
  return { re: Math.cos(a.re) * Math.cosh(a.im), im: -Math.sin(a.re) * Math.sinh(a.im) };
}

function cpowInt(b: C, e: number): C {
  if (b.im === 0) return cr(Math.pow(b.re, e));
  let result: C = cr(1);
  let base = b;
  let k = Math.abs(e);
  while (k > 0) {
    if (k & 1) result = cmul(result, base);
    base = cmul(base, base);
    k >>= 1;
  }
  return e < 0 ? cdiv(cr(1), result) : result;
}

function cpow(b: C, e: C): C {
  if (b.im === 0 && e.im === 0 && b.re >= 0) return cr(Math.pow(b.re, e.re));
  if (b.re === 0 && b.im === 0) return e.re > 0 ? cr(0) : NAN;
  return cexp(cmul(e, clog(b)));
}

/** Lanczos approximation of Γ(x) for real x. */
function gamma(x: number): number {
  if (Number.isInteger(x)) {
    if (x <= 0) return NaN;
    if (x < 171) {
      let r = 1;
      for (let i = 2; i < x; i++) r *= i;
      return r;
    }
    return Infinity;
  }
  if (x < 0.5) return Math.PI / (Math.sin(Math.PI * x) * gamma(1 - x));
  const g = 7;
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  x -= 1;
  let a = c[0]!;
  const t = x + g + 0.5;
  for (let i = 1; i < g + 2; i++) a += c[i]! / (x + i);
  return Math.sqrt(2 * Math.PI) * Math.pow(t, x + 0.5) * Math.exp(-t) * a;
}
