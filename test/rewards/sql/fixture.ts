import Database from "better-sqlite3";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compile } from "../../../src/index.ts";
import type { Sample } from "../../../src/core/types.ts";

const script = readFileSync(new URL("../../fixtures/sql/concerts.sql", import.meta.url), "utf8");

/** Builds test/fixtures/sql/concerts.sql into a fresh temporary database; returns its folder and path. */
export function buildFixture(): { dir: string; db: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), "rs-sql-test-"));
  const db = join(dir, "concerts.sqlite");
  const conn = new Database(db);
  conn.exec(script);
  conn.close();
  return { dir, db, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Compiles a spec with one sql reward named `ex`, scores the samples and closes the pipeline. */
export async function scoreSql(params: Record<string, unknown>, samples: Partial<Sample>[], baseDir?: string) {
  const p = await compile({ rewards: { ex: { type: "sql", ...params } } }, baseDir === undefined ? {} : { baseDir });
  try {
    const full = samples.map((s, i) => ({ id: String(i), prompt: "", completion: "", ...s }) as Sample);
    return (await p.score(full)).map((r) => r.components.ex!);
  } finally {
    await p.close();
  }
}
