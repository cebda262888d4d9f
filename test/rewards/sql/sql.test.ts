import Database from "better-sqlite3";
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Outcome } from "../../../src/core/types.ts";
import { compile } from "../../../src/index.ts";
import type { Pipeline } from "../../../src/pipeline/pipeline.ts";
import { buildFixture, scoreSql } from "./fixture.ts";

let fx: ReturnType<typeof buildFixture>;
let three: Pipeline;
before(async () => {
  fx = buildFixture();
  // One reward per mode, compiled once: these tests compare the modes on the same inputs.
  const common = { type: "sql", db: fx.db, processes: 1 };
  three = await compile({
    cache_size: 0,
    rewards: { bird: { ...common, mode: "bird" }, multiset: { ...common, mode: "multiset" }, spider: { ...common, mode: "spider" } },
  });
});
after(async () => {
  await three.close();
  fx.cleanup();
});

const fence = (sql: string) => `Here is the query:\n\`\`\`sql\n${sql}\n\`\`\``;

/** Scores one predicted query against one gold query in each of the three modes. */
async function modes(pred: string, gold: string, extra: Record<string, unknown> = {}) {
  if (Object.keys(extra).length > 0) {
    const out: Record<string, Outcome> = {};
    for (const mode of ["bird", "multiset", "spider"]) {
      const [o] = await scoreSql({ mode, db: fx.db, processes: 1, ...extra }, [{ completion: fence(pred), reference: { sql: gold } }]);
      out[mode] = o!;
    }
    return out;
  }
  const [r] = await three.score([{ id: "x", prompt: "", completion: fence(pred), reference: { sql: gold } }]);
  return r!.components;
}
const scores = (o: Record<string, Outcome>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, v.score]));

