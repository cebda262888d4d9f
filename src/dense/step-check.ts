/**
 * A rule-based step check: finds purely numeric equalities in a reasoning step (`12 × 3 = 36`,
 * `$\frac{1}{2}+1=1.5$`, GSM8K's `<<3+5=8>>`) and recomputes them. It judges arithmetic only: a
 * step with no numeric equality is "unchecked", and a wrong idea with right arithmetic passes.
 * Used as the process-reward baseline in bench/prm.ts.
 */

export type EqualityCheck = { expr: string; values: number[]; ok: boolean };
export type StepVerdict = { verdict: "correct" | "wrong" | "unchecked"; checks: EqualityCheck[] };

/** LaTeX and typographic arithmetic to plain ASCII operators. */
function normalize(text: string): string {
  let t = text
    .replace(/\\\$/g, " ")
    .replace(/\$/g, " ")
    .replace(/\\(?:left|right)\s*/g, "")
    .replace(/\\(?:cdot|times)/g, "*")
    .replace(/\\div/g, "/")
    .replace(/\\approx|≈/g, "=")
    .replace(/[×·∙]/g, "*")
    .replace(/(\d)\s+x\s+(?=\d)/g, "$1*")
    .replace(/÷/g, "/")
    .replace(/[−–]/g, "-")
    .replace(/\\[,!;: ]/g, "")
    .replace(/(\d),(\d{3})(?!\d)/g, "$1$2");
  // \frac{a}{b} with brace-free arguments, innermost first.
  for (let prev = ""; prev !== t; ) {
    prev = t;
    t = t.replace(/\\d?frac\s*\{([^{}]*)\}\s*\{([^{}]*)\}/g, "(($1)/($2))");
  }
  return t.replace(/\^\s*\{([^{}]*)\}/g, "^($1)").replace(/[{}]/g, (b) => (b === "{" ? "(" : ")"));
}

/** A tiny recursive-descent evaluator: + − * / ^ and parentheses over decimal literals. No eval. */
function evaluate(src: string): number | undefined {
  const s = src.replace(/\s+/g, "");
  let i = 0;
  const peek = () => s[i];
  const number = (): number | undefined => {
    const m = /^(?:\d+\.?\d*|\.\d+)/.exec(s.slice(i));
    if (!m) return undefined;
    i += m[0].length;
    return Number(m[0]);
  };
  const atom = (): number | undefined => {
    if (peek() === "-") {
      i++;
      const v = atom();
      return v === undefined ? undefined : -v;
    }
    if (peek() === "(") {
      i++;
      const v = sum();
      if (peek() !== ")") return undefined;
      i++;
      return v;
    }
    return number();
  };
  const power = (): number | undefined => {
    let b = atom();
    if (b === undefined) return undefined;
    if (peek() === "^" || s.startsWith("**", i)) {
      i += peek() === "^" ? 1 : 2;
      const e = power();
      return e === undefined ? undefined : b ** e;
    }
    // Implicit multiplication by a parenthesis: 3(2) = 6.
    while (peek() === "(") {
      const r = atom();
      if (r === undefined) return undefined;
      b *= r;
    }
    return b;
  };
  const product = (): number | undefined => {
    let v = power();
    while (v !== undefined && (peek() === "*" || peek() === "/") && !s.startsWith("**", i)) {
      const op = s[i++];
      const r = power();
      if (r === undefined) return undefined;
      v = op === "*" ? v * r : v / r;
    }
    return v;
  };
  const sum = (): number | undefined => {
    let v = product();
    while (v !== undefined && (peek() === "+" || peek() === "-")) {
      const op = s[i++];
      const r = product();
      if (r === undefined) return undefined;
      v = op === "+" ? v + r : v - r;
    }
    return v;
  };
  const v = sum();
  return v !== undefined && i === s.length && Number.isFinite(v) ? v : undefined;
}

const CHAIN = /-?[\d.(][\d.()+\-*/^\s]*(?:=[\s\d.()+\-*/^]*[\d.)])+/g;
/** LaTeX commands that may follow a number without joining the expression. */
const HARMLESS_COMMAND = /^\s*\\(?:text|mbox|mathrm|quad|qquad|textrm|[,;!: ])/;
const OPERATOR = /[+\-*/^]/;

/** Half a unit in the last written decimal of a bare literal: "0.33" tolerates 0.005. */
function roundingSlack(side: string): number {
  const m = /^\s*-?\d*\.?(\d*)\s*$/.exec(side);
  return m ? 0.5 * 10 ** -(m[1]?.length ?? 0) : 0;
}

function same(a: number, b: number, slack: number): boolean {
  return Math.abs(a - b) <= Math.max(1e-9 * Math.max(1, Math.abs(a), Math.abs(b)), slack + 1e-12);
}

/** Checks every numeric equality chain in a step. */
export function checkStep(text: string): StepVerdict {
  const t = normalize(text);
  const checks: EqualityCheck[] = [];
  CHAIN.lastIndex = 0;
  for (let m = CHAIN.exec(t); m !== null; m = CHAIN.exec(t)) {
    const raw = m[0];
    const start = m.index;
    const end = start + raw.length;
    // The chain must stand alone: not glued to a variable, a LaTeX command or an operator outside it.
    const before = t.slice(0, start);
    const glued = /[\p{L}\p{N}\\_^})]$/u.test(before);
    const opBefore = /[+\-*/^]\s*$/.test(before) && !/<<\s*$/.test(before);
    // A leading minus is a sign only after nothing, a separator or a word (not a lone variable: "x -3").
    const badSign = raw.startsWith("-") && !/(?:^|[=(<:,]|\p{L}{2,})\s*$/u.test(before);
    const rest = t.slice(end);
    const after = rest[0];
    const opAfter = /^\s*(?:[+\-*/^]|\\[a-zA-Z])/.test(rest) && !HARMLESS_COMMAND.test(rest);
    if (glued || opBefore || badSign || opAfter || (after !== undefined && /[\p{L}\p{N}\\_^({]/u.test(after))) continue;
    const sides = raw.split("=");
    if (sides.some((x) => x.trim() === "") || !OPERATOR.test(raw.replace(/^\s*-/, ""))) continue;
    const values = sides.map(evaluate);
    if (values.some((v) => v === undefined)) continue;
    let ok = true;
    for (let k = 0; k + 1 < sides.length; k++) {
      const slack = Math.max(roundingSlack(sides[k]!), roundingSlack(sides[k + 1]!));
      if (!same(values[k]!, values[k + 1]!, slack)) ok = false;
    }
    checks.push({ expr: raw.trim(), values: values as number[], ok });
  }
  const verdict = checks.length === 0 ? "unchecked" : checks.every((c) => c.ok) ? "correct" : "wrong";
  return { verdict, checks };
}
