/**
 * Entry point of a SQL child process (started by pool.ts, never imported). It runs one query at
 * a time on SQLite files opened read-only. It can be SIGKILLed at any moment — that is the point:
 * better-sqlite3 has no interrupt and its build omits the progress handler, so a query stuck in
 * native code can only be stopped by killing the process that runs it.
 */
import type BetterSqlite3 from "better-sqlite3";
import { createRequire } from "node:module";
import { cellKey, type Cell } from "./compare.ts";
import { leadingKeyword, rewriteDoubleQuoted } from "./lexer.ts";
import type { ExecRequest, ExecResult, FromChild, ToChild } from "./protocol.ts";

// Resolved from the location the parent passes: when run from sources this file is a bundle in tmpdir.
const Database = createRequire(process.argv[2] ?? import.meta.url)("better-sqlite3") as typeof BetterSqlite3;
type DB = BetterSqlite3.Database;

const MAX_OPEN = 8;
const open = new Map<string, DB>();

function database(path: string): DB {
  const hit = open.get(path);
  if (hit) {
    open.delete(path);
    open.set(path, hit);
    return hit;
  }
  const db = new Database(path, { readonly: true, fileMustExist: true });
  // Belt and braces beside the read-only handle: no writes even to temp objects, sorts stay in
  // memory (no temp files), functions in the schema (views, triggers) may not have side effects.
  db.pragma("query_only = ON");
  db.pragma("temp_store = MEMORY");
  db.pragma("trusted_schema = OFF");
  db.pragma("cache_size = -4000");
  db.defaultSafeIntegers(true);
  open.set(path, db);
  if (open.size > MAX_OPEN) {
    const [oldest, old] = open.entries().next().value as [string, DB];
    open.delete(oldest);
    old.close();
  }
  return db;
}

const ALLOWED = new Set(["SELECT", "WITH", "VALUES"]);
const MAX_DQS_REWRITES = 64;
const NO_SUCH_COLUMN = /^no such column: (.*?)(?: - should this be a string literal in single-quotes\?)?$/;

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function cellBytes(v: Cell): number {
  if (typeof v === "string") return 16 + v.length * 2;
  if (v instanceof Uint8Array) return 16 + v.byteLength;
  return 16;
}

function run(req: ExecRequest): ExecResult {
  const t0 = performance.now();
  let db: DB;
  try {
    db = database(req.db);
  } catch (err) {
    return { kind: "db_error", message: message(err) };
  }
  let sql = req.sql;
  const dqsRewrites: string[] = [];
  let stmt: BetterSqlite3.Statement<unknown[], Cell[]>;
  for (;;) {
    try {
      stmt = db.prepare<unknown[], Cell[]>(sql);
      break;
    } catch (err) {
      const msg = message(err);
      if (/more than one statement/.test(msg)) {
        return { kind: "refused", message: "only a single statement is allowed; the SQL has more than one" };
      }
      const missing = req.dqs && dqsRewrites.length < MAX_DQS_REWRITES ? NO_SUCH_COLUMN.exec(msg)?.[1] : undefined;
      const rewritten = missing === undefined ? undefined : rewriteDoubleQuoted(sql, missing);
      if (rewritten === undefined) return { kind: "sql_error", message: msg, code: (err as { code?: string }).code };
      dqsRewrites.push(missing!);
      sql = rewritten;
    }
  }
  // Preparing compiles without running, so SQLite's own message comes first for malformed SQL;
  // what may run is then narrowed to one read-only query.
  const first = leadingKeyword(sql);
  if (first === undefined || !ALLOWED.has(first)) {
    return { kind: "refused", message: `only a single read-only query (SELECT, WITH or VALUES) is allowed; got ${(first ?? "nothing").slice(0, 40)}` };
  }
  // sqlite3_stmt_readonly catches INSERT ... RETURNING and friends; reader catches ATTACH, PRAGMA sets.
  if (!stmt.reader) return { kind: "refused", message: "the statement returns no rows (not a query)" };
  if (!stmt.readonly) return { kind: "refused", message: "the statement would write to the database" };
  try {
    stmt.raw(true);
    const columns = stmt.columns().map((c) => c.name);
    const rows: Cell[][] = [];
    const seen = req.distinct ? new Set<string>() : undefined;
    let bytes = 0;
    let truncated: "rows" | "bytes" | undefined;
    for (const row of stmt.iterate()) {
      if (seen) {
        const key = JSON.stringify(row.map((v) => cellKey(v, req.floatDigits)));
        if (seen.has(key)) continue;
        seen.add(key);
      }
      if (rows.length >= req.maxRows) {
        truncated = "rows";
        break;
      }
      for (const v of row) bytes += cellBytes(v);
      if (bytes > req.maxBytes) {
        truncated = "bytes";
        break;
      }
      rows.push(row);
    }
    const result: ExecResult = { kind: "rows", columns, rows, ms: performance.now() - t0 };
    if (truncated) result.truncated = truncated;
    if (dqsRewrites.length > 0) result.dqsRewrites = dqsRewrites;
    return result;
  } catch (err) {
    return { kind: "sql_error", message: message(err), code: (err as { code?: string }).code };
  }
}

const send = (m: FromChild) => process.send!(m);

process.on("message", (m: ToChild) => {
  let result: ExecResult;
  try {
    result = run(m.req);
  } catch (err) {
    result = { kind: "sql_error", message: message(err) };
  }
  send({ type: "result", id: m.id, result });
});
// The parent went away (it also set PR_SET_PDEATHSIG, which covers a parent killed mid-query).
process.on("disconnect", () => process.exit(0));
send({ type: "ready" });
