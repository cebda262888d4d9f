/**
 * LaTeX clean-up before parsing, in the reference's order: boxed contents, \left/\right and
 * styling, \text wrappers and unit words, spacing, percent words, trailing punctuation. The
 * result is also what `details` shows, so it stays readable LaTeX.
 */
import { type BoxMode, boxedContent } from "./boxed.ts";

const UNIT_WORDS = [
  "square units", "square feet", "square inches", "square meters", "square centimeters", "square miles", "sq units", "sq ft", "sq m",
  "cubic units", "cubic feet", "cubic inches", "cubic meters", "cubic centimeters", "cu cm",
  "units", "unit", "feet", "foot", "ft", "inches", "inch", "in", "miles", "mile", "mph", "kmph", "kmh", "km", "meters", "meter", "metres", "metre", "m",
  "centimeters", "centimeter", "cm", "millimeters", "mm", "yards", "yard", "yd", "kilograms", "kilogram", "kg", "grams", "gram", "g", "pounds", "pound", "lbs", "lb", "ounces", "oz",
  "liters", "liter", "litres", "litre", "gallons", "gallon", "gal", "ml", "hours", "hour", "hrs", "hr", "minutes", "minute", "mins", "min", "seconds", "second", "sec", "s",
  "days", "day", "weeks", "week", "months", "month", "years", "year", "yrs", "yr", "degrees", "degree", "deg", "radians", "cents", "cent", "dollars", "dollar", "euros", "euro",
  "rupees", "rupee", "rs", "people", "persons", "students", "student", "apples", "apple", "ways", "way", "times", "points", "point", "digits", "digit", "coins", "coins", "marbles",
  "pages", "books", "cookies", "boxes", "tiles", "steps", "games", "trees", "cars", "men", "women", "children", "cups", "eggs", "pieces", "items", "tickets", "sq", "am", "pm", "p.m.", "a.m.",
];
// Longest first, so "square units" wins over "units".
const UNIT_RE = new RegExp(
  `(\\d|\\}|\\))\\s*(?:\\\\text\\{\\s*)?(?:${[...UNIT_WORDS].sort((a, b) => b.length - a.length).map((u) => u.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|")})(?:\\^\\{?\\d\\}?)?\\s*\\}?\\s*$`,
  "i",
);
const TRAILING_TEXT = /\\(?:text|mbox|textnormal|textrm|textbf|textit|mathrm)\s*\{[^{}]*\}(?:\s*(?:\^\s*\{?\s*\d\s*\}?|\{\^\d\}))?\s*$/;

const LEFT_RIGHT = /\\(?:left|right|mleft|mright)\s*(?=[()[\]|.]|\\[{}|]|\\l|\\r|\\[lr]?vert|\\langle|\\rangle|\\lfloor|\\rfloor|\\lceil|\\rceil|\\lbrace|\\rbrace|\\lbrack|\\rbrack)/g;

const MAX_LENGTH = 20_000;
const CHOICE_WITH_TEXT = /^\s*(?:\\text(?:bf)?\s*\{\s*\(([A-E])\)\s*\}|\(([A-E])\)(?=\s))\s*\S.*$/;

export type NormalizeOptions = { boxed: BoxMode | "none" };

