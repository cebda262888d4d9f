/**
 * Input rows for `score`, from JSONL (a file or stdin) or Parquet, with what --resume and the
 * progress bar need: skipping done rows cheaply, the last skipped row for the id check, and a
 * position out of a known total.
 */
import { closeSync, openSync, readSync, statSync } from "node:fs";
import { binaryKind, NotTextError, readLines, type Line } from "./lines.ts";
import { openParquet } from "./parquet.ts";

export type InputRow = {
  /** The row, or why it could not be read. */
  value?: unknown;
  error?: string;
  /** 1-based position in the input ("line N" counts blank lines too; "row N" for Parquet). */
  lineNo: number;
  where: string;
  /** Progress position out of `total` (bytes for JSONL, rows for Parquet). */
  position: number;
};

export interface RowSource {
  readonly format: "jsonl" | "parquet";
  readonly total?: number;
  /** Rows after the first `skip`; `lastSkipped` receives the last skipped row (its id is checked on resume). */
  rows(skip: number, lastSkipped?: (row: InputRow) => void): AsyncGenerator<InputRow>;
}

export function jsonlSource(path: string): RowSource {
  // A compressed or Parquet file is refused before anything starts (stdin: at its first chunk).
  if (path !== "-") {
    const head = Buffer.alloc(8);
    const fd = openSync(path, "r");
    try {
      const kind = binaryKind(head.subarray(0, readSync(fd, head, 0, 8, 0)));
      if (kind !== undefined) throw new NotTextError(`not JSON lines: this is ${kind}`);
    } finally {
      closeSync(fd);
    }
  }
  return {
    format: "jsonl",
    total: path === "-" ? undefined : statSync(path).size,
    async *rows(skip, lastSkipped) {
      let index = 0;
      for await (const line of readLines(path)) {
        const row: InputRow = { lineNo: line.lineNo, where: `line ${line.lineNo}`, position: line.bytes };
        if (index++ < skip) {
          // Only the last skipped line is parsed: skipping a million done rows stays cheap.
          if (index === skip && lastSkipped) lastSkipped(parse(line, row));
          continue;
        }
        yield parse(line, row);
      }
    },
  };
}

function parse(line: Line, row: InputRow): InputRow {
  if (line.problem !== undefined) {
    row.error = line.problem;
    return row;
  }
  try {
    row.value = JSON.parse(line.text);
  } catch (err) {
    row.error = `not valid JSON (${(err as Error).message})`;
  }
  return row;
}

export async function parquetSource(path: string): Promise<RowSource> {
  const file = await openParquet(path);
  return {
    format: "parquet",
    total: file.rows,
    async *rows(skip, lastSkipped) {
      for await (const { row, index, error } of file.read(Math.max(0, skip - 1))) {
        const r: InputRow = { value: row, error, lineNo: index + 1, where: `row ${index + 1}`, position: index + 1 };
        if (index < skip) {
          lastSkipped?.(r);
          continue;
        }
        yield r;
      }
    },
  };
}

/** The input format: from the flag, else from the file name (`.parquet` / `.pq`), else JSONL. */
export function inputFormat(path: string, flag?: string): "jsonl" | "parquet" {
  if (flag === "jsonl" || flag === "parquet") return flag;
  return /\.(parquet|pq)$/i.test(path) ? "parquet" : "jsonl";
}
