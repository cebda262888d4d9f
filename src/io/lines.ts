import { createReadStream } from "node:fs";

export type Line = { text: string; lineNo: number; /** Bytes consumed so far, including this line. */ bytes: number };

/**
 * The lines of a file (or stdin for "-"), without their "\n" or "\r\n", streamed in 1 MB chunks
 * with a byte-level splitter: several times faster than readline and constant in memory.
 * Blank lines are skipped (but still counted in lineNo).
 */
export async function* readLines(path: string): AsyncGenerator<Line> {
  const stream = path === "-" ? process.stdin : createReadStream(path, { highWaterMark: 1 << 20 });
  let carry: Buffer | undefined;
  let lineNo = 0;
  let bytes = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    let buf = carry ? Buffer.concat([carry, chunk]) : chunk;
    carry = undefined;
    let start = 0;
    for (let nl = buf.indexOf(10, start); nl >= 0; nl = buf.indexOf(10, start)) {
      lineNo++;
      bytes += nl - start + 1;
      const end = nl > start && buf[nl - 1] === 13 ? nl - 1 : nl;
      if (end > start) yield { text: buf.toString("utf8", start, end), lineNo, bytes };
      start = nl + 1;
    }
    if (start < buf.length) carry = buf.subarray(start);
    buf = Buffer.alloc(0);
  }
  if (carry && carry.length > 0) {
    lineNo++;
    bytes += carry.length;
    const end = carry[carry.length - 1] === 13 ? carry.length - 1 : carry.length;
    if (end > 0) yield { text: carry.toString("utf8", 0, end), lineNo, bytes };
  }
}
