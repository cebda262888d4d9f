/**
 * Recursive-descent parser from normalized LaTeX (or plain text like `1/2`, `sqrt(2)`) to the
 * exact tree of ast.ts. It follows the reference grammar (latex2sympy2_extended) where that
 * is sensible: implicit products bind tighter than `/`, `\frac12` is TeX's one-token argument,
 * `2\frac{1}{2}` is a mixed number, `x \in S` reads as `x = S`, `a ≈ b` keeps the exact side,
 * `(a, b)` is an interval-or-pair, `{1,2}` a set, `x = 1, 2` an assignment of a set.
 * Anything it does not understand is a ParseError: a failed parse is never equal to anything.
 */
import { type Node, type Rel, type RelOp, type SpecialSet, int, num, sym } from "./ast.ts";
import { asSet, baseValue, cleanSub, expandElement, expandListed, expandPm, isMinusOne, mul, neg, numberNode, onlySymbols, signed, textValue } from "./build.ts";
import { ParseError, lex, type Tok } from "./lexer.ts";
import * as R from "./rational.ts";
import { ACCENTS, ATOM_CMDS, BUILTIN_FUNCS, FUNCTION_LETTERS, GREEK, MATRIX_ENVS, MUL_CMDS, MULTI_ARG, PLAIN_WORDS, RELATIONS, SPECIAL_SETS, TEXT_CMDS, TRIG } from "./vocabulary.ts";

export { ParseError, expandPm, onlySymbols };

const MAX_DEPTH = 160;

const THOUSANDS_WHOLE = /^\s*(-?)(\d{1,3}(?:,\d{3})+(?:\.\d+)?)\s*$/;
const DECIMAL_COMMA_WHOLE = /^\s*(-?)0,(\d+)\s*$/;

/** Parses normalized LaTeX or a plain expression into a tree; throws ParseError. */
export function parseMath(src: string): Node {
  if (src.length > 20_000) throw new ParseError("expression too long");
  const whole = THOUSANDS_WHOLE.exec(src);
  if (whole) return signed(whole[1]!, numberNode(whole[2]!.replace(/,/g, "")));
  const dc = DECIMAL_COMMA_WHOLE.exec(src);
  if (dc) return signed(dc[1]!, numberNode(`0.${dc[2]}`));
  const p = new Parser(lex(src), src);
  return p.top();
}

class Parser {
  private i = 0;
  private depth = 0;
  private argDepth = 0;
  private absDepth = 0;
  /** Integer literals and \frac{int}{int} values, for mixed numbers like 2\frac{1}{2}. */
  private readonly intLits = new WeakSet<Node>();
  private readonly fracLits = new WeakSet<Node>();

  constructor(
    private readonly toks: Tok[],
    private readonly src: string,
  ) {}

  top(): Node {
    const groups = this.list((t) => t.t === "eof");
    if (this.peek().t !== "eof") this.fail("unexpected input");
    return this.buildTop(groups);
  }

  // ---------- token helpers ----------
  private peek(o = 0): Tok {
    return this.toks[Math.min(this.i + o, this.toks.length - 1)]!;
  }
  private next(): Tok {
    const t = this.toks[this.i]!;
    if (this.i < this.toks.length - 1) this.i++;
    return t;
  }
  private isOp(t: Tok, s: string) {
    return t.t === "op" && t.s === s;
  }
  private isCmd(t: Tok, name: string, alt?: string, alt2?: string) {
    return t.t === "cmd" && (t.s === name || t.s === alt || t.s === alt2);
  }
  private expectOp(s: string) {
    const t = this.next();
    if (!this.isOp(t, s)) this.fail(`expected ${s}`);
  }
  private fail(msg: string): never {
    throw new ParseError(msg);
  }
  private enter() {
    if (++this.depth > MAX_DEPTH) this.fail("nested too deeply");
  }
  private leave() {
    this.depth--;
  }

