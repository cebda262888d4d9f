import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { byteToCharTable, lastTokenOfSpan, sentences, steps, tokenLevelRewards, TokenizerJson } from "../../src/dense/index.ts";

const fixture = fileURLToPath(new URL("../fixtures/tokenizers/gpt2.tokenizer.json", import.meta.url));
const tok = TokenizerJson.fromFile(fixture);

describe("byte <-> string offsets", () => {
  it("'a日😀': bytes 1 + 3 + 4, UTF-16 units 1 + 1 + 2", () => {
    const t = byteToCharTable("a日😀");
    assert.equal(t.bytes, 8);
    assert.deepEqual([...t.start], [0, 1, 1, 1, 2, 2, 2, 2, 4]);
    assert.deepEqual([...t.end], [1, 2, 2, 2, 4, 4, 4, 4, 4]);
  });
});

describe("GPT-2 byte-level BPE from tokenizer.json (fixture)", () => {
  it("gives GPT-2's ids", () => {
    // GPT-2: "Hello" 15496, " world" 995, "," 11, "!" 0
    assert.deepEqual(tok.encode("Hello world").ids, [15496, 995]);
    assert.deepEqual(tok.encode("Hello, world!").ids, [15496, 11, 995, 0]);
  });

  const text = "Step 1: 3×4 = 12. 日本語のテスト。\nStep 2: 😀 done.";
  const tt = tok.encode(text);

  it("derives offsets that tile the text, with multibyte characters split across tokens", () => {
    // 28 tokens; the bytes tile the UTF-8 text (62 bytes) with no gap or overlap
    assert.equal(tt.ids.length, 28);
    let at = 0;
    for (const [s, e] of tt.byteSpans) {
      assert.equal(s, at);
      at = e;
    }
    assert.equal(at, Buffer.byteLength(text));
    // × (2 bytes) is one token "ÃĹ"; 日 (3 bytes) is split: "Ġæ" (space + first byte), "Ĺ", "¥"
    assert.deepEqual(tt.tokens.slice(4, 5), ["ÃĹ"]);
    assert.deepEqual(text.slice(...tt.charSpans[4]!), "×");
    assert.deepEqual(tt.tokens.slice(9, 12), ["Ġæ", "Ĺ", "¥"]);
    assert.deepEqual(tt.charSpans.slice(9, 12), [[17, 19], [18, 19], [18, 19]]);
    // 😀 (4 bytes, 2 UTF-16 units): "ĠðŁĺ" holds the space and 3 bytes, "Ģ" the last byte
    assert.deepEqual(tt.tokens.slice(24, 26), ["ĠðŁĺ", "Ģ"]);
    assert.deepEqual(tt.charSpans.slice(24, 26), [[34, 37], [35, 37]]);
  });

  it("puts each segment's reward on its last token, verl style (steps and sentences)", () => {
    const st = steps(text);
    // step 1 = "Step 1: 3×4 = 12. 日本語のテスト。" ends with 。 = token 19 "ãĢĤ"; step 2 ends with "." = token 27
    assert.deepEqual(st.map((s) => lastTokenOfSpan(tt, s.start, s.end)), [19, 27]);
    const { rewards, positions } = tokenLevelRewards(tt, [
      { start: st[0]!.start, end: st[0]!.end, score: 1 },
      { start: st[1]!.start, end: st[1]!.end, score: -1 },
    ]);
    assert.deepEqual(positions, [19, 27]);
    assert.equal(rewards.length, 28);
    assert.deepEqual(rewards.map((r, i) => (r === 0 ? null : [i, r])).filter(Boolean), [[19, 1], [27, -1]]);
    // decoding tokens 0..T gives exactly the text up to the segment's end
    for (const s of st) assert.equal(tok.fromIds(tt.ids.slice(0, lastTokenOfSpan(tt, s.start, s.end) + 1)).text, text.slice(0, s.end));
    // sentences: "Step 1: 3×4 = 12." -> "." token 8; "日本語のテスト。" -> 19; "Step 2: 😀 done." -> 27
    assert.deepEqual(sentences(text).map((s) => lastTokenOfSpan(tt, s.start, s.end)), [8, 19, 27]);
  });

  it("a span ending inside a split character lands on the token with its last byte", () => {
    const end = text.indexOf("😀") + 2; // "Step 2: 😀"
    assert.equal(lastTokenOfSpan(tt, text.indexOf("Step 2"), end), 25);
    // ending at 日: the third of its three tokens
    assert.equal(lastTokenOfSpan(tt, 0, text.indexOf("日") + 1), 11);
    // trailing whitespace is ignored: " 日" belongs to the next segment
    assert.equal(lastTokenOfSpan(tt, 0, text.indexOf("日")), 8);
  });

  it("fromIds rebuilds text and the same spans from generated ids; length clips like Fine-Grained RLHF", () => {
    const back = tok.fromIds(tt.ids);
    assert.equal(back.text, text);
    assert.deepEqual(back.byteSpans, tt.byteSpans);
    const { rewards, positions } = tokenLevelRewards(tt, [{ start: 0, end: text.length, score: 2 }], { length: 10 });
    assert.deepEqual(positions, [9]);
    assert.equal(rewards[9], 2);
  });

  it("the end-of-text added token maps to its own text", () => {
    const t2 = tok.encode("hi<|endoftext|>");
    assert.deepEqual(t2.ids, [5303, 50256]);
    assert.deepEqual(t2.charSpans, [[0, 2], [2, 15]]);
  });
});

