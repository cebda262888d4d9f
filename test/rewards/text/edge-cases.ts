/**
 * Edge inputs shared by the text-metric tests (multi-reference, empty, unicode, punctuation-only,
 * long). Their expected numbers in each test were cross-checked against the reference
 * implementation's logic run under CPython 3.11 (see test/fixtures/text/README.md).
 */
const WORDS = ["river", "delta", "flows", "north", "through", "the", "old", "city", "and", "its", "bridges", "were", "built", "in", "1890", "by", "engineers"];

/** A deterministic ~1,200-word text: long enough to exercise every loop, short enough for a test. */
export const LONG_REF = Array.from({ length: 120 }, (_, i) => {
  const w = (k: number) => WORDS[(i * 7 + k * 3) % WORDS.length]!;
  return `The ${w(0)} ${w(1)} ${w(2)} ${w(3)}, ${w(4)} ${w(5)} ${w(6)} ${w(7)} ${w(8)}.`;
}).join(" ");

/** The long text with every 9th word dropped and every "the" capitalized. */
export const LONG_HYP = LONG_REF.split(" ")
  .filter((_, i) => i % 9 !== 4)
  .map((w) => (w === "the" ? "The" : w))
  .join(" ");

export const EDGE: Record<string, { hyp: string; refs: string[] }> = {
  unicode_fr: { hyp: "Le chat est assis sur le tapis.", refs: ["Le chat s'est assis sur le tapis."] },
  cjk: { hyp: "北京是中国的首都", refs: ["北京是中国首都"] },
  emoji: { hyp: "I love 😀 pizza 🍕!", refs: ["I love pizza 🍕 😀!"] },
  punct: { hyp: "?!", refs: ["!?"] },
  punct2: { hyp: "... !!!", refs: ["!!! ..."] },
  multi: { hyp: "The cat sat on the mat.", refs: ["A cat was sitting on the mat.", "The cat sat on a mat.", "There is a cat."] },
  long: { hyp: LONG_HYP, refs: [LONG_REF] },
  empty_hyp: { hyp: "", refs: ["The cat."] },
  spaces_ref: { hyp: "The cat.", refs: ["   "] },
};
