/**
 * Hostile SQL: each statement below is stopped (killed at the deadline) or refused, the database
 * file is unchanged, nothing is left running, and the reward keeps scoring afterwards.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Outcome } from "../../../src/core/types.ts";
import { compile } from "../../../src/index.ts";
import type { Pipeline } from "../../../src/pipeline/pipeline.ts";
import { buildFixture } from "./fixture.ts";

let fx: ReturnType<typeof buildFixture>;
let p: Pipeline;
let dbHash: string;
let files: string[];
const GOLD = { sql: "SELECT name FROM singer WHERE country = 'France'" };
const hash = (f: string) => createHash("sha256").update(readFileSync(f)).digest("hex");

/** Our direct children (the SQL processes), from /proc. */
function childPids(): number[] {
  const out: number[] = [];
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === process.pid) out.push(Number(d));
    } catch {
      /* exited meanwhile */
    }
  }
  return out;
}
const alive = (pid: number) => existsSync(`/proc/${pid}`) && !/\) Z /.test(safeRead(`/proc/${pid}/stat`));
const safeRead = (f: string) => {
  try {
    return readFileSync(f, "utf8");
  } catch {
    return "";
  }
};
async function until(cond: () => boolean, ms = 5000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return cond();
}

async function attack(sql: string): Promise<Outcome> {
  const [r] = await p.score([{ id: "h", prompt: "", completion: sql, reference: GOLD }]);
  return r!.components.ex!;
}
async function stillWorks(): Promise<void> {
  const [r] = await p.score([{ id: "ok", prompt: "", completion: `SELECT name FROM singer WHERE country = 'France' -- ${Math.random()}`, reference: GOLD }]);
  assert.equal(r!.components.ex!.score, 1, "the reward still scores a correct query");
}

before(async () => {
  fx = buildFixture();
  dbHash = hash(fx.db);
  files = readdirSync(fx.dir).sort();
  p = await compile({
    cache_size: 0,
    rewards: { ex: { type: "sql", db: fx.db, timeout_ms: 1000, max_rows: 1000, max_result_mb: 1, max_memory_mb: 64, processes: 2 } },
  });
});
after(async () => {
  await p.close();
  fx.cleanup();
});

describe("sql hostile: stopped at the deadline", () => {
  it("an endless recursive CTE is killed at timeout_ms and its process replaced", async () => {
    await stillWorks();
    const before = childPids();
    const o = await attack("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c");
    assert.equal(o.status, "ok");
    assert.equal(o.score, 0);
    assert.equal(o.details!.error_kind, "timeout");
    assert.match(String(o.details!.error), /timed out after \d+ ms \(timeout_ms 1000\); the query was killed/);
    assert.ok(await until(() => before.some((pid) => !alive(pid))), "the process that ran it is gone");
    await stillWorks();
  });

  it("a huge cross join is killed (aggregate) or cut at max_rows (rows)", async () => {
    const counted = await attack("SELECT count(*) FROM singer a, singer b, concert c, singer d, singer e, singer f, singer g, singer h, singer i, singer j, singer k");
    assert.equal(counted.details!.error_kind, "timeout");
    const rows = await attack("SELECT * FROM singer a, singer b, concert c, singer d, singer e, singer f");
    assert.equal(rows.score, 0);
    assert.equal(rows.details!.truncated, true);
    assert.equal(rows.details!.pred_rows, 1000);
    assert.match(String(rows.details!.why), /exceeds max_rows \(1000\)/);
    await stillWorks();
  });

  it("huge values are cut at max_result_mb; a memory bomb fails inside SQLite", async () => {
    const wide = await attack("SELECT printf('%.*c', 400000, 'x') || name FROM singer");
    assert.equal(wide.score, 0);
    assert.match(String(wide.details!.why), /exceeds max_result_mb/);
    const bomb = await attack("SELECT length(zeroblob(300000000) || zeroblob(300000000))");
    assert.equal(bomb.score, 0);
    assert.match(String(bomb.details!.error), /out of memory/);
    await stillWorks();
  });

  it("the call deadline (ctx.signal) kills a running query too", async () => {
    const before = new Set(childPids());
    const short = await compile({ rewards: { ex: { type: "sql", db: fx.db, timeout_ms: 60_000, processes: 1, deadline_ms: 400 } } });
    try {
      // Wait until its process is up (a busy machine can take longer than the 400 ms deadline to start one).
      for (let i = 0; i < 20; i++) {
        const [w] = await short.score([{ id: `w${i}`, prompt: "", completion: "SELECT 1", reference: { sql: "SELECT 1" } }]);
        if (w!.components.ex!.status === "ok") break;
      }
      const first = childPids().filter((pid) => !before.has(pid));
      assert.equal(first.length, 1, "the reward started one process");
      const [r] = await short.score([{ id: "x", prompt: "", completion: "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT max(x) FROM c", reference: GOLD }]);
      assert.equal(r!.components.ex!.status, "timeout");
      assert.ok(await until(() => !alive(first[0]!)), "the process running the query was killed");
    } finally {
      await short.close();
    }
  });

  it("a SQL process dies with its parent even while stuck in SQLite", async () => {
    const helper = spawn(process.execPath, ["--import", "tsx", join(import.meta.dirname, "orphan-parent.ts"), fx.db], { stdio: ["ignore", "pipe", "inherit"] });
    const line = await new Promise<string>((resolve, reject) => {
      let buf = "";
      helper.stdout.on("data", (d) => {
        buf += d;
        if (buf.includes("\n")) resolve(buf.split("\n")[0]!);
      });
      helper.on("exit", () => reject(new Error("helper exited early")));
    });
    const { pids } = JSON.parse(line) as { pids: number[] };
    assert.ok(pids.length === 1 && alive(pids[0]!));
    helper.kill("SIGKILL");
    assert.ok(await until(() => !alive(pids[0]!)), "the orphan was killed by PR_SET_PDEATHSIG");
  });
});

