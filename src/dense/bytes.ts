/**
 * Byte-level views of text: UTF-8 byte offsets <-> UTF-16 string offsets, and GPT-2's
 * byte <-> printable-character table that byte-level BPE vocabularies are written in.
 */

const encoder = new TextEncoder();

export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/**
 * For every UTF-8 byte of `text` (and one past the end), the UTF-16 index where the code point
 * holding that byte starts and ends.
 */
export function byteToCharTable(text: string): { start: Int32Array; end: Int32Array; bytes: number } {
  let total = 0;
  for (const ch of text) total += utf8Length(ch.codePointAt(0)!);
  const start = new Int32Array(total + 1);
  const end = new Int32Array(total + 1);
  let b = 0;
  let c = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    const n = utf8Length(cp);
    for (let k = 0; k < n; k++) {
      start[b + k] = c;
      end[b + k] = c + ch.length;
    }
    b += n;
    c += ch.length;
  }
  start[total] = c;
  end[total] = c;
  return { start, end, bytes: total };
}

/** UTF-8 byte offset of each UTF-16 index (a low surrogate maps to its pair's start). */
export function charToByteTable(text: string): Int32Array {
  const out = new Int32Array(text.length + 1);
  let b = 0;
  let i = 0;
  for (const ch of text) {
    const n = utf8Length(ch.codePointAt(0)!);
    for (let k = 0; k < ch.length; k++) out[i + k] = b;
    b += n;
    i += ch.length;
  }
  out[text.length] = b;
  return out;
}

function utf8Length(cp: number): number {
  return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
}

/** GPT-2's `bytes_to_unicode`: printable bytes map to themselves, the rest to U+0100 onwards. */
function byteLevelTables(): { toChar: string[]; toByte: Map<string, number> } {
  const printable: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) printable.push(b);
  for (let b = 0xa1; b <= 0xac; b++) printable.push(b);
  for (let b = 0xae; b <= 0xff; b++) printable.push(b);
  const set = new Set(printable);
  const toChar = new Array<string>(256);
  let extra = 0;
  for (let b = 0; b < 256; b++) toChar[b] = String.fromCodePoint(set.has(b) ? b : 256 + extra++);
  const toByte = new Map<string, number>();
  toChar.forEach((c, b) => toByte.set(c, b));
  return { toChar, toByte };
}

export const BYTE_LEVEL = byteLevelTables();
