import { closeSync, existsSync, fstatSync, openSync, readSync, ftruncateSync } from "node:fs";

export type ResumePoint = { rows: number; lastId?: string; truncatedBytes: number };

/**
 * Prepares an output file for resuming: drops a partly written last line (a crash mid-write)
 * and counts the complete rows, which — because rows are written in input order — are exactly
 * the input rows already done. Reads backwards for the last id, so it is O(file) only in the count.
 */
export function prepareResume(path: string): ResumePoint {
  if (!existsSync(path)) return { rows: 0, truncatedBytes: 0 };
  const fd = openSync(path, "r+");
  try {
    const size = fstatSync(fd).size;
    const buf = Buffer.allocUnsafe(1 << 20);
    let rows = 0;
    let lastNl = -1;
    let prevNl = -1;
    for (let pos = 0; pos < size; ) {
      const n = readSync(fd, buf, 0, buf.length, pos);
      if (n <= 0) break;
      for (let i = buf.indexOf(10, 0); i >= 0 && i < n; i = buf.indexOf(10, i + 1)) {
        rows++;
        prevNl = lastNl;
        lastNl = pos + i;
      }
      pos += n;
    }
    const keep = lastNl + 1;
    if (keep < size) ftruncateSync(fd, keep);
    let lastId: string | undefined;
    if (rows > 0) {
      const start = prevNl + 1;
      const len = lastNl - start;
      const line = Buffer.allocUnsafe(len);
      readSync(fd, line, 0, len, start);
      try {
        const id = (JSON.parse(line.toString("utf8")) as { id?: unknown }).id;
        if (typeof id === "string") lastId = id;
      } catch {
        // A complete but unparsable line means this is not our output: the caller reports it.
        lastId = undefined;
      }
    }
    return { rows, lastId, truncatedBytes: size - keep };
  } finally {
    closeSync(fd);
  }
}
