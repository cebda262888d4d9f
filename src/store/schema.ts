/**
 * The run store's tables. `runs` holds one row per scoring run (CLI job or server lifetime) with
 * the spec's text and hash; `results` one row per scored sample; `components` one row per
 * reward of each sample (details as JSON); `state` persists stateful combine pieces (running
 * statistics, frozen references, adaptive weights) across restarts.
 */
export const SCHEMA_VERSION = 1;

export const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL,
  spec_hash TEXT NOT NULL,
  spec_name TEXT,
  spec_text TEXT NOT NULL,
  input TEXT,
  output TEXT,
  started_at TEXT NOT NULL,
  ended_at TEXT,
  rows INTEGER NOT NULL DEFAULT 0,
  status_counts TEXT NOT NULL DEFAULT '{}',
  summary TEXT
);
CREATE INDEX IF NOT EXISTS runs_output ON runs(output);
CREATE TABLE IF NOT EXISTS results (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  sample_id TEXT NOT NULL,
  group_id TEXT,
  score REAL,
  status TEXT NOT NULL,
  reason TEXT,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (run_id, seq)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS results_sample ON results(sample_id);
CREATE TABLE IF NOT EXISTS components (
  run_id INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  name TEXT NOT NULL,
  score REAL,
  status TEXT NOT NULL,
  reason TEXT,
  details TEXT,
  PRIMARY KEY (run_id, seq, name)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS state (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
`;