  // ---------- lists and elements ----------
  /** Elements separated by "," (and ";" for groups) until `stop`; the stop token is not consumed. */
  private list(stop: (t: Tok) => boolean): Node[][] {
    const groups: Node[][] = [[]];
    if (stop(this.peek())) return [];
    for (;;) {
      groups[groups.length - 1]!.push(this.element());
      const t = this.peek();
      if (this.isOp(t, ",")) {
        this.next();
        continue;
      }
      if (this.isOp(t, ";")) {
        this.next();
        groups.push([]);
        continue;
      }
      if (stop(t)) break;
      this.fail(`unexpected ${t.s || t.t}`);
    }
    return groups;
  }

  private buildTop(groups: Node[][]): Node {
    const all = groups.flat();
    if (all.length === 0) this.fail("empty");
    if (all.length === 1) return expandElement(all[0]!);
    // x = 1, 2, 3 (or x \in 1, 2): an assignment of the whole list.
    const first = all[0]!;
    if (groups.length === 1 && first.k === "rel" && first.op === "=" && onlySymbols(first.lhs) && all.slice(1).every((e) => e.k !== "rel" && e.k !== "and")) {
      const values = [first.rhs, ...all.slice(1)].flatMap((e) => expandPm(e));
      return { k: "rel", op: "=", lhs: first.lhs, rhs: { k: "set", elems: values } };
    }
    if (groups.length === 1 || groups.every((g) => g.length === 1)) return { k: "set", elems: all.flatMap(expandListed) };
    return { k: "set", elems: groups.map((g) => (g.length === 1 ? g[0]! : { k: "tuple", elems: g })) };
  }

  /** One list element: a relation chain, a set expression or an expression. */
  private element(): Node {
    this.enter();
    let cur = this.setExpr();
    for (;;) {
      const t = this.peek();
      const kind = t.t === "op" || t.t === "cmd" ? RELATIONS[t.s] : undefined;
      if (!kind) break;
      this.next();
      const rhs = this.setExpr();
      if (kind === "approx") {
        // Keep the exact side: x ≈ 3.14 gives 3.14, 1/3 ≈ 0.33 gives 1/3.
        if (cur.k !== "rel" && cur.k !== "and" && onlySymbols(cur)) cur = rhs;
        continue;
      }
      const op: RelOp = kind === "in" ? "=" : kind === "notin" ? "!=" : kind;
      const left = cur.k === "rel" ? cur.rhs : cur.k === "and" ? cur.rels[cur.rels.length - 1]!.rhs : cur;
      const link: Rel = { k: "rel", op, lhs: left, rhs };
      cur = cur.k === "rel" ? { k: "and", rels: [cur, link] } : cur.k === "and" ? { k: "and", rels: [...cur.rels, link] } : link;
    }
    this.leave();
    return cur;
  }

  private setExpr(): Node {
    let left = this.expr();
    for (;;) {
      const t = this.peek();
      if (this.isCmd(t, "cup") || (t.t === "letter" && t.s === "U" && t.sp && this.peek(1).sp)) {
        this.next();
        const right = this.expr();
        const l = left.k === "union" ? left.args : [asSet(left)];
        left = { k: "union", args: [...l, asSet(right)] };
      } else if (this.isCmd(t, "cap")) {
        this.next();
        left = { k: "inter", args: [asSet(left), asSet(this.expr())] };
      } else if (this.isCmd(t, "setminus", "backslash")) {
        this.next();
        left = { k: "minus", a: asSet(left), b: asSet(this.expr()) };
      } else break;
    }
    return left;
  }

