import Database from "better-sqlite3";
import type { Status } from "../core/types.ts";
import type { ScoredSample } from "../pipeline/pipeline.ts";
import { SCHEMA, SCHEMA_VERSION } from "./schema.ts";

export type RunInfo = {
  id: number;
  kind: string;
  spec_hash: string;
  spec_name: string | null;
  spec_text: string;
  input: string | null;
  output: string | null;
  started_at: string;
  ended_at: string | null;
  rows: number;
  status_counts: Record<string, number>;
  summary: unknown;
};

export type StartRun = { kind: string; specHash: string; specName?: string; specText: string; input?: string; output?: string };

/**
 * The SQLite run store (better-sqlite3, WAL). Writes are batched in transactions: the CLI and the
 * server call recordResults once per batch, so 200k rows cost a few hundred transactions.
 */
export class RunStore {
  private readonly db: Database.Database;
  private readonly insertResult: Database.Statement;
  private readonly insertComponent: Database.Statement;

  constructor(readonly path: string) {
    this.db = new Database(path);
    this.db.pragma("journal_mode = WAL");
    this.db.pragma("synchronous = NORMAL");
    this.db.pragma("foreign_keys = ON");
    this.db.exec(SCHEMA);
    const v = this.db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as { value: string } | undefined;
    if (!v) this.db.prepare("INSERT INTO meta (key, value) VALUES ('schema_version', ?)").run(String(SCHEMA_VERSION));
    else if (Number(v.value) > SCHEMA_VERSION) throw new Error(`${path}: store schema version ${v.value} is newer than this rewardsmith (${SCHEMA_VERSION})`);
    this.insertResult = this.db.prepare(
      "INSERT OR REPLACE INTO results (run_id, seq, sample_id, group_id, score, status, reason, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    );
    this.insertComponent = this.db.prepare(
      "INSERT OR REPLACE INTO components (run_id, seq, name, score, status, reason, details) VALUES (?, ?, ?, ?, ?, ?, ?)",
    );
  }

  startRun(r: StartRun): number {
    const info = this.db
      .prepare("INSERT INTO runs (kind, spec_hash, spec_name, spec_text, input, output, started_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
      .run(r.kind, r.specHash, r.specName ?? null, r.specText, r.input ?? null, r.output ?? null, new Date().toISOString());
    return Number(info.lastInsertRowid);
  }

  /** The most recent unfinished run writing to `output` with the same spec, to continue after a crash. */
  findResumable(output: string, specHash: string): RunInfo | undefined {
    const row = this.db
      .prepare("SELECT * FROM runs WHERE output = ? AND spec_hash = ? AND ended_at IS NULL ORDER BY id DESC LIMIT 1")
      .get(output, specHash) as RawRun | undefined;
    return row ? parseRun(row) : undefined;
  }

  /** Records a batch of results starting at sequence number `firstSeq` (idempotent per seq). */
  recordResults(runId: number, firstSeq: number, results: readonly ScoredSample[], groups?: readonly (string | undefined)[], details = true): void {
    const now = Date.now();
    const tx = this.db.transaction(() => {
      results.forEach((r, k) => {
        const seq = firstSeq + k;
        this.insertResult.run(runId, seq, r.id, groups?.[k] ?? null, r.score, r.status, r.reason ?? null, now);
        for (const [name, c] of Object.entries(r.components)) {
          this.insertComponent.run(runId, seq, name, c.score, c.status, c.reason ?? null, details && c.details ? JSON.stringify(c.details) : null);
        }
      });
      // Sequence numbers are contiguous from 0, so the count is the highest one + 1.
      this.db.prepare("UPDATE runs SET rows = MAX(rows, ?) WHERE id = ?").run(firstSeq + results.length, runId);
    });
    tx();
  }

  finishRun(runId: number, statusCounts: Partial<Record<Status, number>>, summary: unknown): void {
    this.db
      .prepare("UPDATE runs SET ended_at = ?, status_counts = ?, summary = ?, rows = (SELECT COUNT(*) FROM results WHERE run_id = ?) WHERE id = ?")
      .run(new Date().toISOString(), JSON.stringify(statusCounts), JSON.stringify(summary), runId, runId);
  }

  listRuns(limit = 50): RunInfo[] {
    return (this.db.prepare("SELECT * FROM runs ORDER BY id DESC LIMIT ?").all(limit) as RawRun[]).map(parseRun);
  }

  getRun(id: number): RunInfo | undefined {
    const row = this.db.prepare("SELECT * FROM runs WHERE id = ?").get(id) as RawRun | undefined;
    return row ? parseRun(row) : undefined;
  }

  /** Results of a run in sequence order, each with its components. */
  results(runId: number, limit = 1000, offset = 0): StoredResult[] {
    const rows = this.db
      .prepare("SELECT seq, sample_id, group_id, score, status, reason FROM results WHERE run_id = ? ORDER BY seq LIMIT ? OFFSET ?")
      .all(runId, limit, offset) as { seq: number; sample_id: string; group_id: string | null; score: number | null; status: Status; reason: string | null }[];
    if (rows.length === 0) return [];
    const comps = this.db
      .prepare("SELECT seq, name, score, status, reason, details FROM components WHERE run_id = ? AND seq BETWEEN ? AND ?")
      .all(runId, rows[0]!.seq, rows[rows.length - 1]!.seq) as { seq: number; name: string; score: number | null; status: Status; reason: string | null; details: string | null }[];
    const bySeq = new Map<number, StoredResult>();
    const out = rows.map((r) => {
      const s: StoredResult = { seq: r.seq, id: r.sample_id, group: r.group_id ?? undefined, score: r.score, status: r.status, reason: r.reason ?? undefined, components: {} };
      bySeq.set(r.seq, s);
      return s;
    });
    for (const c of comps) {
      const s = bySeq.get(c.seq);
      if (!s) continue;
      s.components[c.name] = { score: c.score, status: c.status, reason: c.reason ?? undefined, details: c.details ? (JSON.parse(c.details) as Record<string, unknown>) : undefined };
    }
    return out;
  }

  getState<T>(key: string): T | undefined {
    const row = this.db.prepare("SELECT value FROM state WHERE key = ?").get(key) as { value: string } | undefined;
    return row ? (JSON.parse(row.value) as T) : undefined;
  }

  setState(key: string, value: unknown): void {
    this.db
      .prepare("INSERT INTO state (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at")
      .run(key, JSON.stringify(value), new Date().toISOString());
  }

  close(): void {
    this.db.close();
  }
}

export type StoredResult = {
  seq: number;
  id: string;
  group?: string;
  score: number | null;
  status: Status;
  reason?: string;
  components: Record<string, { score: number | null; status: Status; reason?: string; details?: Record<string, unknown> }>;
};

type RawRun = Omit<RunInfo, "status_counts" | "summary"> & { status_counts: string; summary: string | null };

function parseRun(r: RawRun): RunInfo {
  return { ...r, status_counts: JSON.parse(r.status_counts) as Record<string, number>, summary: r.summary ? (JSON.parse(r.summary) as unknown) : null };
}
