/**
 * GeoQuery checks and speed for the `sql` reward (npm run bench -- sql).
 *
 * - every gold query that runs matches itself in bird, multiset and spider mode; the ones that
 *   fail give status error;
 * - mutated golds (dropped WHERE, changed constant, different column): each one that an
 *   independent Python sqlite3 oracle (bench/sql-oracle.py) finds different in all modes must
 *   score 0 in all modes (at least 100 of them), and every verdict must agree with the oracle;
 * - ordering: reordered results are accepted by bird/multiset, and by spider only when the
 *   gold has no ORDER BY;
 * - speed (checks/s), the hard stop of an endless query, and why the SQL runs in child
 *   processes (a worker thread cannot stop a running sqlite3_step).
 *
 * Reads ../shared/data/text2sql-geoquery (relative to the repo). Prints JSON lines; exits 1 if
 * an acceptance check fails.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Sample } from "../src/core/types.ts";
import { compile } from "../src/index.ts";
import { tokenize } from "../src/rewards/sql/lexer.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const dataDir = resolve(root, "../shared/data/text2sql-geoquery");
const db = join(dataDir, "geography-db.added-in-2020.sqlite");
const print = (o: Record<string, unknown>) => console.log(JSON.stringify({ bench: "sql", ...o }));
if (!existsSync(db)) {
  print({ error: `GeoQuery not found at ${dataDir}` });
  process.exit(2);
}
const failures: string[] = [];
const MODES = ["bird", "multiset", "spider"] as const;
type Mode = (typeof MODES)[number];

// ---- data: executable (question, gold) pairs, placeholders substituted as the README says ----
type Group = { sql: string[]; sentences: { text: string; variables: Record<string, string> }[] };
const groups = JSON.parse(readFileSync(join(dataDir, "geography.json"), "utf8")) as Group[];
const substitute = (s: string, vars: Record<string, string>) =>
  Object.keys(vars)
    .sort((a, b) => b.length - a.length)
    .reduce((acc, k) => acc.replaceAll(k, vars[k]!), s);
type Question = { template: string; vars: Record<string, string>; gold: string };
const questions: Question[] = groups.flatMap((g) => g.sentences.map((s) => ({ template: g.sql[0]!, vars: s.variables, gold: substitute(g.sql[0]!, s.variables) })));
const valuesByType = new Map<string, string[]>();
for (const q of questions) {
  for (const [k, v] of Object.entries(q.vars)) {
    const t = k.replace(/\d+$/, "");
    const list = valuesByType.get(t) ?? [];
    if (!list.includes(v)) list.push(v);
    valuesByType.set(t, list);
  }
}
for (const list of valuesByType.values()) list.sort();
const schema = new Map<string, string[]>();
for (const line of readFileSync(join(dataDir, "geography-schema.csv"), "utf8").split("\n").slice(1)) {
  const [table, field] = line.split(",").map((x) => x.trim());
  if (!table || table === "-" || !field) continue;
  schema.set(table, [...(schema.get(table) ?? []), field]);
}

// ---- the oracle ----
type Oracle = {
  gold_ok: boolean;
  pred_ok: boolean;
  pred_timeout?: boolean;
  bird?: boolean;
  multiset?: boolean;
  spider?: boolean;
  rows?: number;
  width?: number;
  over_cap?: boolean;
};
const MAX_ROWS = 10_000;
const progress = (msg: string) => process.stderr.write(`[sql bench] ${msg}\n`);
function oracle(pairs: [string, string][]): Oracle[] {
  const r = spawnSync("python3", [join(root, "bench/sql-oracle.py")], { input: JSON.stringify({ db, pairs, max_rows: MAX_ROWS }), maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`oracle failed: ${r.stderr}`);
  return JSON.parse(r.stdout.toString()) as Oracle[];
}

// ---- mutations ----
const strip = (sql: string) => sql.replace(/[\s;]+$/, "");
const CLAUSE_END = new Set(["GROUP", "ORDER", "LIMIT", "HAVING", "UNION", "INTERSECT", "EXCEPT"]);

/** Removes the n-th WHERE clause (up to the next clause keyword or closing parenthesis at its depth). */
function dropWhere(sql: string, n: number): string | undefined {
  const toks = tokenize(sql);
  let depth = 0;
  let seen = 0;
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    const text = sql.slice(t.start, t.end);
    if (t.kind === "punct" && text === "(") depth++;
    if (t.kind === "punct" && text === ")") depth--;
    if (t.kind !== "word" || text.toUpperCase() !== "WHERE" || seen++ !== n) continue;
    let d = depth;
    let end = sql.length;
    for (let j = i + 1; j < toks.length; j++) {
      const u = toks[j]!;
      const ut = sql.slice(u.start, u.end);
      if (u.kind === "punct" && ut === "(") d++;
      if (u.kind === "punct" && ut === ")") {
        if (d === depth) {
          end = u.start;
          break;
        }
        d--;
      }
      if (d === depth && ((u.kind === "word" && CLAUSE_END.has(ut.toUpperCase())) || (u.kind === "punct" && ut === ";"))) {
        end = u.start;
        break;
      }
    }
    return sql.slice(0, t.start) + sql.slice(end);
  }
  return undefined;
}

