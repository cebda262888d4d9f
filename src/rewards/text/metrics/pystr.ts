/**
 * Python `str` semantics the reference implementations rely on (sacreBLEU, rouge-score, NLTK
 * and the SQuAD script are all Python): what `str.split()` counts as whitespace, what `\w`
 * matches, and indexing by code point rather than by UTF-16 unit. Verified against CPython
 * 3.11 (Unicode 14) for every code point; newer code points follow Node's Unicode tables.
 */

/** `str.isspace()` / `re` `\s`: the characters `str.split()` splits on (not JS `\s`: no U+FEFF, plus U+001C–U+001F and U+0085). */
const PY_SPACE_CLASS = "\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
const PY_SPACE_RUN = new RegExp(`[${PY_SPACE_CLASS}]+`);
const PY_SPACE_RUN_G = new RegExp(`[${PY_SPACE_CLASS}]+`, "g");
const PY_TRAILING_SPACE = new RegExp(`[${PY_SPACE_CLASS}]+$`);
const PY_LEADING_SPACE = new RegExp(`^[${PY_SPACE_CLASS}]+`);

/** Python's `s.split()` (no separator): runs of whitespace split, no empty strings. */
export function pySplit(s: string): string[] {
  const parts = s.split(PY_SPACE_RUN);
  let n = 0;
  for (const p of parts) if (p.length > 0) parts[n++] = p;
  parts.length = n;
  return parts;
}

/** Python's `"".join(s.split())`: every whitespace character removed. */
export function pyRemoveSpaces(s: string): string {
  return s.replace(PY_SPACE_RUN_G, "");
}

/** Python's `s.rstrip()`. */
export function pyRstrip(s: string): string {
  return s.replace(PY_TRAILING_SPACE, "");
}

/** Python's `s.strip()`. */
export function pyStrip(s: string): string {
  return s.replace(PY_LEADING_SPACE, "").replace(PY_TRAILING_SPACE, "");
}

/** Python's `s.lower()`: same full case mapping as JS for every code point of Unicode 14. */
export const pyLower = (s: string): string => s.toLowerCase();

/** Python's `\w` for `str` patterns (alphanumerics by `str.isalnum()`, and `_`). */
export const PY_WORD_CLASS = "\\p{L}\\p{N}_";

const SURROGATE = /[\uD800-\uDFFF]/;

/** True when every character is one UTF-16 unit, so JS indexing equals Python indexing. */
export const isBmpOnly = (s: string): boolean => !SURROGATE.test(s);

/** The string as Python sees it: one element per code point. */
export function codePoints(s: string): string[] {
  return isBmpOnly(s) ? s.split("") : Array.from(s);
}

/** Python's `len(s)`. */
export function pyLen(s: string): number {
  if (isBmpOnly(s)) return s.length;
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // a high surrogate followed by a low one is one code point; a lone half counts as one, as in Python
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}