  // ---------- arithmetic ----------
  private expr(): Node {
    this.enter();
    let left: Node;
    const t = this.peek();
    if (this.isOp(t, "+")) {
      this.next();
      left = this.term();
    } else if (this.isOp(t, "-")) {
      this.next();
      left = neg(this.term());
    } else if (this.isCmd(t, "pm", "mp")) {
      this.next();
      left = { k: "pm", a: undefined, b: this.term() };
    } else left = this.term();
    // Terms are collected and joined once: a long sum stays linear.
    let terms: Node[] = [left];
    const flush = (): Node => (terms.length === 1 ? terms[0]! : { k: "add", args: terms.flatMap((x) => (x.k === "add" ? x.args : [x])) });
    for (;;) {
      const o = this.peek();
      if (this.isOp(o, "+")) {
        this.next();
        terms.push(this.term());
      } else if (this.isOp(o, "-")) {
        this.next();
        terms.push(neg(this.term()));
      } else if (this.isCmd(o, "pm", "mp")) {
        this.next();
        terms = [{ k: "pm", a: flush(), b: this.term() }];
      } else break;
    }
    this.leave();
    return flush();
  }

  private term(): Node {
    let left = this.implicit();
    for (;;) {
      const t = this.peek();
      if ((this.isOp(t, "*") && !this.isOp(this.peek(1), "*")) || (t.t === "cmd" && MUL_CMDS.has(t.s))) {
        this.next();
        left = mul(left, this.implicit());
      } else if (this.isOp(t, "/") || this.isCmd(t, "div", "over")) {
        this.next();
        left = this.divide(left, this.implicit());
      } else if (this.isOp(t, ":") && !this.isOp(this.peek(1), "=")) {
        this.next();
        left = this.divide(left, this.implicit());
      } else if (this.isCmd(t, "bmod", "mod")) {
        this.next();
        left = { k: "fn", name: "mod", args: [left, this.implicit()] };
      } else break;
    }
    return left;
  }

  private divide(a: Node, b: Node): Node {
    if (a.k === "num" && b.k === "num" && !a.float && !b.float && R.isInt(a.v) && R.isInt(b.v) && b.v.n !== 0n) return num(R.div(a.v, b.v)!);
    return { k: "div", num: a, den: b };
  }

  /** A product written by juxtaposition: 2x, 3\sqrt{2}, (x+1)(x-1); 2\frac{1}{2} is a mixed number. */
  private implicit(): Node {
    const t = this.peek();
    if (this.isOp(t, "-")) {
      this.next();
      return neg(this.implicit());
    }
    if (this.isOp(t, "+")) {
      this.next();
      return this.implicit();
    }
    this.enter();
    const factors: Node[] = [this.postfix()];
    while (this.canStartFactor(this.peek())) factors.push(this.postfix());
    this.leave();
    if (factors.length === 2 && this.intLits.has(factors[0]!) && this.fracLits.has(factors[1]!)) {
      const a = factors[0] as Extract<Node, { k: "num" }>;
      const b = factors[1] as Extract<Node, { k: "num" }>;
      return num(R.add(a.v, b.v)!);
    }
    return factors.length === 1 ? factors[0]! : { k: "mul", args: factors.flatMap((f) => (f.k === "mul" ? f.args : [f])) };
  }

  private canStartFactor(t: Tok): boolean {
    switch (t.t) {
      case "num":
      case "letter":
        return true;
      case "group":
        return t.cmd !== "end";
      case "op":
        return t.s === "(" || t.s === "{" || (t.s === "|" && this.absDepth === 0);
      case "cmd":
        if (t.s === "vert" || t.s === "lvert" || t.s === "|") return this.absDepth === 0;
        return ATOM_CMDS.has(t.s) || BUILTIN_FUNCS.has(t.s) || GREEK.has(t.s) || t.s.startsWith("R:");
      default:
        return false;
    }
  }

  private postfix(): Node {
    let base = this.power();
    for (;;) {
      const t = this.peek();
      if (this.isOp(t, "!") && !this.isOp(this.peek(1), "=")) {
        this.next();
        base = { k: "fn", name: "fact", args: [base] };
      } else if (this.isOp(t, "%") || this.isCmd(t, "%")) {
        this.next();
        base = { k: "pct", arg: base, latex: t.t === "cmd" };
      } else if (this.isOp(t, "°") || this.isCmd(t, "circ", "degree")) {
        this.next();
      } else if (this.isOp(t, "'") || this.isCmd(t, "prime")) {
        this.next();
        if (base.k === "sym") base = sym(base.name + "'");
      } else break;
    }
    return base;
  }

