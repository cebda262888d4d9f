import { availableParallelism } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import { z } from "zod";
import { sqliteProblem } from "../../core/files.ts";
import { errorOutcome, invalidInput, ok, timeout } from "../../core/outcome.ts";
import { defineRewardType } from "../../core/reward-type.ts";
import { completionText } from "../../core/text.ts";
import type { Outcome, Sample } from "../../core/types.ts";
import { compareTables, toTable, type Cell, type CompareMode, type Table } from "./compare.ts";
import { extractSql } from "./extract.ts";
import { hasOrderBy, joinSplitOperators, removeDistinct } from "./lexer.ts";
import { SqlProcessPool } from "./pool.ts";
import type { ExecRequest, ExecResult } from "./protocol.ts";

const Params = z.strictObject({
  /**
   * bird: set equality of rows (BIRD's official EX; duplicates and row order ignored, column order counts).
   * spider: Spider test-suite — multiset of rows, columns may be permuted, order counts only when the gold has ORDER BY.
   * multiset: multiset equality of rows, column order counts, row order ignored.
   */
  mode: z.enum(["bird", "spider", "multiset"]).default("bird"),
  /** Database used when the reference names none (a path relative to the spec's directory). */
  db: z.string().min(1).optional(),
  /** Folder that relative `reference.db` paths and `reference.db_id` (`<db_dir>/<id>/<id>.sqlite`) resolve against. */
  db_dir: z.string().min(1).optional(),
  /** Where the completion's SQL is taken from (see extract.ts). */
  extract: z.enum(["auto", "sql_fence", "sql_tag", "solution_tag", "text"]).default("auto"),
  /** Per-query wall time; past it the process running the query is killed. */
  timeout_ms: z.number().int().min(10).max(600_000).default(5_000),
  /** Row cap per result (distinct rows in bird mode). A gold past it is an error; a prediction past it is wrong. */
  max_rows: z.number().int().min(1).max(10_000_000).default(10_000),
  /** Approximate size cap per result, MB. */
  max_result_mb: z.number().positive().max(4096).default(64),
  /** Memory SQLite may use per child process, MB (address-space limit, needs prlimit). */
  max_memory_mb: z.number().int().min(16).max(65_536).default(512),
  /** Child processes running queries (default: cores, between 2 and 4). */
  processes: z.number().int().min(1).max(64).optional(),
  /** Read `"x"` as the string 'x' when no column x exists, as SQLite's default build and Python's sqlite3 do. */
  double_quoted_strings: z.boolean().default(true),
  /** Round non-integral reals to this many significant digits before comparing; null compares exactly. */
  float_digits: z.number().int().min(1).max(17).nullable().default(null),
  /** spider mode: drop DISTINCT from both queries first (the test-suite's default without --keep_distinct). */
  remove_distinct: z.boolean().default(false),
  /** Score for a completion whose SQL is missing, fails, is refused or times out (0, or e.g. -1). */
  error_score: z.number().finite().default(0),
  /** Gold results kept per reward (by database and gold SQL). */
  gold_cache_size: z.number().int().min(0).default(4096),
});

type Gold =
  | { ok: true; table: Table; columns: string[]; orderMatters: boolean; dqsRewrites?: string[] }
  | { ok: false; reason: string; cache: boolean };

type Reference = { sql: string; db: string; field: string };

const PREVIEW_ROWS = 3;

function jsonCell(v: Cell): unknown {
  if (typeof v === "bigint") return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (v instanceof Uint8Array) return `x'${Buffer.from(v).toString("hex").slice(0, 64)}'`;
  if (typeof v === "string" && v.length > 100) return `${v.slice(0, 100)}…`;
  return v;
}

const clip = (s: string, n = 2000) => (s.length > n ? `${s.slice(0, n)}…` : s);

/**
 * Text-to-SQL execution accuracy on SQLite: the completion's query and the gold query run
 * read-only in killable child processes, and their results are compared (BIRD, Spider or
 * multiset rules). A gold query that fails is `error`; a predicted query that fails scores
 * `error_score` with SQLite's message in `details.error`.
 * @example
 * rewards:
 *   ex: { type: sql, mode: spider, db: data/geography.sqlite }
 * # sample: completion "```sql\nSELECT ...\n```", reference { sql: "SELECT ...", db?: "other.sqlite" }
 */