describe("sql hostile: refused or powerless", () => {
  const refused = [
    "ATTACH DATABASE '/tmp/rs-evil.sqlite' AS evil",
    "DETACH DATABASE main",
    "INSERT INTO singer (name) VALUES ('mallory')",
    "UPDATE singer SET name = 'mallory'",
    "DELETE FROM singer",
    "REPLACE INTO singer (singer_id, name) VALUES (1, 'mallory')",
    "DROP TABLE singer",
    "CREATE TABLE evil (x)",
    "CREATE TEMP TABLE evil (x)",
    "ALTER TABLE singer ADD COLUMN evil",
    "INSERT INTO singer (name) VALUES ('mallory') RETURNING *",
    "WITH c AS (SELECT 1) INSERT INTO singer (name) SELECT 'mallory' FROM c RETURNING name",
    "PRAGMA writable_schema = 1",
    "PRAGMA query_only = 0",
    "PRAGMA journal_mode = DELETE",
    "VACUUM INTO '/tmp/rs-sql-vacuum-copy.sqlite'",
    "BEGIN IMMEDIATE",
    "SELECT 1; DROP TABLE singer",
    "SELECT 1; ATTACH DATABASE ':memory:' AS evil",
  ];
  for (const sql of refused) {
    it(`refused: ${sql}`, async () => {
      const o = await attack(sql);
      assert.equal(o.status, "ok");
      assert.equal(o.score, 0);
      assert.equal(o.details!.error_kind, "refused", String(o.details!.error));
    });
  }

  it("load_extension() and the CLI's file functions are unavailable", async () => {
    const ext = await attack("SELECT load_extension('/tmp/rs-evil.so')");
    assert.equal(ext.score, 0);
    assert.equal(ext.details!.error, "not authorized");
    for (const f of ["SELECT readfile('/etc/passwd')", "SELECT writefile('/tmp/rs-evil', 'x')", "SELECT edit('x', 'vi')"]) {
      const o = await attack(f);
      assert.equal(o.score, 0);
      assert.match(String(o.details!.error), /no such function/);
    }
  });

  it("a parser bomb is an ordinary SQLite error", async () => {
    const o = await attack(`SELECT ${"(".repeat(5000)}1${")".repeat(5000)}`);
    assert.equal(o.score, 0);
    assert.equal(o.details!.error_kind, "sqlite");
  });

  it("after all of it: the database is unchanged, no file was written, the reward works", async () => {
    assert.equal(hash(fx.db), dbHash);
    assert.deepEqual(readdirSync(fx.dir).sort(), files);
    assert.equal(existsSync("/tmp/rs-sql-vacuum-copy.sqlite"), false);
    assert.equal(existsSync("/tmp/rs-evil"), false);
    assert.equal(existsSync("/tmp/rs-evil.sqlite"), false);
    await stillWorks();
  });

  it("close() leaves no SQL process behind", async () => {
    const extra = await compile({ rewards: { ex: { type: "sql", db: fx.db, processes: 2 } } });
    const before = new Set(childPids());
    await extra.score([{ id: "x", prompt: "", completion: "SELECT 1", reference: GOLD }]);
    const mine = childPids().filter((pid) => !before.has(pid));
    await extra.close();
    assert.ok(await until(() => mine.every((pid) => !alive(pid))), "every process of the closed reward is gone");
  });
});
