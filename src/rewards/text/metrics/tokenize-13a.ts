import { pySplit } from "./pystr.ts";

/*
 * sacreBLEU's `13a` tokenizer (the mteval-v13a.pl rules WMT uses): unescape a few HTML
 * entities, then pad punctuation and symbols with spaces, except a period or comma between
 * digits and a dash after a digit, which split as in mteval. The character class is the
 * printable ASCII symbols except `'`, `-`, `.` and `,`. The `u` flag makes `[^0-9]` match a
 * whole code point, as Python's `re` does, so astral characters are never split in halves.
 */
const SYMBOLS = /([{-~\[-` -&(-+:-@\/])/gu;
const PERIOD_COMMA_AFTER_NON_DIGIT = /([^0-9])([.,])/gu;
const PERIOD_COMMA_BEFORE_NON_DIGIT = /([.,])([^0-9])/gu;
const DASH_AFTER_DIGIT = /([0-9])(-)/gu;

/** sacreBLEU `Tokenizer13a()(line)`: tokens joined by single spaces. */
export function tokenize13a(line: string): string {
  let s = line;
  if (s.includes("<skipped>")) s = s.replaceAll("<skipped>", "");
  if (s.includes("\n")) s = s.replaceAll("-\n", "").replaceAll("\n", " ");
  if (s.includes("&")) {
    s = s.replaceAll("&quot;", '"').replaceAll("&amp;", "&").replaceAll("&lt;", "<").replaceAll("&gt;", ">");
  }
  s = ` ${s} `;
  s = s.replace(SYMBOLS, " $1 ");
  s = s.replace(PERIOD_COMMA_AFTER_NON_DIGIT, "$1 $2 ");
  s = s.replace(PERIOD_COMMA_BEFORE_NON_DIGIT, " $1 $2");
  s = s.replace(DASH_AFTER_DIGIT, "$1 $2 ");
  return pySplit(s).join(" ");
}

/*
 * sacreBLEU's `intl` tokenizer (mteval-v14.pl's international tokenization): Unicode
 * punctuation splits off unless it sits between digits, every Unicode symbol splits off.
 */
const PUNCT_AFTER_NON_NUMBER = /(\P{N})(\p{P})/gu;
const PUNCT_BEFORE_NON_NUMBER = /(\p{P})(\P{N})/gu;
const SYMBOL = /(\p{S})/gu;

/** sacreBLEU `TokenizerV14International()(line)`. */
export function tokenizeIntl(line: string): string {
  const s = line.replace(PUNCT_AFTER_NON_NUMBER, "$1 $2 ").replace(PUNCT_BEFORE_NON_NUMBER, " $1 $2").replace(SYMBOL, " $1 ");
  return pySplit(s).join(" ");
}
