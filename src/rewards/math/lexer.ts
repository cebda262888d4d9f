/**
 * Tokens for the answer parser. One lexer serves LaTeX (`\frac{1}{2}`) and plain text
 * (`1/2`, `sqrt(2)`, `2**3`); whitespace is dropped but remembered on the next token, since
 * "1 000" (a thousands group) and "12 5" read differently.
 */

export type TokKind = "num" | "letter" | "cmd" | "group" | "op" | "eof";

/**
 * One token. `s` is the digits, the letter, the command name (without the backslash), the
 * raw argument of a group (\text{...}), or the operator; `cmd` names a group's command.
 */
export type Tok = { t: TokKind; s: string; cmd: string; sp: boolean; at: number; end: number };

export class ParseError extends Error {}

/** Commands whose braced argument is taken as raw text, not parsed. */
const RAW_ARG = new Set([
  "text", "textbf", "textit", "textrm", "textnormal", "textsf", "texttt", "textup", "emph",
  "mathrm", "mathit", "mathbf", "mathsf", "mathtt", "mathbb", "mathcal", "mathfrak", "mathscr", "mathnormal",
  "mbox", "hbox", "operatorname", "operatorname*", "begin", "end", "boldsymbol", "bm", "mathbold",
  "overline", "bar", "vec", "hat", "tilde", "widetilde", "widehat", "overrightarrow", "overleftrightarrow", "dot", "ddot", "acute", "grave", "check", "breve", "underline",
]);

/** Spacing commands: whitespace for the parser. */
const SPACING = new Set([",", ";", ":", " ", "!", ">", "quad", "qquad", "thinspace", "medspace", "thickspace", "negthinspace", "negmedspace", "negthickspace", "enspace", "enskip", "space", "nobreakspace", "hfill", "hfil", "vfil", "relax", "displaystyle", "textstyle", "scriptstyle", "nonumber", "notag", "limits", "nolimits", "middle"]);

/** Unicode symbols mapped to what the parser knows. */
const UNICODE: Record<string, { t: "cmd" | "op"; s: string } | undefined> = {
  "−": { t: "op", s: "-" }, "–": { t: "op", s: "-" }, "×": { t: "cmd", s: "times" }, "÷": { t: "cmd", s: "div" },
  "·": { t: "cmd", s: "cdot" }, "⋅": { t: "cmd", s: "cdot" }, "∗": { t: "op", s: "*" }, "≤": { t: "op", s: "<=" },
  "≥": { t: "op", s: ">=" }, "≠": { t: "op", s: "!=" }, "π": { t: "cmd", s: "pi" }, "√": { t: "cmd", s: "sqrt" },
  "∞": { t: "cmd", s: "infty" }, "°": { t: "op", s: "°" }, "±": { t: "cmd", s: "pm" }, "∓": { t: "cmd", s: "mp" },
  "∪": { t: "cmd", s: "cup" }, "∩": { t: "cmd", s: "cap" }, "∈": { t: "cmd", s: "in" }, "∉": { t: "cmd", s: "notin" },
  "≈": { t: "cmd", s: "approx" }, "∅": { t: "cmd", s: "emptyset" }, "′": { t: "op", s: "'" }, "∖": { t: "cmd", s: "setminus" },
  "ℝ": { t: "cmd", s: "R:reals" }, "ℤ": { t: "cmd", s: "R:integers" }, "ℕ": { t: "cmd", s: "R:naturals" }, "ℚ": { t: "cmd", s: "R:rationals" }, "ℂ": { t: "cmd", s: "R:complexes" },

  "≡": { t: "op", s: "=" }, "⟨": { t: "cmd", s: "langle" }, "⟩": { t: "cmd", s: "rangle" },
};

// Greek letters written as Unicode: α → \alpha, Ω → \Omega (π is the constant above).
const GREEK_NAMES = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma sigma tau upsilon phi chi psi omega".split(" ");
for (let i = 0; i < GREEK_NAMES.length; i++) {
  const name = GREEK_NAMES[i]!;
  const lower = String.fromCharCode(0x3b1 + i);
  const upper = String.fromCharCode(0x391 + i);
  UNICODE[lower] ??= { t: "cmd", s: name };
  if (i !== 17) UNICODE[upper] ??= { t: "cmd", s: name[0]!.toUpperCase() + name.slice(1) };
}

const isLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const isDigit = (c: number) => c >= 48 && c <= 57;

/** Tokenizes `src`; throws ParseError on unbalanced raw groups or too many tokens. */
export function lex(src: string, maxTokens = 12_000): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  let sp = false;
  const n = src.length;
  const push = (t: TokKind, s: string, start: number, end: number, cmd = "") => {
    out.push({ t, s, cmd, sp, at: start, end });
    sp = false;
    if (out.length > maxTokens) throw new ParseError("expression too long");
  };
  while (i < n) {
    const c = src.charCodeAt(i);
    const ch = src[i]!;
    if (c === 32 || c === 9 || c === 10 || c === 13 || ch === "~" || c === 0xa0) {
      sp = true;
      i++;
      continue;
    }
    const start = i;
    if (isDigit(c) || (ch === "." && i + 1 < n && isDigit(src.charCodeAt(i + 1)))) {
      let j = i;
      while (j < n && isDigit(src.charCodeAt(j))) j++;
      if (src[j] === "." && j + 1 < n && isDigit(src.charCodeAt(j + 1))) {
        j++;
        while (j < n && isDigit(src.charCodeAt(j))) j++;
      }
      push("num", src.slice(i, j), start, j);
      i = j;
      continue;
    }
    if (isLetter(c)) {
      push("letter", ch, start, i + 1);
      i++;
      continue;
    }
    if (ch === "\\") {
      if (i + 1 >= n) throw new ParseError("dangling backslash");
      let j = i + 1;
      if (isLetter(src.charCodeAt(j))) {
        while (j < n && isLetter(src.charCodeAt(j))) j++;
        if (src[j] === "*" && src.slice(i + 1, j) === "operatorname") j++;
      } else j++;
      const name = src.slice(i + 1, j);
      if (SPACING.has(name)) {
        sp = true;
        i = j;
        continue;
      }
      if (name === "left" || name === "right" || name === "mleft" || name === "mright") {
        // Sizing only; "\right." is an invisible delimiter.
        i = src[j] === "." ? j + 1 : j;
        continue;
      }
      if (RAW_ARG.has(name)) {
        let k = j;
        while (k < n && (src[k] === " " || src[k] === "\n")) k++;
        if (src[k] === "{") {
          const close = matchBrace(src, k);
          if (close < 0) throw new ParseError(`unclosed \\${name}{`);
          push("group", src.slice(k + 1, close), start, close + 1, name.replace("*", ""));
          i = close + 1;
          continue;
        }
        if (k < n && name !== "begin" && name !== "end") {
          // \mathbb R, \vec v: a single-character argument.
          const one = src[k] === "\\" ? /^\\[a-zA-Z]+/.exec(src.slice(k))?.[0] ?? src.slice(k, k + 2) : src[k]!;
          push("group", one, start, k + one.length, name);
          i = k + one.length;
          continue;
        }
        throw new ParseError(`\\${name} without an argument`);
      }
      push("cmd", name, start, j);
      i = j;
      continue;
    }
    const uni = c < 128 ? undefined : UNICODE[ch];
    if (uni) {
      push(uni.t, uni.s, start, i + 1);
      i++;
      continue;
    }
    const two = src.slice(i, i + 2);
    if (two === "<=" || two === ">=" || two === "!=" || two === "**" || two === "==" || two === ":=" || two === "=<" || two === "=>") {
      const s = two === "==" ? "=" : two === ":=" ? "=" : two === "=<" ? "<=" : two === "=>" ? ">=" : two;
      push("op", s, start, i + 2);
      i += 2;
      continue;
    }
    if ("+-*/^_()[]{},;:=<>!|'&%.?".includes(ch)) {
      push("op", ch, start, i + 1);
      i++;
      continue;
    }
    throw new ParseError(`unexpected character ${JSON.stringify(ch)}`);
  }
  out.push({ t: "eof", s: "", cmd: "", sp, at: n, end: n });
  return out;
}

/** Index of the `}` matching the `{` at `open`, or -1. Escaped braces count as text. */
export function matchBrace(src: string, open: number, limit = src.length): number {
  let depth = 0;
  for (let k = open; k < limit; k++) {
    const ch = src[k];
    if (ch === "\\") {
      k++;
      continue;
    }
    if (ch === "{") depth++;
    else if (ch === "}") {
      depth--;
      if (depth === 0) return k;
    }
  }
  return -1;
}