  private power(): Node {
    let base = this.atom();
    for (;;) {
      const t = this.peek();
      if (this.isOp(t, "^")) {
        this.next();
        if (this.skipDegree()) continue;
        const e = this.exponent();
        if (base.k === "matrix" && e.k === "sym" && e.name === "t") base = { k: "fn", name: "transpose", args: [base] };
        else base = { k: "pow", base, exp: e };
      } else if (this.isOp(t, "*") && this.isOp(this.peek(1), "*")) {
        this.next();
        this.next();
        base = { k: "pow", base, exp: this.exponent() };
      } else break;
    }
    return base;
  }

  /** ^\circ, ^{\circ}, ^° are degree marks: dropped (degrees compare as plain numbers). */
  private skipDegree(): boolean {
    const t = this.peek();
    if (this.isCmd(t, "circ", "degree") || this.isOp(t, "°")) {
      this.next();
      return true;
    }
    if (this.isOp(t, "{") && (this.isCmd(this.peek(1), "circ", "degree") || this.isOp(this.peek(1), "°")) && this.isOp(this.peek(2), "}")) {
      this.next();
      this.next();
      this.next();
      return true;
    }
    return false;
  }

  private exponent(): Node {
    const t = this.peek();
    if (this.isOp(t, "{")) return this.braced();
    if (this.isOp(t, "(")) {
      this.next();
      const e = this.expr();
      this.expectOp(")");
      return e;
    }
    if (this.isOp(t, "-")) {
      this.next();
      return neg(this.exponent());
    }
    if (this.isOp(t, "+")) {
      this.next();
      return this.exponent();
    }
    if (t.t === "num") {
      this.next();
      return numberNode(t.s);
    }
    if (t.t === "letter") {
      this.next();
      return this.letterValue(t.s);
    }
    return this.atom();
  }

  /** `{ ... }` parsed as one expression (an argument). */
  private braced(): Node {
    this.expectOp("{");
    this.argDepth++;
    const e = this.element();
    this.argDepth--;
    this.expectOp("}");
    return e;
  }

  /** A TeX macro argument: a braced group or a single token (\frac12, \sqrt3, \frac\pi2). */
  private macroArg(): Node {
    const t = this.peek();
    if (this.isOp(t, "{")) return this.braced();
    if (t.t === "num") {
      if (t.s.length === 1) {
        this.next();
        const n = numberNode(t.s);
        this.intLits.add(n);
        return n;
      }
      // Split the token: the first digit is the argument, the rest stays.
      const first = t.s[0]!;
      this.toks[this.i] = { ...t, s: t.s.slice(1), at: t.at + 1, sp: false };
      const n = numberNode(first);
      this.intLits.add(n);
      return n;
    }
    if (t.t === "letter") {
      this.next();
      return this.letterValue(t.s);
    }
    if (t.t === "cmd" || t.t === "group") return this.atom();
    this.fail("missing argument");
  }

  // ---------- atoms ----------
  private atom(): Node {
    this.enter();
    try {
      return this.atomInner();
    } finally {
      this.leave();
    }
  }

  private atomInner(): Node {
    const t = this.peek();
    switch (t.t) {
      case "num":
        return this.number();
      case "letter":
        return this.letter();
      case "group":
        this.next();
        return this.group(t);
      case "op":
        return this.opAtom(t);
      case "cmd":
        return this.cmdAtom(t);
      default:
        this.fail("unexpected end");
    }
  }

