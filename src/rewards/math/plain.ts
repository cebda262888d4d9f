/**
 * Plain numbers and expressions in free text ("1,000.99", "$5", "28 %", "(1/2)*(4/3)"), found
 * the way the reference's regexes find them: set off by a space, "=" or "**", an expression
 * needing an operator and a following space, period, comma, colon, ")" or "$". Expressions are
 * scanned by hand over precomputed runs, so no input makes the search quadratic.
 */

export type PlainMatch = {
  kind: "expr" | "number";
  start: number;
  end: number;
  /** Span of the value itself (digits/expression), for the failed-formula overlap rule. */
  valueStart: number;
  valueEnd: number;
  text: string;
  /** Number parts (kind "number"): integer with separators, decimal part with "." or ",". */
  integer: string;
  decimal: string;
  pct: boolean;
};

const CURRENCY = "$€£¥₹₽₪₩₫฿₡₦₱₲₴₵₸₺₼₾₿";
const NUMBER_SRC =
  String.raw`(?<!\d)(?:(?<i1>[-+]?[1-9]\d{0,2}(?:[ ,]\d{3})+)(?<d1>\.\d+)?|(?<i2>[-+]?\d+)(?<d2>[.,]\d+)|(?<d3>\.\d+)|(?<i3>[-+]?\d+))` +
  String.raw`(?<pct>\s*(?:%|[Pp]ercentage|[Pp]ercent|[Pp]ct))?`;
const NUMBER_AT = new RegExp(`[${CURRENCY}]?${NUMBER_SRC}`, "y");
const NUMBER_ALL = new RegExp(String.raw`(?:^|(?<=[\s=])|(?<=\*\*))(?:\*\*)?[${CURRENCY}]?${NUMBER_SRC}`, "g");
export const FULL_NUMBER = new RegExp(`^[${CURRENCY}]?${NUMBER_SRC}[${CURRENCY}]?$`);
const PCT_AT = /\s*(?:%|[Pp]ercentage|[Pp]ercent|[Pp]ct)/y;

const EXPR_CODES = new Uint8Array(128);
for (const c of "0123456789. \t\n\r\f\v+-*/^()") EXPR_CODES[c.charCodeAt(0)] = 1;
for (const c of "+-*/^()") EXPR_CODES[c.charCodeAt(0)] = 2;
/** 0: not an expression character, 1: digit/point/space, 2: operator. */
function exprCode(c: number): number {
  if (c < 128) return EXPR_CODES[c]!;
  return c === 0xd7 || c === 0xf7 ? 2 : c === 0xa0 || c === 0x2028 || c === 0x2029 || c === 0x3000 ? 1 : 0;
}
const isDigit = (c: string | undefined) => c !== undefined && c >= "0" && c <= "9";
const isSuffix = (c: string | undefined) => c === undefined || /[.,:\s)$]/.test(c);
const SUFFIX_CODES = new Uint8Array(128);
for (const c of ".,: \t\n\r\f\v)$") SUFFIX_CODES[c.charCodeAt(0)] = 1;

export class PlainScanner {
  /** For each index: end of the run of expression characters it belongs to (or the index). */
  private runEnd: Int32Array | undefined;
  /** For each index: the next operator at or after it inside its run, or -1. */
  private nextOp: Int32Array | undefined;
  /** For each index: the largest e <= index whose character is a suffix character, or -1. */
  private prevSuffix: Int32Array | undefined;

  constructor(private readonly text: string) {}

  private prepare() {
    if (this.runEnd) return;
    const t = this.text;
    const n = t.length;
    const runEnd = new Int32Array(n + 1);
    const nextOp = new Int32Array(n + 1);
    const prevSuffix = new Int32Array(n + 1);
    runEnd[n] = n;
    nextOp[n] = -1;
    let nextCode = 0;
    for (let i = n - 1; i >= 0; i--) {
      const code = exprCode(t.charCodeAt(i));
      if (code !== 0) {
        runEnd[i] = nextCode !== 0 ? runEnd[i + 1]! : i + 1;
        nextOp[i] = code === 2 ? i : nextCode !== 0 ? nextOp[i + 1]! : -1;
      } else {
        runEnd[i] = i;
        nextOp[i] = -1;
      }
      nextCode = code;
    }
    let last = -1;
    for (let i = 0; i <= n; i++) {
      if (i === n || SUFFIX_CODES[t.charCodeAt(i)] === 1 || (t.charCodeAt(i) > 127 && isSuffix(t[i]))) last = i;
      prevSuffix[i] = last;
    }
    this.runEnd = runEnd;
    this.nextOp = nextOp;
    this.prevSuffix = prevSuffix;
  }