export const sql = defineRewardType({
  type: "sql",
  summary: "SQL execution accuracy: predicted and gold queries run read-only on SQLite, results compared (bird | spider | multiset)",
  params: Params,
  runs: "main",
  uses: ["completion", "reference"],
  defaultDeadlineMs: 30_000,
  describe: (p) => `${p.mode} execution match, ${p.timeout_ms} ms per query, at most ${p.max_rows} rows`,
  create(p, env) {
    const mode: CompareMode = p.mode;
    const files = new Set<string>();
    const dbDir = p.db_dir === undefined ? env.baseDir : resolve(env.baseDir, p.db_dir);
    const defaultDb = p.db === undefined ? undefined : resolve(env.baseDir, p.db);
    const defaultProblem = defaultDb === undefined ? undefined : sqliteProblem(defaultDb);
    if (defaultProblem !== undefined) throw new Error(`db: ${defaultProblem}: ${defaultDb}`);
    const pool = new SqlProcessPool({
      size: p.processes ?? Math.min(4, Math.max(2, availableParallelism())),
      memoryMb: p.max_memory_mb,
    });
    pool.warm();
    const request = (db: string, query: string): ExecRequest => ({
      db,
      sql: query,
      maxRows: p.max_rows,
      maxBytes: p.max_result_mb * 1024 * 1024,
      distinct: mode === "bird",
      dqs: p.double_quoted_strings,
      floatDigits: p.float_digits,
    });
    // Spider's own preprocessing of both queries.
    const prep = (q: string) => (mode !== "spider" ? q : p.remove_distinct ? removeDistinct(joinSplitOperators(q)) : joinSplitOperators(q));
    /** Why `path` cannot be queried (remembered once it can). */
    function dbProblem(path: string): string | undefined {
      if (files.has(path)) return undefined;
      const problem = sqliteProblem(path);
      if (problem === undefined) files.add(path);
      return problem;
    }

    function reference(s: Sample): Reference | string {
      const r = s.reference;
      if (r === undefined || r === null) return "reference: missing (expected { sql, db })";
      if (typeof r === "string") {
        if (!r.trim()) return "reference: empty gold SQL";
        if (defaultDb === undefined) return "reference: a bare gold SQL string needs the `db` param";
        return { sql: r, db: defaultDb, field: "db" };
      }
      if (typeof r !== "object" || Array.isArray(r)) return "reference: expected { sql, db } or a gold SQL string";
      const o = r as Record<string, unknown>;
      if (o.sql === undefined) return "reference.sql: missing";
      if (typeof o.sql !== "string" || !o.sql.trim()) return "reference.sql: expected a non-empty SQL string";
      if (o.db !== undefined) {
        if (typeof o.db !== "string" || !o.db) return "reference.db: expected a path string";
        return { sql: o.sql, db: isAbsolute(o.db) ? o.db : resolve(dbDir, o.db), field: "reference.db" };
      }
      if (o.db_id !== undefined) {
        if (typeof o.db_id !== "string" || !/^[\w.-]+$/.test(o.db_id) || o.db_id.startsWith(".")) {
          return "reference.db_id: expected a database name (letters, digits, _ . -)";
        }
        return { sql: o.sql, db: join(dbDir, o.db_id, `${o.db_id}.sqlite`), field: "reference.db_id" };
      }
      if (defaultDb !== undefined) return { sql: o.sql, db: defaultDb, field: "db" };
      return "reference.db: missing (set reference.db, reference.db_id or the `db` param)";
    }

    const goldCache = new Map<string, Promise<Gold>>();
    function gold(db: string, goldSql: string): Promise<Gold> {
      const key = `${db}\u0000${goldSql}`;
      const hit = goldCache.get(key);
      if (hit) {
        goldCache.delete(key);
        goldCache.set(key, hit);
        return hit;
      }
      const query = prep(goldSql);
      // Not tied to one sample's signal: other samples may be waiting on the same gold.
      const run = pool.run(request(db, query), { timeoutMs: p.timeout_ms }).then((r) => goldFrom(r, query));
      if (p.gold_cache_size > 0) {
        goldCache.set(key, run);
        if (goldCache.size > p.gold_cache_size) goldCache.delete(goldCache.keys().next().value!);
        void run.then((g) => {
          if (!g.ok && !g.cache && goldCache.get(key) === run) goldCache.delete(key);
        });
      }
      return run;
    }

    function goldFrom(r: ExecResult, query: string): Gold {
      switch (r.kind) {
        case "rows": {
          if (r.truncated) {
            const cap = r.truncated === "rows" ? `max_rows (${p.max_rows})` : `max_result_mb (${p.max_result_mb})`;
            return { ok: false, reason: `gold result exceeds ${cap}; raise it to score this sample`, cache: true };
          }
          const g: Gold = {
            ok: true,
            table: toTable(r.rows, r.columns.length, p.float_digits),
            columns: r.columns,
            orderMatters: mode === "spider" && hasOrderBy(query),
          };
          if (r.dqsRewrites) g.dqsRewrites = r.dqsRewrites;
          return g;
        }
        case "sql_error":
        case "refused":
        case "db_error":
          return { ok: false, reason: `gold SQL failed: ${r.message}`, cache: true };
        case "timeout":
          return { ok: false, reason: `gold SQL timed out after ${r.ms} ms (timeout_ms ${p.timeout_ms})`, cache: false };
        case "crash":
          return { ok: false, reason: `gold SQL: ${r.message}`, cache: false };
        case "aborted":
          return { ok: false, reason: "gold SQL aborted", cache: false };
      }
    }

    async function one(s: Sample, signal: AbortSignal): Promise<Outcome> {
      const ref = reference(s);
      if (typeof ref === "string") return invalidInput(ref);
      const problem = dbProblem(ref.db);
      if (problem !== undefined) return invalidInput(`${ref.field}: ${problem}: ${ref.db}`);
      const found = extractSql(completionText(s), p.extract);
      const goldP = gold(ref.db, ref.sql);
      if (found === undefined) {
        const g = await goldP;
        if (!g.ok) return errorOutcome(g.reason, { gold_sql: clip(ref.sql) });
        return ok(p.error_score, { mode, match: false, error: `no SQL found (extract: ${p.extract})` });
      }
      const predSql = prep(found.sql);
      const [g, r] = await Promise.all([goldP, pool.run(request(ref.db, predSql), { timeoutMs: p.timeout_ms, signal })]);
      if (!g.ok) return errorOutcome(g.reason, { gold_sql: clip(ref.sql) });
      const base: Record<string, unknown> = { mode, sql: clip(found.sql), from: found.from };
      if (mode === "spider") base.order_matters = g.orderMatters;
      const failed = (error: string, kind: string) => ok(p.error_score, { ...base, match: false, error, error_kind: kind });
      switch (r.kind) {
        case "sql_error":
          return failed(r.message, "sqlite");
        case "refused":
          return failed(`refused: ${r.message}`, "refused");
        case "db_error":
          return errorOutcome(`database: ${r.message}`);
        case "timeout":
          return failed(`timed out after ${r.ms} ms (timeout_ms ${p.timeout_ms}); the query was killed`, "timeout");
        case "crash":
          if (r.message.startsWith("SQL processes fail to start")) return errorOutcome(r.message);
          return failed(`the query's process died: ${r.message}`, "crash");
        case "aborted":
          return timeout("aborted at the call deadline; the query was killed");
        case "rows":
          break;
      }
      const details: Record<string, unknown> = { ...base, gold_rows: g.table.rows.length, pred_rows: r.rows.length, pred_columns: r.columns };
      if (r.dqsRewrites) details.dqs_rewrites = r.dqsRewrites;
      if (r.truncated) {
        const cap = r.truncated === "rows" ? `max_rows (${p.max_rows})` : `max_result_mb (${p.max_result_mb})`;
        return ok(0, { ...details, match: false, why: `predicted result exceeds ${cap}`, truncated: true });
      }
      const v = compareTables(g.table, toTable(r.rows, r.columns.length, p.float_digits), { mode, orderMatters: g.orderMatters });
      details.match = v.equal;
      details.why = v.why;
      if (v.permutation && !v.permutation.every((j, i) => j === i)) details.permutation = v.permutation;
      if (!v.equal) details.preview = r.rows.slice(0, PREVIEW_ROWS).map((row) => row.map(jsonCell));
      return ok(v.equal ? 1 : 0, details);
    }

    return {
      name: env.name,
      score: (batch, ctx) => Promise.all(batch.map((s) => one(s, ctx.signal))),
      close: () => pool.close(),
    };
  },
});