describe("SentencePiece-style vocabulary (Metaspace, byte fallback)", () => {
  // A hand-made miniature in the Llama/SentencePiece layout (the real ones are too large to vendor):
  // "▁" marks a word start, characters outside the vocabulary fall back to <0xNN> byte pieces.
  const vocab: Record<string, number> = { "<unk>": 0 };
  for (let b = 0; b < 256; b++) vocab[`<0x${b.toString(16).toUpperCase().padStart(2, "0")}>`] = Object.keys(vocab).length;
  for (const t of ["▁", "a", "b", "c", "▁a", "▁b", "ab", "▁ab", "日"]) vocab[t] = Object.keys(vocab).length;
  const sp = TokenizerJson.fromJson({
    version: "1.0",
    added_tokens: [],
    normalizer: null,
    pre_tokenizer: { type: "Metaspace", replacement: "▁", prepend_scheme: "always", split: false },
    post_processor: null,
    decoder: { type: "Sequence", decoders: [{ type: "Replace", pattern: { String: "▁" }, content: " " }, { type: "ByteFallback" }, { type: "Fuse" }, { type: "Strip", content: " ", start: 1, stop: 0 }] },
    model: { type: "BPE", dropout: null, unk_token: "<unk>", continuing_subword_prefix: null, end_of_word_suffix: null, fuse_unk: true, byte_fallback: true, vocab, merges: ["▁ a", "a b", "▁ b", "▁a b"] },
  });

  it("drops the tokenizer's own prefix space and maps byte pieces onto their character", () => {
    const text = "ab b 日本 c";
    const tt = sp.encode(text);
    assert.deepEqual(tt.tokens, ["▁ab", "▁b", "▁", "日", "<0xE6>", "<0x9C>", "<0xAC>", "▁", "c"]);
    // "▁ab" stands for " ab" but the leading space is the tokenizer's: it covers "ab" = [0, 2)
    assert.deepEqual(tt.charSpans, [[0, 2], [2, 4], [4, 5], [5, 6], [6, 7], [6, 7], [6, 7], [7, 8], [8, 9]]);
    // a segment ending with 本 ends on its last byte piece (token 6)
    assert.equal(lastTokenOfSpan(tt, 0, text.indexOf("本") + 1), 6);
    assert.equal(sp.fromIds(tt.ids).text, text);
  });
});