  /** Whether a value may start at `p`: after the text start, a space, "=" or "**". */
  private prefixOk(p: number): boolean {
    if (p === 0) return true;
    const c = this.text[p - 1]!;
    return /[\s=]/.test(c) || (c === "*" && this.text[p - 2] === "*");
  }

  /** An expression (needs an operator) starting at `p`. */
  exprAt(p: number): PlainMatch | undefined {
    if (!this.prefixOk(p)) return undefined;
    if (!isDigit(this.text[p]) && !/[-+(*]/.test(this.text[p] ?? "")) return undefined;
    this.prepare();
    const t = this.text;
    let q = p;
    if (t.startsWith("**", q)) q += 2;
    const valueStart = q;
    if (t[q] === "-" || t[q] === "+") q++;
    if (t[q] === "(") q++;
    if (t[q] === "-") q++;
    if (!isDigit(t[q])) return undefined;
    const runEnd = this.runEnd![q]!;
    // An operator after the first digit, with at least one character after it.
    const op = q + 1 < runEnd ? this.nextOp![q + 1]! : -1;
    if (op < 0 || op + 1 >= runEnd) return undefined;
    // Longest value whose next character closes it (a percent sign may sit in between).
    let e = runEnd;
    let pct = false;
    let end = e;
    PCT_AT.lastIndex = e;
    const pm = PCT_AT.exec(t);
    let after = e;
    if (pm) after = e + pm[0].length;
    if (t.startsWith("**", after)) after += 2;
    if (pm && isSuffix(t[after])) {
      pct = true;
      end = after;
    } else {
      let a = e;
      if (t.startsWith("**", a)) a += 2;
      if (!isSuffix(t[a])) {
        e = this.prevSuffix![runEnd - 1]!;
        if (e < op + 2) return undefined;
      }
      end = e;
    }
    const raw = t.slice(valueStart, e);
    const text = raw.trim();
    if (text.length === 0) return undefined;
    return { kind: "expr", start: p, end, valueStart, valueEnd: valueStart + raw.trimEnd().length, text, integer: "", decimal: "", pct };
  }

  /** A number (with currency sign, separators, percent) starting at `p`. */
  numberAt(p: number): PlainMatch | undefined {
    if (!this.prefixOk(p)) return undefined;
    let q = p;
    if (this.text.startsWith("**", q)) q += 2;
    NUMBER_AT.lastIndex = q;
    const m = NUMBER_AT.exec(this.text);
    return m ? numberMatch(m, p) : undefined;
  }

  /** expr or number at `p`, expression first (like the reference's alternation). */
  valueAt(p: number): PlainMatch | undefined {
    return this.exprAt(p) ?? this.numberAt(p);
  }

  /** Every expression, left to right and non-overlapping. */
  allExprs(limit = 2000): PlainMatch[] {
    this.prepare();
    const out: PlainMatch[] = [];
    const t = this.text;
    let p = 0;
    while (p < t.length && out.length < limit) {
      const c = t[p]!;
      if (!isDigit(c) && c !== "-" && c !== "+" && c !== "(" && c !== "*") {
        p++;
        continue;
      }
      const m = this.exprAt(p);
      if (m) {
        out.push(m);
        p = Math.max(m.end, p + 1);
      } else p++;
    }
    return out;
  }

  /** Every number, left to right. */
  allNumbers(limit = 5000): PlainMatch[] {
    const out: PlainMatch[] = [];
    NUMBER_ALL.lastIndex = 0;
    for (let m = NUMBER_ALL.exec(this.text); m !== null && out.length < limit; m = NUMBER_ALL.exec(this.text)) {
      if (m[0].length === 0) {
        NUMBER_ALL.lastIndex++;
        continue;
      }
      const nm = numberMatch(m, m.index);
      if (nm) out.push(nm);
    }
    return out;
  }
}

function numberMatch(m: RegExpExecArray, start: number): PlainMatch | undefined {
  const g = m.groups ?? {};
  const integer = g.i1 ?? g.i2 ?? g.i3 ?? "";
  const decimal = g.d1 ?? g.d2 ?? g.d3 ?? "";
  if (integer === "" && decimal === "") return undefined;
  const text = integer + decimal;
  const off = m[0].indexOf(text);
  const valueStart = m.index + off;
  return { kind: "number", start, end: m.index + m[0].length, valueStart, valueEnd: valueStart + text.length, text, integer, decimal, pct: g.pct !== undefined };
}
