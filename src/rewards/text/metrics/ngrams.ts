/**
 * Counts of the n-grams of a token list. Keys join tokens with `sep`, which must not occur in
 * a token (a space for whitespace-split tokens), so different n-grams never share a key.
 */
export function ngramCounts(tokens: readonly string[], n: number, sep = " "): Map<string, number> {
  const m = new Map<string, number>();
  for (let i = 0; i + n <= tokens.length; i++) {
    const k = n === 1 ? tokens[i]! : tokens.slice(i, i + n).join(sep);
    m.set(k, (m.get(k) ?? 0) + 1);
  }
  return m;
}
