/*
 * NLTK `nltk.translate.gleu_score` (Wu et al., 2016, Google's NMT paper): every 1..4-gram of
 * both sides is counted; GLEU = matches / max(hypothesis n-grams, reference n-grams), i.e. the
 * minimum of precision and recall. With several references the best ratio wins (the first on a
 * tie); a corpus adds matches and denominators up. No n-grams on either side scores 0.
 */

export type GleuOptions = { minLen?: number; maxLen?: number };

export type GleuResult = { score: number; matches: number; total: number };

function everygramCounts(tokens: readonly string[], minLen: number, maxLen: number): Map<string, number> {
  const m = new Map<string, number>();
  for (let n = minLen; n <= maxLen; n++) {
    for (let i = 0; i + n <= tokens.length; i++) {
      const k = `${n}\u0000${tokens.slice(i, i + n).join("\u0000")}`;
      m.set(k, (m.get(k) ?? 0) + 1);
    }
  }
  return m;
}

function sum(m: Map<string, number>): number {
  let s = 0;
  for (const c of m.values()) s += c;
  return s;
}

/** NLTK `corpus_gleu(list_of_references, hypotheses, min_len, max_len)`. */
export function corpusGleu(listOfReferences: readonly (readonly (readonly string[])[])[], hypotheses: readonly (readonly string[])[], opts: GleuOptions = {}): GleuResult {
  if (listOfReferences.length !== hypotheses.length) throw new Error("corpusGleu: the number of hypotheses and their reference lists should be the same");
  const minLen = opts.minLen ?? 1;
  const maxLen = opts.maxLen ?? 4;
  let corpusMatch = 0;
  let corpusAll = 0;
  for (let s = 0; s < hypotheses.length; s++) {
    const hyp = everygramCounts(hypotheses[s]!, minLen, maxLen);
    const tpfp = sum(hyp);
    let best: [number, number] | undefined;
    for (const ref of listOfReferences[s]!) {
      const r = everygramCounts(ref, minLen, maxLen);
      const tpfn = sum(r);
      let tp = 0;
      for (const [g, c] of r) {
        const h = hyp.get(g);
        if (h !== undefined) tp += Math.min(c, h);
      }
      const nAll = Math.max(tpfp, tpfn);
      if (nAll > 0 && (!best || tp / nAll > best[0] / best[1])) best = [tp, nAll];
    }
    if (best) {
      corpusMatch += best[0];
      corpusAll += best[1];
    }
  }
  return { score: corpusAll === 0 ? 0 : corpusMatch / corpusAll, matches: corpusMatch, total: corpusAll };
}

/**
 * NLTK `sentence_gleu(references, hypothesis, min_len=1, max_len=4)` on token lists.
 * @example sentenceGleu([["the","cat","is","on","the","mat"]], ["the","the","the","the","the","the","the"]).score // 0.0909…
 */
export function sentenceGleu(references: readonly (readonly string[])[], hypothesis: readonly string[], opts: GleuOptions = {}): GleuResult {
  return corpusGleu([references], [hypothesis], opts);
}
