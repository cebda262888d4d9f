/**
 * Input rows for `score`, from JSONL (a file or stdin) or Parquet, with what --resume and the
 * progress bar need: skipping done rows cheaply, the last skipped row for the id check, and a
 * position out of a known total.
 */
import { statSync } from "node:fs";
import { readLines } from "./lines.ts";
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
  return {
    format: "jsonl",
    total: path === "-" ? undefined : statSync(path).size,
    async *rows(skip, lastSkipped) {
      let index = 0;
      for await (const line of readLines(path)) {
        const row: InputRow = { lineNo: line.lineNo, where: `line ${line.lineNo}`, position: line.bytes };
        if (index++ < skip) {
          // Only the last skipped line is parsed: skipping a million done rows stays cheap.
          if (index === skip && lastSkipped) lastSkipped(parse(line.text, row));
          continue;
        }
        yield parse(line.text, row);
      }
    },
  };
}

function parse(text: string, row: InputRow): InputRow {
  try {
    row.value = JSON.parse(text);
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
      for await (const { row, index } of file.read(Math.max(0, skip - 1))) {
        const r: InputRow = { value: row, lineNo: index + 1, where: `row ${index + 1}`, position: index + 1 };
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
