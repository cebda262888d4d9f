/**
 * Python's `str.split()` with no argument, which the reference implementations (TRL, open-r1)
 * use to count words: splits on Unicode whitespace as Python defines it and drops empty strings.
 * (JavaScript's \s differs: it includes U+FEFF and omits U+001C–U+001F and U+0085.)
 */
const PY_WHITESPACE = /[\t\n\v\f\r \x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;

export function pySplit(text: string): string[] {
  const parts = text.split(PY_WHITESPACE);
  if (parts.length > 0 && parts[0] === "") parts.shift();
  if (parts.length > 0 && parts[parts.length - 1] === "") parts.pop();
  return parts;
}

/** Length in the unit a length reward counts: Unicode code points, or whitespace-separated words. */
export function textLength(text: string, unit: "chars" | "words"): number {
  if (unit === "words") return pySplit(text).length;
  let n = 0;
  for (const _ of text) n++;
  return n;
}
