import type { Cell } from "./compare.ts";

/** One query for a SQL child process. Sent over IPC with the "advanced" (structured clone) serialization. */
export type ExecRequest = {
  /** Absolute path of the SQLite file, opened read-only. */
  db: string;
  sql: string;
  /** Stop after this many rows (distinct rows when `distinct`); one more marks the result truncated. */
  maxRows: number;
  /** Stop once the result's approximate size passes this many bytes. */
  maxBytes: number;
  /** Drop duplicate rows while reading (BIRD compares sets, so the row cap counts distinct rows). */
  distinct: boolean;
  /** Read `"x"` as the string 'x' when no column x exists (SQLite's legacy DQS rule). */
  dqs: boolean;
  /** Float rounding used for `distinct` (the same keys the comparison uses). */
  floatDigits: number | null;
};

export type ExecResult =
  | {
      kind: "rows";
      columns: string[];
      rows: Cell[][];
      /** Set when the cap was hit: the rows are the first ones only. */
      truncated?: "rows" | "bytes";
      /** Double-quoted tokens read as strings, e.g. `"arizona"`. */
      dqsRewrites?: string[];
      ms: number;
    }
  /** SQLite rejected or failed the statement (syntax, no such table, out of memory...). */
  | { kind: "sql_error"; message: string; code?: string }
  /** The statement was refused before running: not a single read-only query. */
  | { kind: "refused"; message: string }
  /** The database could not be opened. */
  | { kind: "db_error"; message: string }
  /** Killed at the per-query deadline. */
  | { kind: "timeout"; ms: number }
  /** The process died while running the query (memory limit, native fault). */
  | { kind: "crash"; message: string }
  /** The caller's signal aborted the query; the process running it was killed. */
  | { kind: "aborted" };

export type ToChild = { id: number; req: ExecRequest };
export type FromChild = { type: "ready" } | { type: "result"; id: number; result: ExecResult };