describe("sql reward: execution match", () => {
  it("a query matches itself in every mode", async () => {
    const q = "SELECT s.name, c.concert_name FROM singer s JOIN singer_in_concert x ON s.singer_id = x.singer_id JOIN concert c ON c.concert_id = x.concert_id";
    const o = await modes(q, q);
    assert.deepEqual(scores(o), { bird: 1, multiset: 1, spider: 1 });
    assert.equal(o.bird!.details!.gold_rows, 9);
    assert.equal(o.bird!.details!.pred_rows, 9);
  });

  it("a wrong answer scores 0 with the reason", async () => {
    const o = await modes("SELECT name FROM singer WHERE age > 40", "SELECT name FROM singer WHERE age > 30");
    assert.deepEqual(scores(o), { bird: 0, multiset: 0, spider: 0 });
    assert.equal(o.multiset!.status, "ok");
    assert.match(String(o.multiset!.details!.why), /row counts differ: gold 4, predicted 3/);
    assert.deepEqual(o.multiset!.details!.preview, [["Joe Sharp"], ["Rose White"], ["John Nizinik"]]);
  });

  it("swapped columns: only spider accepts", async () => {
    const o = await modes("SELECT age, name FROM singer", "SELECT name, age FROM singer");
    assert.deepEqual(scores(o), { bird: 0, multiset: 0, spider: 1 });
    assert.deepEqual(o.spider!.details!.permutation, [1, 0]);
  });

  it("DISTINCT vs duplicates: only bird accepts", async () => {
    const o = await modes("SELECT DISTINCT country FROM singer WHERE country = 'France'", "SELECT country FROM singer WHERE country = 'France'");
    assert.deepEqual(scores(o), { bird: 1, multiset: 0, spider: 0 });
    // The Spider test-suite's default (no --keep_distinct) drops DISTINCT from both queries first.
    const [r] = await scoreSql({ mode: "spider", db: fx.db, remove_distinct: true }, [
      { completion: fence("SELECT DISTINCT country FROM singer WHERE country = 'France'"), reference: { sql: "SELECT country FROM singer WHERE country = 'France'" } },
    ]);
    assert.equal(r!.score, 1);
  });

  it("ordering: spider checks row order only when the gold has ORDER BY", async () => {
    const desc = "SELECT name FROM singer ORDER BY age DESC";
    const ordered = await modes(desc, "SELECT name FROM singer ORDER BY age");
    assert.deepEqual(scores(ordered), { bird: 1, multiset: 1, spider: 0 });
    assert.equal(ordered.spider!.details!.order_matters, true);
    const unordered = await modes(desc, "SELECT name FROM singer");
    assert.deepEqual(scores(unordered), { bird: 1, multiset: 1, spider: 1 });
    assert.equal(unordered.spider!.details!.order_matters, false);
    // Same order as the gold: all accept.
    assert.deepEqual(scores(await modes("SELECT name FROM singer ORDER BY age ASC", "SELECT name FROM singer ORDER BY age")), { bird: 1, multiset: 1, spider: 1 });
  });

  it("value normalization: 1 = 1.0, NULL = NULL, '1' != 1, a big integer keeps its digits", async () => {
    assert.deepEqual(scores(await modes("SELECT 2.0", "SELECT 2")), { bird: 1, multiset: 1, spider: 1 });
    assert.deepEqual(scores(await modes("SELECT r FROM edge WHERE k = 'one'", "SELECT i FROM edge WHERE k = 'one'")), { bird: 1, multiset: 1, spider: 1 });
    assert.deepEqual(scores(await modes("SELECT NULL", "SELECT country FROM singer WHERE singer_id = 6")), { bird: 1, multiset: 1, spider: 1 });
    assert.deepEqual(scores(await modes("SELECT ''", "SELECT country FROM singer WHERE singer_id = 6")), { bird: 0, multiset: 0, spider: 0 });
    assert.deepEqual(scores(await modes("SELECT '2'", "SELECT 2")), { bird: 0, multiset: 0, spider: 0 });
    // 9007199254740993 (2^53 + 1) is read as a BigInt, so it differs from the real 2^53 ...
    assert.deepEqual(scores(await modes("SELECT r FROM edge WHERE k = 'big'", "SELECT i FROM edge WHERE k = 'big'")), { bird: 0, multiset: 0, spider: 0 });
    assert.deepEqual(scores(await modes("SELECT 9007199254740993", "SELECT i FROM edge WHERE k = 'big'")), { bird: 1, multiset: 1, spider: 1 });
    assert.deepEqual(scores(await modes("SELECT x'00FF'", "SELECT b FROM edge WHERE k = 'big'")), { bird: 1, multiset: 1, spider: 1 });
  });

  it("floats are exact unless float_digits is set", async () => {
    assert.deepEqual(scores(await modes("SELECT 0.3", "SELECT r FROM edge WHERE k = 'third'")), { bird: 0, multiset: 0, spider: 0 });
    assert.deepEqual(scores(await modes("SELECT 0.3", "SELECT r FROM edge WHERE k = 'third'", { float_digits: 12 })), { bird: 1, multiset: 1, spider: 1 });
    assert.deepEqual(scores(await modes("SELECT avg(net_worth) FROM singer", "SELECT sum(net_worth) / count(net_worth) FROM singer")), { bird: 1, multiset: 1, spider: 1 });
  });

  it("two empty results match whatever their columns", async () => {
    const o = await modes("SELECT name, age FROM singer WHERE age > 200", "SELECT name FROM singer WHERE age > 100");
    assert.deepEqual(scores(o), { bird: 1, multiset: 1, spider: 1 });
    assert.equal(o.bird!.details!.why, "both results are empty");
  });

  it("double-quoted strings are read as strings when no such column exists (legacy SQLite rule)", async () => {
    const pred = 'SELECT "name" FROM singer WHERE country = "France"';
    const [r] = await scoreSql({ db: fx.db }, [{ completion: pred, reference: { sql: "SELECT name FROM singer WHERE country = 'France'" } }]);
    assert.equal(r!.score, 1);
    assert.deepEqual(r!.details!.dqs_rewrites, ['"France"']);
    const [strict] = await scoreSql({ db: fx.db, double_quoted_strings: false }, [
      { completion: pred, reference: { sql: "SELECT name FROM singer WHERE country = 'France'" } },
    ]);
    assert.equal(strict!.score, 0);
    assert.match(String(strict!.details!.error), /no such column: "France"/);
  });
});

