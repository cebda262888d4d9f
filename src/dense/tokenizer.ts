/**
 * A tokenizer loaded from a Hugging Face `tokenizer.json`, with the character offsets that the
 * JavaScript tokenizer libraries do not give. Token ids come from @huggingface/tokenizers; the
 * offsets are derived here from the tokens themselves: each token is turned back into the bytes
 * it stands for (byte-level BPE through GPT-2's byte table; SentencePiece-style vocabularies
 * through "▁" = space and `<0xNN>` byte-fallback pieces; added tokens as their text), the bytes
 * are laid end to end, checked to reproduce the text's UTF-8, and mapped to string indices.
 * A token may cover part of a multibyte character (byte-level BPE splits 日 into three tokens):
 * its character span is then the whole character, shared with its neighbours.
 */
import { readFileSync } from "node:fs";
import { checkSpecFile } from "../core/files.ts";
import { Tokenizer } from "@huggingface/tokenizers";
import { BYTE_LEVEL, byteToCharTable, charToByteTable, utf8 } from "./bytes.ts";

export type TokenizedText = {
  text: string;
  ids: number[];
  tokens: string[];
  /** [start, end) in UTF-8 bytes of `text`, per token. */
  byteSpans: [number, number][];
  /** [start, end) in UTF-16 indices of `text` (JavaScript string offsets), per token. */
  charSpans: [number, number][];
  /** Byte offset of every string index (length text.length + 1). */
  charToByte: Int32Array;
};

type Scheme = "byte_level" | "metaspace";

const hasType = (node: unknown, type: string): boolean => {
  if (node === null || typeof node !== "object") return false;
  const n = node as { type?: unknown; pretokenizers?: unknown[]; decoders?: unknown[]; normalizers?: unknown[] };
  if (n.type === type) return true;
  return [...(n.pretokenizers ?? []), ...(n.decoders ?? []), ...(n.normalizers ?? [])].some((c) => hasType(c, type));
};

export class TokenizerJson {
  private readonly tk: Tokenizer;
  private readonly scheme: Scheme;
  private readonly added = new Map<number, string>();
  private readonly cache = new Map<number, Uint8Array>();

  private constructor(json: Record<string, unknown>) {
    this.tk = new Tokenizer(json, {});
    const byteLevel = hasType(json.pre_tokenizer, "ByteLevel") || hasType(json.decoder, "ByteLevel");
    this.scheme = byteLevel ? "byte_level" : "metaspace";
    for (const [id, t] of this.tk.get_added_tokens_decoder()) this.added.set(id, t.content);
  }

  static fromJson(json: unknown): TokenizerJson {
    if (json === null || typeof json !== "object" || !("model" in json)) throw new Error("tokenizer.json: expected an object with a `model`");
    return new TokenizerJson(json as Record<string, unknown>);
  }

  static fromFile(path: string): TokenizerJson {
    // A device (/dev/zero) or a directory fails here instead of being read forever.
    checkSpecFile(path, "");
    return TokenizerJson.fromJson(JSON.parse(readFileSync(path, "utf8")));
  }

  /** The bytes token `id` stands for. */
  tokenBytes(id: number): Uint8Array {
    let b = this.cache.get(id);
    if (b) return b;
    const added = this.added.get(id);
    const tok = this.tk.id_to_token(id);
    if (added !== undefined) b = utf8(added);
    else if (tok === undefined) throw new Error(`token id ${id} is not in the vocabulary`);
    else if (this.scheme === "byte_level") {
      const out: number[] = [];
      for (const ch of tok) {
        const v = BYTE_LEVEL.toByte.get(ch);
        if (v === undefined) {
          out.push(...utf8(ch));
        } else out.push(v);
      }
      b = Uint8Array.from(out);
    } else {
      const m = /^<0x([0-9A-Fa-f]{2})>$/.exec(tok);
      b = m ? Uint8Array.of(parseInt(m[1]!, 16)) : utf8(tok.replaceAll("\u2581", " "));
    }
    this.cache.set(id, b);
    return b;
  }

  /** Tokenizes `text` (no special tokens added) and derives each token's span. */
  encode(text: string): TokenizedText {
    const ids = this.tk.encode(text, { add_special_tokens: false }).ids;
    return this.withOffsets(text, ids);
  }

  /**
   * The text and spans of token ids a policy generated (what verl holds): the text is the UTF-8
   * decoding of the tokens' bytes, so offsets need no re-tokenization that could disagree.
   */
  fromIds(ids: readonly number[]): TokenizedText {
    const parts = ids.map((id) => this.tokenBytes(id));
    const all = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
    let k = 0;
    for (const p of parts) {
      all.set(p, k);
      k += p.length;
    }
    let text = new TextDecoder("utf-8").decode(all);
    // SentencePiece-style vocabularies mark a word start with "▁", so the first one is the
    // tokenizer's own prefix space, not text.
    if (this.scheme === "metaspace" && text.startsWith(" ")) text = text.slice(1);
    return this.withOffsets(text, [...ids]);
  }

  private withOffsets(text: string, ids: number[]): TokenizedText {
    const target = utf8(text);
    const parts = ids.map((id) => this.tokenBytes(id));
    const total = parts.reduce((s, p) => s + p.length, 0);
    let shift = 0;
    if (total === target.length + 1 && parts[0]?.[0] === 0x20 && target[0] !== undefined) shift = 1;
    else if (total !== target.length) {
      throw new Error(`token offsets: the tokens' bytes (${total}) do not reproduce the text (${target.length} bytes); a normalizer changed the text`);
    }
    const byteSpans: [number, number][] = [];
    let pos = -shift;
    for (const p of parts) {
      const s = Math.max(0, pos);
      pos += p.length;
      byteSpans.push([s, Math.max(0, pos)]);
    }
    // Verify byte for byte: a tokenizer whose normalizer rewrote the text must not get silently wrong spans.
    let q = -shift;
    for (const p of parts) {
      for (const byte of p) {
        if (q >= 0 && target[q] !== byte) throw new Error(`token offsets: byte ${q} differs from the text; a normalizer changed the text`);
        q++;
      }
    }
    const table = byteToCharTable(text);
    const charSpans = byteSpans.map(([s, e]): [number, number] => (e > s ? [table.start[s]!, table.end[e - 1]!] : [table.start[s]!, table.start[s]!]));
    const tokens = ids.map((id) => this.tk.id_to_token(id) ?? this.added.get(id) ?? "");
    return { text, ids, tokens, byteSpans, charSpans, charToByte: charToByteTable(text) };
  }
}