/** Substitutes another value of the same kind for the first placeholder of the template. */
function changeConstant(q: Question): string | undefined {
  const first = Object.keys(q.vars).sort((a, b) => q.template.indexOf(a) - q.template.indexOf(b))[0];
  if (first === undefined || !q.template.includes(first)) return undefined;
  const list = valuesByType.get(first.replace(/\d+$/, "")) ?? [];
  if (list.length < 2) return undefined;
  const other = list[(list.indexOf(q.vars[first]!) + 7) % list.length]!;
  return other === q.vars[first] ? undefined : substitute(q.template, { ...q.vars, [first]: other });
}

/** Selects another column of the same table as the first selected column. */
function differentColumn(sql: string): string | undefined {
  const m = /^(\s*SELECT\s+(?:DISTINCT\s+)?(?:\w+\s*\(\s*(?:DISTINCT\s+)?)?)(\w+?)alias(\d+)\.(\w+)/i.exec(sql);
  if (!m) return undefined;
  const cols = schema.get(m[2]!.toUpperCase());
  if (!cols) return undefined;
  const i = cols.indexOf(m[4]!.toUpperCase());
  const other = cols[(i + 1) % cols.length]!;
  if (other === m[4]!.toUpperCase()) return undefined;
  return `${m[1]}${m[2]}alias${m[3]}.${other}${sql.slice(m[0].length)}`;
}

// ---- scoring helpers ----
const fence = (sql: string) => `\`\`\`sql\n${sql}\n\`\`\``;
type Scored = Record<Mode, { score: number | null; status: string; details?: Record<string, unknown> }>;
async function scoreAll(p: Awaited<ReturnType<typeof compile>>, pairs: [string, string][]): Promise<Scored[]> {
  const samples: Sample[] = pairs.map(([gold, pred], i) => ({ id: String(i), prompt: "", completion: fence(pred), reference: { sql: gold } }));
  const out = await p.score(samples);
  return out.map((r) => r.components as unknown as Scored);
}
const verdict = (o: { score: number | null; status: string }) => (o.status === "ok" ? o.score === 1 : null);

const three = await compile({ cache_size: 0, rewards: Object.fromEntries(MODES.map((m) => [m, { type: "sql", mode: m, db, max_rows: MAX_ROWS }])) });
const processes = Math.min(4, Math.max(2, (await import("node:os")).availableParallelism()));

// ---- 1. self-match ----
const selfPairs = questions.map((q) => [q.gold, q.gold] as [string, string]);
progress("self-match: oracle");
const selfOracle = oracle(selfPairs);
progress("self-match: scoring");
let t0 = performance.now();
const self = await scoreAll(three, selfPairs);
const coldS = (performance.now() - t0) / 1000;
const selfCounts: Record<string, number> = { questions: questions.length, runnable_by_oracle: 0, gold_errors_by_oracle: 0 };
for (const m of MODES) {
  selfCounts[`${m}_match`] = 0;
  selfCounts[`${m}_status_error`] = 0;
}
const selfBad: string[] = [];
self.forEach((r, i) => {
  const o = selfOracle[i]!;
  if (o.gold_ok) selfCounts.runnable_by_oracle!++;
  else selfCounts.gold_errors_by_oracle!++;
  for (const m of MODES) {
    if (r[m].status === "ok" && r[m].score === 1) selfCounts[`${m}_match`]!++;
    if (r[m].status === "error") selfCounts[`${m}_status_error`]!++;
    const good = o.gold_ok ? r[m].status === "ok" && r[m].score === 1 : r[m].status === "error";
    if (!good && selfBad.length < 5) selfBad.push(`${m}: ${JSON.stringify(r[m]).slice(0, 300)} for ${questions[i]!.gold}`);
  }
});
const selfPass = MODES.every((m) => selfCounts[`${m}_match`] === selfCounts.runnable_by_oracle && selfCounts[`${m}_status_error`] === selfCounts.gold_errors_by_oracle);
if (!selfPass) failures.push("self-match");
print({ check: "self_match", ...selfCounts, pass: selfPass, examples: selfBad });

// ---- 2. throughput (gold cached, each check runs the predicted query) ----
t0 = performance.now();
await scoreAll(three, questions.map((q) => [q.gold, `${strip(q.gold)} -- warm`] as [string, string]));
const warmS = (performance.now() - t0) / 1000;
print({
  check: "throughput",
  processes_per_reward: processes,
  checks: questions.length * MODES.length,
  cold_checks_per_s: Math.round((questions.length * MODES.length) / coldS),
  warm_checks_per_s: Math.round((questions.length * MODES.length) / warmS),
  note: "3 rewards (one per mode) in one pipeline; cold = gold and predicted query both run; warm = gold cached",
});

// ---- 3. mutations ----
const runnable = [...new Set(questions.filter((_, i) => selfOracle[i]!.gold_ok).map((q) => q.gold))];
const byGold = new Map(questions.map((q) => [q.gold, q]));
type Mutation = { kind: "drop_where" | "change_constant" | "different_column"; gold: string; pred: string };
const mutations: Mutation[] = [];
for (const gold of runnable) {
  const q = byGold.get(gold)!;
  for (const [kind, pred] of [
    ["drop_where", dropWhere(gold, 0)],
    ["change_constant", changeConstant(q)],
    ["different_column", differentColumn(gold)],
  ] as const) {
    if (pred !== undefined && pred !== gold) mutations.push({ kind, gold, pred });
  }
}
progress(`${mutations.length} mutations: oracle`);
const mutOracle = oracle(mutations.map((m) => [m.gold, m.pred]));
progress("mutations: scoring");
const mutScored = await scoreAll(three, mutations.map((m) => [m.gold, m.pred]));
const kinds: Record<string, { generated: number; pred_error: number; timeout: number; differ_all_modes: number; scored_zero_all_modes: number }> = {};
let disagreements = 0;
const disagreeExamples: string[] = [];
mutations.forEach((m, i) => {
  const o = mutOracle[i]!;
  const r = mutScored[i]!;
  const k = (kinds[m.kind] ??= { generated: 0, pred_error: 0, timeout: 0, differ_all_modes: 0, scored_zero_all_modes: 0 });
  k.generated++;
  if (o.pred_timeout || MODES.some((mode) => r[mode].details?.error_kind === "timeout")) {
    // Which engine gives up first depends on machine load, not on the comparison: set aside.
    k.timeout++;
    return;
  }
  if (!o.pred_ok) {
    k.pred_error++;
    for (const mode of MODES) {
      if (!(r[mode].status === "ok" && r[mode].score === 0 && r[mode].details?.error)) {
        disagreements++;
        if (disagreeExamples.length < 5) disagreeExamples.push(`${mode} pred error expected: ${m.pred} -> ${JSON.stringify(r[mode]).slice(0, 200)}`);
      }
    }
    return;
  }
  if (!o.bird && !o.multiset && !o.spider) {
    k.differ_all_modes++;
    if (MODES.every((mode) => r[mode].status === "ok" && r[mode].score === 0)) k.scored_zero_all_modes++;
  }
  for (const mode of MODES) {
    if (verdict(r[mode]) !== o[mode]) {
      disagreements++;
      if (disagreeExamples.length < 5) disagreeExamples.push(`${mode}: oracle ${o[mode]} ours ${JSON.stringify(r[mode]).slice(0, 200)} gold ${m.gold} pred ${m.pred}`);
    }
  }
});
const differ = Object.values(kinds).reduce((a, k) => a + k.differ_all_modes, 0);
const zero = Object.values(kinds).reduce((a, k) => a + k.scored_zero_all_modes, 0);
const mutPass = differ >= 100 && zero === differ && disagreements === 0;
if (!mutPass) failures.push("mutations");
print({
  check: "mutations",
  generated: mutations.length,
  differ_all_modes_by_oracle: differ,
  scored_zero_all_modes: zero,
  verdict_disagreements_with_oracle: disagreements,
  by_kind: kinds,
  pass: mutPass,
  examples: disagreeExamples,
});

// ---- 4. ordering ----
const multiRow = questions
  .map((q, i) => ({ gold: q.gold, o: selfOracle[i]! }))
  .filter(({ gold, o }) => o.gold_ok && (o.rows ?? 0) >= 2 && !/order\s+by/i.test(gold));
const uniqueMulti = [...new Map(multiRow.map((x) => [x.gold, x])).values()];
const widthOf = new Map(uniqueMulti.map(({ gold, o }) => [gold, o.width ?? 1]));
const orderBy = (gold: string, dir: "ASC" | "DESC") => {
  const w = widthOf.get(gold)!;
  return `SELECT * FROM (${strip(gold)}) ORDER BY ${Array.from({ length: w }, (_, i) => `${i + 1} ${dir}`).join(", ")}`;
};
const orderPairs: { what: string; gold: string; pred: string }[] = [];
for (const { gold } of uniqueMulti) {
  orderPairs.push({ what: "gold_unordered_pred_desc", gold, pred: orderBy(gold, "DESC") });
  orderPairs.push({ what: "gold_asc_pred_desc", gold: orderBy(gold, "ASC"), pred: orderBy(gold, "DESC") });
  orderPairs.push({ what: "gold_asc_pred_asc", gold: orderBy(gold, "ASC"), pred: `${orderBy(gold, "ASC")} -- same order` });
}
progress(`${orderPairs.length} ordering pairs`);
const ordOracle = oracle(orderPairs.map((x) => [x.gold, x.pred]));
const ordScored = await scoreAll(three, orderPairs.map((x) => [x.gold, x.pred]));
const ord: Record<string, Record<string, number>> = {};
let ordDisagree = 0;
const ordExamples: string[] = [];
orderPairs.forEach((x, i) => {
  const c = (ord[x.what] ??= { pairs: 0, bird_1: 0, multiset_1: 0, spider_1: 0 });
  c.pairs!++;
  for (const mode of MODES) {
    const v = verdict(ordScored[i]![mode]);
    if (v) c[`${mode}_1`]!++;
    if (v !== ordOracle[i]![mode]) {
      ordDisagree++;
      if (ordExamples.length < 5) ordExamples.push(`${x.what} ${mode}: oracle ${ordOracle[i]![mode]} ours ${v}`);
    }
  }
});
// Spider may accept ASC vs DESC only where both orders give the same sequence (e.g. all rows equal).
let sameBothWays = 0;
orderPairs.forEach((x, i) => {
  if (x.what === "gold_asc_pred_desc" && ordScored[i]!.spider.score === 1) {
    const rows = ordScored[i]!.spider.details?.pred_rows as number;
    const distinct = ordScored[i]!.bird.details?.pred_rows as number;
    if (distinct === 1 && rows >= 2) sameBothWays++;
  }
});
const ordPass =
  ordDisagree === 0 &&
  Object.entries(ord).every(([what, c]) =>
    what === "gold_asc_pred_desc"
      ? c.bird_1 === c.pairs && c.multiset_1 === c.pairs && c.spider_1 === sameBothWays
      : c.bird_1 === c.pairs && c.multiset_1 === c.pairs && c.spider_1 === c.pairs,
  );
if (!ordPass) failures.push("ordering");
print({ check: "ordering", multi_row_golds: uniqueMulti.length, ...ord, asc_desc_same_sequence: sameBothWays, verdict_disagreements_with_oracle: ordDisagree, pass: ordPass, examples: ordExamples });
await three.close();

// ---- 5. single-reward speed ----
progress("speed");
for (const mode of ["bird", "spider"] as const) {
  const one = await compile({ cache_size: 0, rewards: { ex: { type: "sql", mode, db } } });
  const pairs = questions.map((q) => [q.gold, q.gold] as [string, string]);
  await scoreAll1(one, pairs); // golds cached
  t0 = performance.now();
  await scoreAll1(one, questions.map((q) => [q.gold, `${strip(q.gold)} -- timed`] as [string, string]));
  const s = (performance.now() - t0) / 1000;
  print({ check: "speed", mode, processes, checks: pairs.length, checks_per_s: Math.round(pairs.length / s), note: "one reward, gold cached, pipeline cache off" });
  await one.close();
}
async function scoreAll1(p: Awaited<ReturnType<typeof compile>>, pairs: [string, string][]) {
  return p.score(pairs.map(([gold, pred], i) => ({ id: String(i), prompt: "", completion: fence(pred), reference: { sql: gold } })));
}

// ---- 6. hard stop ----
{
  const p = await compile({ rewards: { ex: { type: "sql", db, timeout_ms: 200, processes: 2 } } });
  await scoreAll1(p, [["SELECT 1", "SELECT 1"]]);
  const endless = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c";
  const times: number[] = [];
  let stoppedAll = true;
  for (let i = 0; i < 5; i++) {
    t0 = performance.now();
    const [r] = await scoreAll1(p, [["SELECT 1", `${endless} -- ${i}`]]);
    times.push(performance.now() - t0);
    if (r!.components.ex!.details?.error_kind !== "timeout") stoppedAll = false;
  }
  t0 = performance.now();
  const [after] = await scoreAll1(p, [["SELECT 1", "SELECT 1 -- after"]]);
  const afterMs = performance.now() - t0;
  const pass = stoppedAll && after!.score === 1 && Math.max(...times) < 200 + 250;
  if (!pass) failures.push("hard_stop");
  print({
    check: "hard_stop",
    query: "endless recursive CTE",
    timeout_ms: 200,
    returned_after_ms: times.map((t) => Math.round(t)),
    next_query_ms: Math.round(afterMs),
    pass,
  });
  await p.close();
}

// ---- 7. why child processes: a worker thread cannot stop a running sqlite3_step ----
{
  const code = `
    const { Worker } = require("node:worker_threads");
    const w = new Worker(${JSON.stringify(`
      const Database = require(${JSON.stringify(join(root, "node_modules/better-sqlite3"))});
      const db = new Database(":memory:");
      require("node:worker_threads").parentPort.postMessage("running");
      db.prepare("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c").get();
    `)}, { eval: true });
    w.on("message", () => setTimeout(() => {
      // 500 ms after "running": the worker is inside sqlite3_step by now.
      const t = Date.now();
      let exited = false;
      w.terminate().then(() => { exited = true; console.log(JSON.stringify({ exited: true, ms: Date.now() - t })); });
      setTimeout(() => { if (!exited) console.log(JSON.stringify({ exited: false, waited_ms: Date.now() - t })); }, 2000);
    }, 500));`;
  const child = spawn(process.execPath, ["-e", code], { stdio: ["ignore", "pipe", "ignore"] });
  const line = await new Promise<string>((res) => {
    let buf = "";
    child.stdout.on("data", (d) => {
      buf += d;
      if (buf.includes("\n")) res(buf.split("\n")[0]!);
    });
    setTimeout(() => res('{"exited":"no answer in 10 s"}'), 10_000);
  });
  child.kill("SIGKILL"); // process.exit() would hang too, waiting for the worker
  print({ check: "worker_terminate", ...JSON.parse(line), note: "Worker.terminate() on a worker inside a native sqlite3_step; false = it never stops, hence child processes" });
}

print({ check: "summary", pass: failures.length === 0, failures });
process.exit(failures.length === 0 ? 0 : 1);