  private number(): Node {
    const t = this.next();
    let text = t.s;
    // 1 000 000 or (inside an argument) 20,000: thousands groups.
    if (/^\d{1,3}$/.test(text)) {
      for (;;) {
        const a = this.peek();
        const b = this.peek(1);
        if (a.t === "num" && a.sp && /^\d{3}(\.\d+)?$/.test(a.s) && !text.includes(".")) {
          this.next();
          text += a.s;
          continue;
        }
        if (this.argDepth > 0 && this.isOp(a, ",") && !a.sp && b.t === "num" && !b.sp && /^\d{3}(\.\d+)?$/.test(b.s) && !text.includes(".") && !/^\d/.test(this.src.slice(b.end, b.end + 1))) {
          this.next();
          this.next();
          text += b.s;
          continue;
        }
        break;
      }
    }
    // Scientific notation: 1.5e-3, 2E5.
    const e = this.peek();
    if (e.t === "letter" && (e.s === "e" || e.s === "E") && !e.sp) {
      const m = /^[eE]([+-]?\d+)/.exec(this.src.slice(e.at));
      if (m && !/^[eE][+-]?\d+\.\d/.test(this.src.slice(e.at))) {
        const end = e.at + m[0].length;
        while (this.peek().at < end && this.peek().t !== "eof") this.next();
        return numberNode(text + "e" + m[1]);
      }
    }
    // 204_5: a numeral in another base.
    if (this.isOp(this.peek(), "_")) {
      this.next();
      const sub = this.subscriptText();
      const base = Number(sub);
      if (!/^\d+$/.test(sub) || base < 2 || base > 36 || text.includes(".")) return numberNode(text);
      return { k: "based", digits: text, base, v: baseValue(text, base) };
    }
    const n = numberNode(text);
    if (!text.includes(".")) this.intLits.add(n);
    return n;
  }

  private letter(): Node {
    const t = this.next();
    // Plain-text words: sqrt(2), pi, sin x (the whole letter run must be the word).
    let word = t.s;
    let k = 0;
    while (this.peek(k).t === "letter" && !this.peek(k).sp) {
      word += this.peek(k).s;
      k++;
    }
    if (word.length > 1 && PLAIN_WORDS.has(word)) {
      for (let j = 0; j < k; j++) this.next();
      if (word === "pi") return { k: "const", name: "pi" };
      if (word === "sqrt") return this.sqrtRest();
      return this.functionCall(word);
    }
    let name = t.s;
    // Primes: f'(x).
    while (this.isOp(this.peek(), "'")) {
      this.next();
      name += "'";
    }
    let sub = "";
    if (this.isOp(this.peek(), "_")) {
      this.next();
      sub = this.subscriptText();
    }
    const nextTok = this.peek();
    if (this.isOp(nextTok, "(") && sub === "" && (FUNCTION_LETTERS.has(t.s) || name.endsWith("'") || ((t.s === "p" || t.s === "q") && this.simpleParenArg()))) {
      this.next();
      const args = this.list((x) => this.isOp(x, ")")).flat();
      this.expectOp(")");
      if (args.length === 0) this.fail("empty call");
      return { k: "fn", name: "f:" + name.toLowerCase(), args };
    }
    if (sub !== "") return sym(`${name.toLowerCase()}_${sub}`);
    return this.letterValue(name);
  }

  private letterValue(name: string): Node {
    if (name === "e") return { k: "const", name: "e" };
    if (name === "i") return { k: "const", name: "i" };
    return sym(name.toLowerCase());
  }

  /** p(x) and q(2) are calls; p(1-p) is a product. */
  private simpleParenArg(): boolean {
    const a = this.peek(1);
    return (a.t === "letter" || a.t === "num") && this.isOp(this.peek(2), ")");
  }

  private subscriptText(): string {
    const t = this.peek();
    if (this.isOp(t, "{")) {
      let depth = 0;
      const start = t.end;
      for (;;) {
        const x = this.next();
        if (x.t === "eof") this.fail("unclosed subscript");
        if (this.isOp(x, "{")) depth++;
        else if (this.isOp(x, "}")) {
          depth--;
          if (depth === 0) return cleanSub(this.src.slice(start, x.at));
        }
      }
    }
    const x = this.next();
    if (x.t === "eof") this.fail("empty subscript");
    if (x.t === "num") {
      // x_12 in plain text; TeX would take one digit, answers mean the whole index.
      return x.s;
    }
    return cleanSub(this.src.slice(x.at, x.end));
  }

