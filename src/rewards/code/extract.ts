/** Finding the program in a completion: fenced blocks (```python, ```py, ```js, ```), else the whole text. */

export type Language = "python" | "javascript";
export type BlockChoice = "last" | "first" | "longest" | "all";

const LANGUAGES: Record<string, Language> = {
  python: "python",
  python3: "python",
  py: "python",
  py3: "python",
  javascript: "javascript",
  js: "javascript",
  node: "javascript",
  nodejs: "javascript",
  mjs: "javascript",
  cjs: "javascript",
};

export type Block = { tag: string; language: Language | undefined; code: string };

/**
 * Every fenced block, in order. The closing fence may end the text (a completion cut off by the
 * length limit keeps its last block); the opening fence may follow other text on its line.
 */
export function fencedBlocks(text: string): Block[] {
  const out: Block[] = [];
  const re = /```[ \t]*([^\s`]*)[^\n`]*\n([\s\S]*?)(?:```|$(?![\s\S]))/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const tag = (m[1] ?? "").toLowerCase();
    out.push({ tag, language: LANGUAGES[tag], code: m[2] ?? "" });
  }
  return out;
}

export type Extracted = {
  code: string;
  language: Language;
  /** "fence" when taken from fenced block(s), "text" when the whole completion is the program. */
  from: "fence" | "text";
  /** Fenced blocks in the completion (of any language). */
  blocks: number;
};

/**
 * The program to run. `want` is the language to look for ("auto": python or javascript blocks),
 * `fallback` the language of untagged blocks and of the whole text. Blocks tagged with another
 * language (```text, ```bash) are ignored; when only such blocks exist there is no program.
 */
export function extractCode(text: string, want: Language | "auto", fallback: Language, choice: BlockChoice): Extracted | undefined {
  const blocks = fencedBlocks(text);
  if (blocks.length === 0) {
    const lang = want === "auto" ? fallback : want;
    return text.trim() === "" ? undefined : { code: text, language: lang, from: "text", blocks: 0 };
  }
  const usable = blocks
    .map((b) => ({ ...b, language: b.tag === "" ? (want === "auto" ? fallback : want) : b.language }))
    .filter((b) => b.language !== undefined && (want === "auto" || b.language === want) && b.code.trim() !== "");
  if (usable.length === 0) return undefined;
  let chosen: (typeof usable)[number][];
  if (choice === "first") chosen = [usable[0]!];
  else if (choice === "longest") chosen = [usable.reduce((a, b) => (b.code.length > a.code.length ? b : a))];
  else if (choice === "all") {
    const lang = usable[usable.length - 1]!.language;
    chosen = usable.filter((b) => b.language === lang);
  } else chosen = [usable[usable.length - 1]!];
  return { code: chosen.map((b) => b.code).join("\n\n"), language: chosen[0]!.language!, from: "fence", blocks: blocks.length };
}