describe("sql reward: failures are typed", () => {
  it("a gold query that fails is status error, not 0", async () => {
    const [r] = await scoreSql({ db: fx.db }, [{ completion: "SELECT 1", reference: { sql: "SELECT nope FROM singer" } }]);
    assert.equal(r!.status, "error");
    assert.equal(r!.score, null);
    assert.match(r!.reason!, /gold SQL failed: no such column: nope/);
  });

  it("a predicted query that fails scores error_score with SQLite's message", async () => {
    const samples = [{ completion: "SELECT nope FROM singer", reference: { sql: "SELECT name FROM singer" } }];
    const [r] = await scoreSql({ db: fx.db }, samples);
    assert.equal(r!.status, "ok");
    assert.equal(r!.score, 0);
    assert.equal(r!.details!.error, "no such column: nope");
    assert.equal(r!.details!.error_kind, "sqlite");
    const [neg] = await scoreSql({ db: fx.db, error_score: -1 }, samples);
    assert.equal(neg!.score, -1);
    const [syntax] = await scoreSql({ db: fx.db }, [{ completion: "SELEC name FROM singer", reference: { sql: "SELECT name FROM singer" } }]);
    assert.match(String(syntax!.details!.error), /syntax error/);
  });

  it("no SQL in a strict extract setting scores error_score", async () => {
    const [r] = await scoreSql({ db: fx.db, extract: "solution_tag" }, [{ completion: "SELECT name FROM singer", reference: { sql: "SELECT name FROM singer" } }]);
    assert.equal(r!.score, 0);
    assert.match(String(r!.details!.error), /no SQL found/);
  });

  it("more than one statement is refused: only a single statement is allowed", async () => {
    const [r] = await scoreSql({ db: fx.db }, [{ completion: "SELECT name FROM singer; SELECT 1", reference: { sql: "SELECT name FROM singer" } }]);
    assert.equal(r!.score, 0);
    assert.equal(r!.details!.error_kind, "refused");
    assert.match(String(r!.details!.error), /only a single statement is allowed/);
    // A trailing semicolon or comment is still one statement.
    const [ok] = await scoreSql({ db: fx.db }, [{ completion: "SELECT name FROM singer; -- done", reference: { sql: "SELECT name FROM singer" } }]);
    assert.equal(ok!.score, 1);
  });

  it("bad references are invalid_input naming the field", async () => {
    const rs = await scoreSql({}, [
      { completion: "SELECT 1" },
      { completion: "SELECT 1", reference: { db: fx.db } },
      { completion: "SELECT 1", reference: { sql: "SELECT 1" } },
      { completion: "SELECT 1", reference: { sql: "SELECT 1", db: "missing.sqlite" } },
      { completion: "SELECT 1", reference: { sql: 42, db: fx.db } },
      { completion: "SELECT 1", reference: "SELECT 1" },
      { completion: "SELECT 1", reference: { sql: "SELECT 1", db_id: "../etc" } },
    ]);
    assert.deepEqual(
      rs.map((r) => [r.status, r.reason?.replace(/: no such file: .*/, ": no such file")]),
      [
        ["invalid_input", "reference: missing (expected { sql, db })"],
        ["invalid_input", "reference.sql: missing"],
        ["invalid_input", "reference.db: missing (set reference.db, reference.db_id or the `db` param)"],
        ["invalid_input", "reference.db: no such file"],
        ["invalid_input", "reference.sql: expected a non-empty SQL string"],
        ["invalid_input", "reference: a bare gold SQL string needs the `db` param"],
        ["invalid_input", "reference.db_id: expected a database name (letters, digits, _ . -)"],
      ],
    );
  });

  it("a db param that does not exist fails at compile time", async () => {
    await assert.rejects(scoreSql({ db: "/nonexistent/x.sqlite" }, []), /db: no such file: \/nonexistent\/x\.sqlite/);
  });

  it("a db that is a text file, a directory or a device is refused naming the field (param at start, reference per sample)", async () => {
    await assert.rejects(scoreSql({ db: "/etc/hostname" }, []), /rewards\.\w+\.db: not a SQLite database: \/etc\/hostname/);
    await assert.rejects(scoreSql({ db: "/dev/zero" }, []), /db: not a regular file: \/dev\/zero/);
    const rs = await scoreSql({}, [
      { completion: "SELECT 1", reference: { sql: "SELECT 1", db: "/etc/hostname" } },
      { completion: "SELECT 1", reference: { sql: "SELECT 1", db: "/tmp" } },
    ]);
    assert.deepEqual(rs.map((r) => [r.status, r.reason]), [
      ["invalid_input", "reference.db: not a SQLite database: /etc/hostname"],
      ["invalid_input", "reference.db: a directory, not a SQLite database file: /tmp"],
    ]);
  });
});

