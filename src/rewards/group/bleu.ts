/**
 * A small sentence BLEU for self-BLEU, written here so the group rewards do not depend on the
 * sacreBLEU-exact implementation in rewards/text. It follows NLTK's `sentence_bleu` (what Texygen's
 * self-BLEU calls): clipped n-gram precisions against several references, uniform weights,
 * closest-reference-length brevity penalty, and smoothing "method1" (a zero match count becomes
 * ε = 0.1); no unigram match at all gives 0. It is NOT sacreBLEU (no tokenizer of its own, no
 * corpus statistics): use it to compare completions with each other, not to report BLEU.
 */
import { counts, ngrams } from "./features.ts";

export type BleuOptions = { maxOrder?: number; epsilon?: number };

export function sentenceBleu(hyp: readonly string[], refs: readonly (readonly string[])[], opts: BleuOptions = {}): number {
  const maxOrder = opts.maxOrder ?? 4;
  const eps = opts.epsilon ?? 0.1;
  if (hyp.length === 0 || refs.length === 0) return 0;
  let logSum = 0;
  for (let n = 1; n <= maxOrder; n++) {
    const h = counts(ngrams(hyp, n));
    const maxRef = new Map<string, number>();
    for (const r of refs) for (const [g, c] of counts(ngrams(r, n))) if (c > (maxRef.get(g) ?? 0)) maxRef.set(g, c);
    let matched = 0;
    let total = 0;
    for (const [g, c] of h) {
      total += c;
      matched += Math.min(c, maxRef.get(g) ?? 0);
    }
    if (n === 1 && matched === 0) return 0;
    const p = (matched === 0 ? eps : matched) / Math.max(1, total);
    logSum += Math.log(p) / maxOrder;
  }
  const h = hyp.length;
  let closest = refs[0]!.length;
  for (const r of refs) {
    const d = Math.abs(r.length - h);
    const best = Math.abs(closest - h);
    if (d < best || (d === best && r.length < closest)) closest = r.length;
  }
  const bp = h > closest ? 1 : Math.exp(1 - closest / h);
  return bp * Math.exp(logSum);
}