  private group(t: Tok): Node {
    const cmd = t.cmd;
    const content = t.s.trim();
    if (cmd === "begin") return this.environment(content);
    if (cmd === "end") this.fail("unexpected \\end");
    if (cmd === "mathbb") {
      const s = SPECIAL_SETS[content];
      if (!s) this.fail(`unknown set ${content}`);
      return { k: "sset", name: s };
    }
    if (cmd === "operatorname") return this.functionCall(content.replace(/\s+/g, ""));
    if (ACCENTS.has(cmd)) return sym(`${cmd === "overline" ? "bar" : cmd}{${content.replace(/\s+/g, "").toLowerCase()}}`);
    if (cmd === "mathcal" || cmd === "mathfrak" || cmd === "mathscr") return sym(`${cmd}{${content.toLowerCase()}}`);
    if (TEXT_CMDS.has(cmd)) return textValue(content, cmd);
    this.fail(`unknown \\${cmd}`);
  }

  private environment(env: string): Node {
    if (!MATRIX_ENVS.has(env) || env === "vmatrix" || env === "Vmatrix") this.fail(`unsupported environment ${env}`);
    // Column spec of array: {cc}, {c|c}.
    if (env === "array" && this.isOp(this.peek(), "{")) {
      let depth = 0;
      for (;;) {
        const x = this.next();
        if (x.t === "eof") this.fail("unclosed array spec");
        if (this.isOp(x, "{")) depth++;
        else if (this.isOp(x, "}") && --depth === 0) break;
      }
    }
    const rows: Node[][] = [[]];
    const isEnd = (x: Tok) => x.t === "group" && x.cmd === "end";
    for (;;) {
      if (isEnd(this.peek())) break;
      if (this.isCmd(this.peek(), "\\")) {
        this.next();
        rows.push([]);
        continue;
      }
      if (this.isCmd(this.peek(), "hline")) {
        this.next();
        continue;
      }
      this.argDepth++;
      rows[rows.length - 1]!.push(this.element());
      this.argDepth--;
      const t = this.peek();
      if (this.isOp(t, "&")) {
        this.next();
        continue;
      }
      if (this.isCmd(t, "\\")) {
        this.next();
        rows.push([]);
        continue;
      }
      if (isEnd(t)) break;
      this.fail("bad matrix cell");
    }
    const end = this.next() as Tok;
    if (end.s.trim() !== env) this.fail("mismatched \\end");
    while (rows.length > 0 && rows[rows.length - 1]!.length === 0) rows.pop();
    if (rows.length === 0) this.fail("empty matrix");
    const width = rows[0]!.length;
    if (rows.some((r) => r.length !== width)) this.fail("ragged matrix");
    return { k: "matrix", rows };
  }

  private opAtom(t: Tok): Node {
    switch (t.s) {
      case "(":
      case "[":
        return this.bracketed();
      case "{": {
        this.next();
        if (this.isOp(this.peek(), "}")) {
          this.next();
          return { k: "sset", name: "empty" };
        }
        this.argDepth++;
        const groups = this.list((x) => this.isOp(x, "}"));
        this.argDepth--;
        this.expectOp("}");
        const all = groups.flat();
        if (all.length === 1) return all[0]!;
        return { k: "set", elems: all.flatMap(expandListed) };
      }
      case "|": {
        this.next();
        this.absDepth++;
        const e = this.expr();
        this.absDepth--;
        this.expectOp("|");
        return { k: "fn", name: "abs", args: [e] };
      }
      default:
        this.fail(`unexpected ${t.s}`);
    }
  }

