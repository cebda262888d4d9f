/**
 * Number extraction shared by the numeric rule rewards: finds numbers the way people write
 * them in answers ("$1,234.50", "-7", "45%", "3.") and compares them without float noise.
 */

/** A number as written: optional sign, optional currency, digits with thousands commas, decimals. */
const NUMBER = /(?<![\w.])-?\s?[$€£¥]?\s?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\w])|(?<![\w.])-?\.\d+(?![\w])/g;

/** Parses "$1,234.50", "-7", "45%", "1 000" into a number; undefined when it is not one. */
export function parseNumber(text: string): number | undefined {
  let t = text.trim();
  if (t.length === 0 || t.length > 100) return undefined;
  t = t.replace(/^\*+|\*+$/g, "").replace(/[.。]+$/, "");
  t = t.replace(/[$€£¥\s]/g, "").replace(/%$/, "");
  if (/^-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$|^-?\.\d+$/.test(t)) {
    const n = Number(t.replace(/,/g, ""));
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/** The last number written in `text` (calculator annotations `<<...>>` removed first). */
export function lastNumber(text: string): string | undefined {
  const t = text.includes("<<") ? text.replace(/<<[^>]*>>/g, "") : text;
  // Scan only the tail: the final answer is at the end, and huge inputs stay linear.
  const tail = t.length > 2000 ? t.slice(-2000) : t;
  let last: string | undefined;
  NUMBER.lastIndex = 0;
  for (let m = NUMBER.exec(tail); m !== null; m = NUMBER.exec(tail)) last = m[0];
  return last;
}

/** Equal as numbers, tolerant only of float representation error (1e-9 relative). */
export function sameNumber(a: number, b: number): boolean {
  if (a === b) return true;
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}
