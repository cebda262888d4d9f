import { isBmpOnly, pyLen, pyLower } from "./pystr.ts";

/*
 * NLTK's PorterStemmer in its default NLTK_EXTENSIONS mode (the stemmer rouge-score and NLTK's
 * METEOR use): Porter (1980) plus Martin Porter's later changes and NLTK's own (irregular
 * forms, 'ies'/'ied' on four-letter words, y→i only after a consonant, 'alli' first, 'fulli',
 * 'logi'). Each step applies the first rule whose suffix matches and stops there even when its
 * condition fails, as NLTK's `_apply_rule_list` does.
 */

const IRREGULAR: Record<string, string> = {
  sky: "sky",
  skies: "sky",
  dying: "die",
  lying: "lie",
  tying: "tie",
  news: "news",
  innings: "inning",
  inning: "inning",
  outings: "outing",
  outing: "outing",
  cannings: "canning",
  canning: "canning",
  howe: "howe",
  proceed: "proceed",
  exceed: "exceed",
  succeed: "succeed",
};

const isVowelChar = (c: string): boolean => c === "a" || c === "e" || c === "i" || c === "o" || c === "u";

function isConsonant(w: string, i: number): boolean {
  const c = w[i]!;
  if (isVowelChar(c)) return false;
  if (c === "y") return i === 0 ? true : !isConsonant(w, i - 1);
  return true;
}

/** Porter's m: the number of vowel→consonant transitions. */
function measure(stem: string): number {
  let m = 0;
  let prevVowel = false;
  for (let i = 0; i < stem.length; i++) {
    const cons = isConsonant(stem, i);
    if (cons && prevVowel) m++;
    prevVowel = !cons;
  }
  return m;
}

const positive = (s: string): boolean => measure(s) > 0;
const greaterThanOne = (s: string): boolean => measure(s) > 1;

function containsVowel(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (!isConsonant(s, i)) return true;
  return false;
}

const endsDoubleConsonant = (w: string): boolean => w.length >= 2 && w[w.length - 1] === w[w.length - 2] && isConsonant(w, w.length - 1);

/** *o: consonant-vowel-consonant with the last not w, x or y — or (NLTK) a two-letter vowel-consonant word. */
function endsCvc(w: string): boolean {
  const n = w.length;
  if (n >= 3 && isConsonant(w, n - 3) && !isConsonant(w, n - 2) && isConsonant(w, n - 1)) {
    const c = w[n - 1];
    if (c !== "w" && c !== "x" && c !== "y") return true;
  }
  return n === 2 && !isConsonant(w, 0) && isConsonant(w, 1);
}

type Rule = readonly [suffix: string, replacement: string, condition: ((stem: string) => boolean) | null];

/** NLTK `_apply_rule_list`; the suffix "*d" means "ends in a double consonant". */
function applyRules(w: string, rules: readonly Rule[]): string {
  for (const [suffix, repl, cond] of rules) {
    if (suffix === "*d" && endsDoubleConsonant(w)) {
      const stem = w.slice(0, -2);
      return cond === null || cond(stem) ? stem + repl : w;
    }
    // like NLTK, "*d" is then also tried as a literal suffix (a token such as "ab*d" can end with it)
    if (w.endsWith(suffix)) {
      const stem = suffix === "" ? w : w.slice(0, w.length - suffix.length);
      return cond === null || cond(stem) ? stem + repl : w;
    }
  }
  return w;
}

const STEP1A: readonly Rule[] = [
  ["sses", "ss", null],
  ["ies", "i", null],
  ["ss", "ss", null],
  ["s", "", null],
];

function step1a(w: string): string {
  if (w.endsWith("ies") && w.length === 4) return `${w.slice(0, -3)}ie`;
  return applyRules(w, STEP1A);
}

function step1b(w: string): string {
  if (w.endsWith("ied")) return w.length === 4 ? `${w.slice(0, -3)}ie` : `${w.slice(0, -3)}i`;
  if (w.endsWith("eed")) {
    const stem = w.slice(0, -3);
    return measure(stem) > 0 ? `${stem}ee` : w;
  }
  let inter: string | undefined;
  for (const suffix of ["ed", "ing"]) {
    if (w.endsWith(suffix)) {
      const s = w.slice(0, w.length - suffix.length);
      if (containsVowel(s)) {
        inter = s;
        break;
      }
    }
  }
  if (inter === undefined) return w;
  const last = inter[inter.length - 1] ?? "";
  return applyRules(inter, [
    ["at", "ate", null],
    ["bl", "ble", null],
    ["iz", "ize", null],
    ["*d", last, () => last !== "l" && last !== "s" && last !== "z"],
    ["", "e", (s) => measure(s) === 1 && endsCvc(s)],
  ]);
}

