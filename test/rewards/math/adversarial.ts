/**
 * Hostile inputs: each must produce a plain answer quickly (bench/math.ts times them); the
 * expected values check that a real answer at the end of the noise is still found.
 */
import type { MathCase } from "./cases.ts";

type Adversarial = [name: string, gold: string, pred: string, expected: 0 | 1];

const K100 = 100_000;
const seq = (n: number, f: (i: number) => string, sep = ",") => Array.from({ length: n }, (_, i) => f(i)).join(sep);

export const ADVERSARIAL: Adversarial[] = [
  ["5,000 nested braces inside \\boxed", "5", `\\boxed{${"{".repeat(5000)}5${"}".repeat(5000)}}`, 0],
  ["20,000 nested parentheses", "5", `$${"(".repeat(20_000)}5${")".repeat(20_000)}$`, 0],
  ["3,000 nested \\frac", "1", `$${"\\frac{1}{".repeat(3000)}1${"}".repeat(3000)}$`, 0],
  ["\\frac{}{} spam (100 kB)", "1", "\\frac{}{}".repeat(11_000), 0],
  ["\\frac{}{} spam inside \\boxed", "1", `\\boxed{${"\\frac{}{}".repeat(11_000)}}`, 0],
  ["8,000 $\\frac{}{}$ blocks", "1", "$\\frac{}{}$ ".repeat(8000), 0],
  ["8,000 $\\frac{}{}$ blocks then a boxed answer", "1", `${"$\\frac{}{}$ ".repeat(8000)}so $\\boxed{1}$`, 1],
  ["100 kB of spaces then the answer", "5", `${" ".repeat(K100)}5`, 1],
  ["100 kB of spaces between a number and a letter", "5", `1${" ".repeat(K100)}x`, 0],
  ["100 kB of digits", "5", "9".repeat(K100), 0],
  ["100 kB of 1+1+… ending in a letter", "5", `${"1+".repeat(K100 / 2)}1x`, 0],
  ["100 kB of '1 1 1 …' ending in an operator", "5", `${"1 ".repeat(K100 / 2)}+`, 0],
  ["100 kB of dollar signs", "5", "$".repeat(K100), 0],
  ["100 kB of backslashes", "5", "\\".repeat(K100), 0],
  ["14,000 'answer' words then the number", "5", `${"answer ".repeat(14_000)}5`, 1],
  ["'answer: x = ' repeated then the number", "5", `${"answer: x = ".repeat(8000)}5`, 1],
  ["14,000 unclosed \\boxed{", "5", "\\boxed{".repeat(14_000), 0],
  ["11,000 \\boxed{5}", "5", "\\boxed{5}".repeat(11_000), 1],
  ["50,000 ' [' openers", "5", " [".repeat(50_000), 0],
  ["100 kB of prose then \\boxed{42}", "42", `${"The cat sat on the mat. ".repeat(4000)}The answer is $\\boxed{42}$.`, 1],
  ["100 kB of LaTeX then \\boxed{42}", "42", `${"$x^2 + y^2 = z^2$ and ".repeat(4000)}so $\\boxed{42}$`, 1],
  ["2^{10^{10}} (not computed exactly)", "1", "$2^{10^{10}}$", 0],
  ["100000! (not computed exactly)", "1", "$100000!$", 0],
  ["power tower", "1", "$2^{2^{2^{2^{2^{2^{2}}}}}}$", 0],
  ["sum of 6,000 ones (too long to parse)", "6001", `$${"1+".repeat(6000)}1$`, 0],
  ["sum of 1,000 ones", "1001", `$${"1+".repeat(1000)}1$`, 1],
  ["100 kB of percent signs", "1", "%".repeat(K100), 0],
  ["100 kB of ∞", "1", "∞".repeat(K100), 0],
  ["10,000 bars", "1", `$${"|".repeat(10_000)}$`, 0],
  ["60×60 matrix against a number", "1", `$\\begin{pmatrix}${`${"1 & ".repeat(59)}1 \\\\ `.repeat(60)}\\end{pmatrix}$`, 0],
  ["300-element set of variables, reversed", `\\{${seq(300, (i) => `x_${i}`)}\\}`, `\\{${seq(300, (i) => `x_${299 - i}`)}\\}`, 1],
  ["200 pairs, reversed", seq(200, (i) => `(${i},${i + 1})`), seq(200, (i) => `(${199 - i},${200 - i})`), 1],
  ["200 pairs, one changed", seq(200, (i) => `(${i},${i + 1})`), seq(200, (i) => (i === 77 ? "(77,79)" : `(${i},${i + 1})`)), 0],
  ["unbalanced braces", "5", "$\\frac{5}{1$", 0],
  ["lone backslash and dollar", "5", "\\$", 0],
  ["control characters", "5", "\u0000\u0001\u0002 5 \u0003", 1],
  ["empty boxed", "5", "\\boxed{}", 0],
  ["boxed without braces", "5", "\\boxed 5", 1],
  ["only delimiters", "5", "$$ $$ \\[ \\] \\( \\)", 0],
];

/** The adversarial inputs as (gold, pred, expected) cases, for the bench's case suite. */
export const ADVERSARIAL_CASES: MathCase[] = ADVERSARIAL.map(([, g, p, e]) => [g, p, e]);
