/**
 * The library entry of the math family: extract the answer of a gold text and of a predicted
 * text, then compare. Each side yields a parsed answer and its text; answers that do not
 * compare as math match only when their texts are identical (e.g. "12:00").
 */
import { type CompareOptions, DEFAULT_COMPARE, nodesEqual } from "./compare.ts";
import { DEFAULT_EXTRACT, type ExtractOptions, type Extraction, extractAnswer } from "./extract.ts";

export type { CompareOptions, ExtractOptions, Extraction };
export { extractAnswer, nodesEqual };

export type VerifyOptions = CompareOptions & {
  /** Extraction, the same for both sides except `requireBoxed` (prediction only). */
  extract: ExtractOptions;
};

export const DEFAULT_VERIFY: VerifyOptions = { ...DEFAULT_COMPARE, extract: DEFAULT_EXTRACT };

/** Whether the extracted prediction matches the extracted gold. */
export function answersMatch(gold: Extraction, pred: Extraction, opts: CompareOptions = DEFAULT_COMPARE): boolean {
  if (gold.node && pred.node && nodesEqual(gold.node, pred.node, opts)) return true;
  // The same answer text on both sides (the parsed one, else the first tried): "12:00" vs "12:00".
  const g = gold.text?.trim();
  const p = pred.text?.trim();
  return g !== undefined && p !== undefined && g !== "" && g === p;
}

export type VerifyResult = { equal: boolean; gold: Extraction; pred: Extraction };

/** verify(gold text, predicted text): extraction on both sides, then the asymmetric comparison. */
export function verifyAnswer(goldText: string, predText: string, opts: Partial<VerifyOptions> = {}): VerifyResult {
  const o: VerifyOptions = { ...DEFAULT_VERIFY, ...opts, extract: { ...DEFAULT_EXTRACT, ...opts.extract } };
  const gold = extractAnswer(goldText, { ...o.extract, requireBoxed: false });
  const pred = extractAnswer(predText, o.extract);
  return { equal: answersMatch(gold, pred, o), gold, pred };
}
