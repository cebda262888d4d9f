import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, it } from "node:test";
import { NotTextError, readLines } from "../../src/io/lines.ts";
import { jsonlSource } from "../../src/io/rows.ts";

const file = (bytes: Buffer | string) => {
  const p = join(mkdtempSync(join(tmpdir(), "rs-lines-")), "in.jsonl");
  writeFileSync(p, bytes);
  return p;
};
const all = async (path: string, max?: number) => {
  const out = [];
  for await (const l of readLines(path, max)) out.push(l);
  return out;
};

describe("readLines", () => {
  it("drops a BOM at the start, CR before LF, and blank or whitespace-only lines (they still count)", async () => {
    const lines = await all(file("\ufeff{\"a\":1}\r\n\r\n  \t \n{\"b\":2}\r\n\n"));
    assert.deepEqual(lines.map((l) => [l.lineNo, l.text]), [[1, '{"a":1}'], [4, '{"b":2}']]);
    assert.equal(lines[1]!.bytes, Buffer.byteLength("\ufeff{\"a\":1}\r\n\r\n  \t \n{\"b\":2}\r\n"));
  });

  it("a line that is not UTF-8 keeps its place with a problem; its neighbours are read", async () => {
    const lines = await all(file(Buffer.concat([Buffer.from('{"a":1}\n{"c":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}\n{"b":2}')])));
    assert.deepEqual(lines.map((l) => [l.lineNo, l.text, l.problem]), [[1, '{"a":1}', undefined], [2, "", "not valid UTF-8"], [3, '{"b":2}', undefined]]);
  });

  it("a line over the limit is a problem (not a crash, not kept in memory); a long line within it is read whole", async () => {
    const long = "x".repeat(3 << 20);
    const lines = await all(file(`${long}\nshort\n${long}y`), 3 << 20);
    assert.deepEqual(lines.map((l) => [l.lineNo, l.text.length, l.problem]), [[1, 3 << 20, undefined], [2, 5, undefined], [3, 0, "longer than 3 MiB"]]);
    assert.equal(lines[2]!.bytes, 2 * (3 << 20) + 8);
  });

  it("a gzip or Parquet file is refused as a whole, saying what it is", async () => {
    await assert.rejects(all(file(gzipSync('{"a":1}\n'))), (e: Error) => e instanceof NotTextError && /gzip/.test(e.message));
    assert.throws(() => jsonlSource(file(Buffer.concat([Buffer.from("PAR1"), Buffer.alloc(20)]))), (e: Error) => e instanceof NotTextError && /Parquet file \(name it \.parquet or pass --input-format parquet\)/.test(e.message));
  });
});