const step1c = (w: string): string => applyRules(w, [["y", "i", (s) => s.length > 1 && isConsonant(s, s.length - 1)]]);

const STEP2_RULES: readonly Rule[] = [
  ["ational", "ate", positive],
  ["tional", "tion", positive],
  ["enci", "ence", positive],
  ["anci", "ance", positive],
  ["izer", "ize", positive],
  ["bli", "ble", positive],
  ["alli", "al", positive],
  ["entli", "ent", positive],
  ["eli", "e", positive],
  ["ousli", "ous", positive],
  ["ization", "ize", positive],
  ["ation", "ate", positive],
  ["ator", "ate", positive],
  ["alism", "al", positive],
  ["iveness", "ive", positive],
  ["fulness", "ful", positive],
  ["ousness", "ous", positive],
  ["aliti", "al", positive],
  ["iviti", "ive", positive],
  ["biliti", "ble", positive],
  ["fulli", "ful", positive],
];

function step2(w: string): string {
  if (w.endsWith("alli") && positive(w.slice(0, -4))) return step2(`${w.slice(0, -4)}al`);
  // 'logi' -> 'log' keeps the 'l' with the stem, so short stems like 'geo' qualify
  return applyRules(w, [...STEP2_RULES, ["logi", "log", () => positive(w.slice(0, -3))]]);
}

const STEP3_RULES: readonly Rule[] = [
  ["icate", "ic", positive],
  ["ative", "", positive],
  ["alize", "al", positive],
  ["iciti", "ic", positive],
  ["ical", "ic", positive],
  ["ful", "", positive],
  ["ness", "", positive],
];

const STEP4_RULES: readonly Rule[] = [
  ["al", "", greaterThanOne],
  ["ance", "", greaterThanOne],
  ["ence", "", greaterThanOne],
  ["er", "", greaterThanOne],
  ["ic", "", greaterThanOne],
  ["able", "", greaterThanOne],
  ["ible", "", greaterThanOne],
  ["ant", "", greaterThanOne],
  ["ement", "", greaterThanOne],
  ["ment", "", greaterThanOne],
  ["ent", "", greaterThanOne],
  ["ion", "", (s) => measure(s) > 1 && (s.endsWith("s") || s.endsWith("t"))],
  ["ou", "", greaterThanOne],
  ["ism", "", greaterThanOne],
  ["ate", "", greaterThanOne],
  ["iti", "", greaterThanOne],
  ["ous", "", greaterThanOne],
  ["ive", "", greaterThanOne],
  ["ize", "", greaterThanOne],
];

function step5a(w: string): string {
  if (!w.endsWith("e")) return w;
  const stem = w.slice(0, -1);
  const m = measure(stem);
  if (m > 1) return stem;
  if (m === 1 && !endsCvc(stem)) return stem;
  return w;
}

const step5b = (w: string): string => applyRules(w, [["ll", "l", () => measure(w.slice(0, -1)) > 1]]);

function stemBmp(word: string): string {
  const lower = pyLower(word);
  // the table's keys are lower case, so a hit means word === lower
  if (Object.hasOwn(IRREGULAR, word)) return IRREGULAR[word]!;
  if (pyLen(word) <= 2) return lower;
  let s = step1a(lower);
  s = step1b(s);
  s = step1c(s);
  s = step2(s);
  s = applyRules(s, STEP3_RULES);
  s = applyRules(s, STEP4_RULES);
  s = step5a(s);
  return step5b(s);
}

/**
 * Astral characters (two UTF-16 units) are swapped for private-use placeholders while stemming,
 * so lengths, "last letter" and double-letter checks see one character each, as Python does.
 */
function stemAstral(word: string): string {
  const used = new Set(word);
  const toPlaceholder = new Map<string, string>();
  const back = new Map<string, string>();
  let next = 0xe000;
  let mapped = "";
  for (const ch of word) {
    if (ch.length === 1) {
      mapped += ch;
      continue;
    }
    let p = toPlaceholder.get(ch);
    if (p === undefined) {
      while (used.has(String.fromCharCode(next))) next++;
      p = String.fromCharCode(next++);
      toPlaceholder.set(ch, p);
      back.set(p, ch);
    }
    mapped += p;
  }
  let out = "";
  for (const ch of stemBmp(mapped)) out += back.get(ch) ?? ch;
  return out;
}

const cache = new Map<string, string>();
const CACHE_LIMIT = 50_000;

/**
 * NLTK `PorterStemmer().stem(word)` (mode NLTK_EXTENSIONS, `to_lowercase=True`).
 * @example porterStem("itemization") === "item"
 */
export function porterStem(word: string): string {
  const hit = cache.get(word);
  if (hit !== undefined) return hit;
  const out = isBmpOnly(word) ? stemBmp(word) : stemAstral(word);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(word, out);
  return out;
}