  /** ( ... ), [ ... ), ( ... ]: a group, an interval, a pair or a tuple. */
  private bracketed(): Node {
    const open = this.next().s;
    if (this.isOp(this.peek(), ")") || this.isOp(this.peek(), "]")) this.fail("empty brackets");
    const savedAbs = this.absDepth;
    this.absDepth = 0;
    const groups = this.list((x) => this.isOp(x, ")") || this.isOp(x, "]"));
    this.absDepth = savedAbs;
    const close = this.next().s;
    const elems = groups.flat();
    if (elems.length === 1 && groups.length === 1) {
      if (open !== close.replace(")", "(").replace("]", "[")) this.fail("mismatched brackets");
      return elems[0]!;
    }
    if (elems.length === 2 && groups.length === 1 && !elems.some((e) => e.k === "rel" || e.k === "and")) {
      const [lo, hi] = elems as [Node, Node];
      return { k: "interval", lo, hi, lopen: open === "(", ropen: close === ")", pair: open === "(" && close === ")" };
    }
    if (open === "(" && close === "]") this.fail("mismatched brackets");
    return { k: "tuple", elems: groups.flat() };
  }

  private cmdAtom(t: Tok): Node {
    const name = t.s;
    if (name.startsWith("R:")) {
      this.next();
      return { k: "sset", name: name.slice(2) as SpecialSet };
    }
    if (BUILTIN_FUNCS.has(name)) {
      this.next();
      return this.functionCall(name);
    }
    if (GREEK.has(name)) {
      this.next();
      return this.greek(name);
    }
    this.next();
    switch (name) {
      case "frac":
      case "dfrac":
      case "tfrac":
      case "cfrac": {
        const a = this.macroArg();
        const b = this.macroArg();
        if (a.k === "num" && b.k === "num" && !a.float && !b.float && R.isInt(a.v) && R.isInt(b.v) && b.v.n !== 0n) {
          const v = num(R.div(a.v, b.v)!);
          if (a.v.n >= 0n && b.v.n > 0n) this.fracLits.add(v);
          return v;
        }
        return { k: "div", num: a, den: b };
      }
      case "binom":
      case "dbinom":
      case "tbinom": {
        const a = this.macroArg();
        const b = this.macroArg();
        return { k: "fn", name: "binom", args: [a, b] };
      }
      case "sqrt":
        return this.sqrtRest();
      case "pi":
        return { k: "const", name: "pi" };
      case "infty":
      case "infin":
        return { k: "const", name: "inf" };
      case "imath":
      case "jmath":
        return { k: "const", name: "i" };
      case "emptyset":
      case "varnothing":
        return { k: "sset", name: "empty" };
      case "{":
      case "lbrace": {
        const closeNames = name === "{" ? "}" : "rbrace";
        if (this.isCmd(this.peek(), closeNames)) {
          this.next();
          return { k: "sset", name: "empty" };
        }
        const groups = this.list((x) => this.isCmd(x, closeNames));
        this.next();
        return { k: "set", elems: groups.flat().flatMap(expandListed) };
      }
      case "langle": {
        const groups = this.list((x) => this.isCmd(x, "rangle"));
        this.next();
        const elems = groups.flat();
        return elems.length === 1 ? elems[0]! : { k: "tuple", elems };
      }
      case "lfloor":
      case "lceil": {
        const e = this.expr();
        const close = this.next();
        if (!this.isCmd(close, name === "lfloor" ? "rfloor" : "rceil")) this.fail("unclosed floor/ceil");
        return { k: "fn", name: name === "lfloor" ? "floor" : "ceil", args: [e] };
      }
      case "lvert":
      case "vert":
      case "|": {
        this.absDepth++;
        const e = this.expr();
        this.absDepth--;
        const close = this.next();
        if (!this.isCmd(close, "rvert", "vert", "|")) this.fail("unclosed |");
        return { k: "fn", name: "abs", args: [e] };
      }
      case "boxed":
      case "fbox":
      case "phantom":
        return this.braced();
      case "sum":
      case "prod":
        return this.bigop(name);
      default:
        this.fail(`unsupported \\${name}`);
    }
  }

  private greek(name: string): Node {
    let sub = "";
    if (this.isOp(this.peek(), "_")) {
      this.next();
      sub = this.subscriptText();
    }
    const base = name.toLowerCase();
    return sym(sub ? `${base}_${sub}` : base);
  }