/** Normalized LaTeX for `latex` (one extracted answer). */
export function normalizeLatex(latex: string, opts: NormalizeOptions = { boxed: "all" }): string {
  let s = latex;
  if (opts.boxed !== "none") s = boxedContent(s, opts.boxed) ?? s;
  // Longer than any answer: left as is (the parser rejects it), so no regex runs over 100 kB.
  if (s.length > MAX_LENGTH) return s;
  // One space per run: keeps every pattern below linear.
  s = s.replace(/\s+/g, " ");
  // JSON double escaping: \\frac -> \frac (not inside matrices, where \\ is a row break).
  if (!/matrix|array/.test(s)) s = s.replace(/\\\\(?=[a-zA-Z])/g, "\\");
  s = s.replace(/\\left\s*\.|\\right\s*\./g, "").replace(LEFT_RIGHT, "");
  s = s.replace(/\\mathrm\{T\}/g, "T").replace(/\\left\[\\begin\{matrix\}/g, "\\begin{bmatrix}").replace(/\\end\{matrix\}\\right\]/g, "\\end{bmatrix}");
  s = s
    .replace(/\\mathrm\{th\}/g, "")
    .replace(/\\!\s*/g, "")
    .replace(/\\(?:text|mbox|mathrm)\s*\{\s*\}/g, "")
    .replace(/\\\$|\$/g, "")
    .replace(/(?<!\\)"/g, "")
    .replace(/\\(?:displaystyle|textstyle|scriptstyle)/g, "");
  s = s
    .replace(/\\(?:dfrac|tfrac|cfrac)/g, "\\frac")
    .replace(/\\(?:dbinom|tbinom)/g, "\\binom")
    .replace(/(^|\s)\.(\d)/g, "$10.$2")
    .replace(/\{\.(\d)/g, "{0.$1")
    .replace(/~=/g, "\\approx")
    .replace(/\s*\{\s*,\s*\}/g, ",")
    .replace(/,?\s*\\(?:text|textnormal|mathrm|mbox)\s*\{\s*(?:and|or)\s*\}/g, ",")
    .replace(/(?<![a-zA-Z\\])(,?\s*(?:and|or))(?![a-zA-Z])/g, ",")
    .replace(/(?<!\\)\\ /g, " ")
    .replace(/infinity/g, "\\infty")
    .replace(/,?\s*\\(?:ldots|cdots|dots)(?:[bc])?/g, " ")
    .replace(/\s*\\text\s*\{\s*(?:percent|percentage|pct)\s*\}/g, "\\%")
    .replace(/\s*\b(?:percentage|percent|pct)\b/g, "\\%")
    .replace(/(?<!\\)\binf\b(?!inity)/g, "\\infty");
  // 2\,107 and 1\;000: a thin space between digit groups is a thousands separator.
  s = s.replace(/(?<=\d)\\[,;:]\s*(?=\d{3}(?!\d))/g, "");
  s = s.replace(/[\n\r\t]/g, " ");
  s = stripPunctuation(s);
  // Degree marks are not values.
  s = s.replace(/\^\s*\{\s*\\circ\s*\}|\^\s*\\circ|\^\s*\{\s*°\s*\}|\^\s*°|°|\\degree/g, "");
  s = dropUnits(s);
  s = stripPunctuation(s);
  // "\textbf{(C) } 10", "(C) Plane": a multiple-choice answer is its letter.
  s = s.replace(CHOICE_WITH_TEXT, (_m, a?: string, b?: string) => `\\text{(${a ?? b})}`);
  return s.trim();
}

/** Sentence punctuation written inside the math: "$\frac13.$", "$(1,2).$" (an ellipsis stays). */
function stripPunctuation(s: string): string {
  let t = s.trimEnd();
  for (let guard = 0; guard < 20; guard++) {
    const tail = t.slice(-40);
    if (/\.\s*\.\s*\.$/.test(tail)) return t;
    const m = /(?:\s|\\[,;:!]|\\quad|\\qquad)*[.,;:!]$/.exec(tail);
    if (!m || t.length - m[0].length === 0) return t;
    if (tail.endsWith("!") && /[\d)a-zA-Z}]!$/.test(tail)) return t; // factorial
    t = t.slice(0, t.length - m[0].length).trimEnd();
  }
  return t;
}

/** Trailing unit text: "15\mbox{ cm}^2", "125\text{ miles}", "58 square units". */
function dropUnits(s: string): string {
  for (let pass = 0; pass < 2; pass++) {
    const t = s.replace(TRAILING_TEXT, "").trim();
    if (t !== "" && t !== s && /[\d})a-zA-Z]$/.test(t)) s = t;
    const u = s.replace(UNIT_RE, "$1").trim();
    if (u !== "" && u !== s) s = u;
  }
  return s;
}
