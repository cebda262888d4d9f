/**
 * Text normalizations shared by the string-matching rewards, each a pure function built once
 * from the reward's options.
 */

export type WhitespaceMode = "exact" | "trim" | "collapse" | "remove";

export type NormalizeOptions = {
  case_sensitive: boolean;
  whitespace: WhitespaceMode;
  strip_punctuation: boolean;
  /** SQuAD v1.1's normalize_answer: lower case, no punctuation, no articles, single spaces. */
  squad: boolean;
  /** Unicode NFKC first, so full-width digits and compatibility forms compare equal. */
  unicode_nfkc: boolean;
};

/** Unicode punctuation and symbols (SQuAD strips ASCII punctuation; we strip both classes). */
const PUNCT = /[\p{P}\p{S}]/gu;
const ASCII_PUNCT = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/g;
const ARTICLES = /\b(a|an|the)\b/g;

/** SQuAD v1.1 `normalize_answer`, exactly: lower, remove ASCII punctuation, remove articles, fix whitespace. */
export function squadNormalize(s: string): string {
  const lower = s.toLowerCase();
  const noPunct = lower.replace(ASCII_PUNCT, "");
  const noArticles = noPunct.replace(ARTICLES, " ");
  return noArticles.split(/\s+/).filter(Boolean).join(" ");
}

export function makeNormalizer(o: NormalizeOptions): (s: string) => string {
  return (input: string) => {
    let s = o.unicode_nfkc ? input.normalize("NFKC") : input;
    if (o.squad) return squadNormalize(s);
    if (!o.case_sensitive) s = s.toLowerCase();
    if (o.strip_punctuation) s = s.replace(PUNCT, "");
    switch (o.whitespace) {
      case "trim":
        return s.trim();
      case "collapse":
        return s.trim().replace(/\s+/g, " ");
      case "remove":
        return s.replace(/\s+/g, "");
      default:
        return s;
    }
  };
}

/** The reference as a list of acceptable strings: a string, a number, or a list of them. */
export function referenceStrings(ref: unknown): string[] | undefined {
  if (typeof ref === "string") return [ref];
  if (typeof ref === "number" || typeof ref === "boolean") return [String(ref)];
  if (Array.isArray(ref) && ref.length > 0 && ref.every((r) => typeof r === "string" || typeof r === "number")) {
    return ref.map(String);
  }
  return undefined;
}

/** The content of the last `<tag>...</tag>` in `text`, or undefined when there is none. */
export function lastTagContent(text: string, tag: string): string | undefined {
  const close = `</${tag}>`;
  const end = text.lastIndexOf(close);
  if (end < 0) return undefined;
  const open = `<${tag}>`;
  const start = text.lastIndexOf(open, end);
  if (start < 0) return undefined;
  return text.slice(start + open.length, end);
}