  private sqrtRest(): Node {
    let index: Node | undefined;
    if (this.isOp(this.peek(), "[")) {
      this.next();
      index = this.expr();
      this.expectOp("]");
    }
    let arg: Node;
    if (this.isOp(this.peek(), "(")) {
      this.next();
      arg = this.expr();
      this.expectOp(")");
    } else arg = this.macroArg();
    return { k: "fn", name: "root", args: index ? [arg, index] : [arg] };
  }

  /** \sin x, \sin^2(x), \log_2 8, \max(a, b), \operatorname{lcm}(4, 6). */
  private functionCall(rawName: string): Node {
    let name = rawName;
    let pow: Node | undefined;
    let base: Node | undefined;
    for (let k = 0; k < 2; k++) {
      if (this.isOp(this.peek(), "^")) {
        this.next();
        pow = this.exponent();
      } else if (this.isOp(this.peek(), "_")) {
        this.next();
        base = this.exponent();
      }
    }
    if (pow && (TRIG.has(name) || name === "sinh" || name === "cosh" || name === "tanh") && isMinusOne(pow)) {
      name = "arc" + name;
      pow = undefined;
    }
    let args: Node[];
    const t = this.peek();
    if (this.isOp(t, "(")) {
      this.next();
      args = this.list((x) => this.isOp(x, ")")).flat();
      this.expectOp(")");
      // sin(x)^2
      if (!pow && this.isOp(this.peek(), "^")) {
        this.next();
        pow = this.exponent();
      }
    } else if (this.isOp(t, "{")) {
      args = [this.braced()];
    } else if (this.canStartFactor(t)) {
      // No parentheses: the argument is the following product of non-function factors.
      const factors = [this.postfix()];
      while (this.canStartFactor(this.peek()) && !this.startsFunction(this.peek())) factors.push(this.postfix());
      args = [factors.length === 1 ? factors[0]! : { k: "mul", args: factors }];
    } else this.fail(`missing argument of ${name}`);
    if (args.length === 0) this.fail("empty call");
    let node: Node;
    const known = BUILTIN_FUNCS.has(name) || name === "fact";
    if (!known) node = { k: "fn", name: "f:" + name.toLowerCase(), args };
    else if (MULTI_ARG.has(name)) node = { k: "fn", name, args };
    else {
      if (args.length !== 1) this.fail(`${name} takes one argument`);
      if (name === "log" || name === "lg") node = { k: "fn", name: "log", args: base ? [args[0]!, base] : [args[0]!, int(10)] };
      else if (name === "ln") node = { k: "fn", name: "log", args: [args[0]!, { k: "const", name: "e" }] };
      else node = { k: "fn", name: name === "sign" ? "sgn" : name, args };
    }
    return pow ? { k: "pow", base: node, exp: pow } : node;
  }

  private startsFunction(t: Tok): boolean {
    if (t.t === "cmd") return BUILTIN_FUNCS.has(t.s) || t.s === "sqrt" || t.s === "sum" || t.s === "prod";
    if (t.t === "group") return t.cmd === "operatorname";
    return false;
  }

  /** \sum_{k=0}^{n} body, \prod_{i=1}^{5} body. */
  private bigop(op: string): Node {
    let index = "";
    let lo: Node | undefined;
    let hi: Node | undefined;
    for (let k = 0; k < 2; k++) {
      if (this.isOp(this.peek(), "_")) {
        this.next();
        this.expectOp("{");
        const v = this.next();
        if (v.t !== "letter") this.fail("bad sum index");
        index = v.s.toLowerCase();
        this.expectOp("=");
        lo = this.expr();
        this.expectOp("}");
      } else if (this.isOp(this.peek(), "^")) {
        this.next();
        hi = this.exponent();
      }
    }
    if (!lo || !hi) this.fail("sum without bounds");
    const body = this.term();
    return { k: "bigop", op: op === "sum" ? "sum" : "prod", index, lo, hi, body };
  }
}