describe("sql reward: databases and caching", () => {
  it("relative paths resolve against the spec's directory; db_id uses <db_dir>/<id>/<id>.sqlite", async () => {
    const gold = { sql: "SELECT count(*) FROM singer" };
    const [byParam] = await scoreSql({ db: "concerts.sqlite" }, [{ completion: "SELECT 6", reference: gold }], fx.dir);
    assert.equal(byParam!.score, 1);
    const [byRef] = await scoreSql({}, [{ completion: "SELECT 6", reference: { ...gold, db: "concerts.sqlite" } }], fx.dir);
    assert.equal(byRef!.score, 1);
    const { mkdirSync, copyFileSync } = await import("node:fs");
    mkdirSync(`${fx.dir}/dbs/concerts`, { recursive: true });
    copyFileSync(fx.db, `${fx.dir}/dbs/concerts/concerts.sqlite`);
    const [byId] = await scoreSql({ db_dir: "dbs" }, [{ completion: "SELECT 6", reference: { ...gold, db_id: "concerts" } }], fx.dir);
    assert.equal(byId!.score, 1);
  });

  it("a bare gold SQL string uses the db param", async () => {
    const [r] = await scoreSql({ db: fx.db }, [{ completion: "SELECT 6", reference: "SELECT count(*) FROM singer" }]);
    assert.equal(r!.score, 1);
  });

  it("gold results are cached per (db, gold SQL): the gold runs once per reward", async () => {
    const p = await compile({ cache_size: 0, rewards: { ex: { type: "sql", db: fx.db } } });
    try {
      const gold = { sql: "SELECT count(*) FROM singer" };
      const [a] = await p.score([{ id: "a", prompt: "", completion: "SELECT count(*) FROM singer", reference: gold }]);
      assert.equal(a!.score, 1);
      // Change the data behind the reward's back: the predicted query sees it, the cached gold does not.
      const w = new Database(fx.db);
      w.exec("INSERT INTO singer (name) VALUES ('Extra')");
      w.close();
      const [b] = await p.score([{ id: "b", prompt: "", completion: "SELECT count(*) FROM singer", reference: gold }]);
      assert.equal(b!.score, 0);
      assert.deepEqual(b!.components.ex!.details!.preview, [[7]]);
      // A different gold text is a different cache key and runs fresh.
      const [c] = await p.score([{ id: "c", prompt: "", completion: "SELECT count(*) FROM singer", reference: { sql: "SELECT count(*)  FROM singer" } }]);
      assert.equal(c!.score, 1);
    } finally {
      await p.close();
      const w = new Database(fx.db);
      w.exec("DELETE FROM singer WHERE name = 'Extra'");
      w.close();
    }
  });

  it("a trajectory is judged by its last assistant message", async () => {
    const [r] = await scoreSql({ db: fx.db }, [
      {
        completion: [
          { role: "assistant", content: "<sql>SELECT * FROM singer LIMIT 1</sql>" },
          { role: "tool", content: "..." },
          { role: "assistant", content: "<solution>SELECT name FROM singer WHERE age < 30</solution>" },
        ],
        reference: { sql: "SELECT name FROM singer WHERE age <= 29" },
      },
    ]);
    assert.equal(r!.score, 1);
    assert.equal(r!.details!.from, "solution");
  });
});
