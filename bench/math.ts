/**
 * Math answer verification: accuracy on MATH-500 and single-thread speed.
 * - MATH-500 (../shared/data/math500): each row's `answer` against its own `solution` must be
 *   judged equal for >= 498/500 rows; against the next row's answer (the derangement
 *   i -> i+1 mod 500) it must be judged not equal for >= 99.5 % of the pairs whose answers
 *   differ as text (textually identical answers are listed, not counted).
 * - Speed: cases/s and p50/p99/max latency of verify(gold, pred) on one thread, on MATH-500
 *   (answer vs solution) and on the test case suite (test/rewards/math, adversarial included),
 *   after a warm-up pass. Goal: >= 2,000 cases/s, p99 < 5 ms.
 * Prints one JSON object per line; exits 1 when a MATH-500 threshold is missed.
 * Usage: npm run bench -- math [--rounds 3]
 */
import { existsSync, readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { verifyAnswer } from "../src/rewards/math/verify.ts";
import { ADVERSARIAL } from "../test/rewards/math/adversarial.ts";
import { CASES, type CaseOptions } from "../test/rewards/math/cases.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : dflt;
};
const ROUNDS = Number(arg("rounds", "3"));
const print = (o: Record<string, unknown>) => console.log(JSON.stringify(o));

type Row = { unique_id: string; answer: string; solution: string };
type Job = { gold: string; pred: string; opts: CaseOptions };

function runJob(j: Job): boolean {
  const o = j.opts;
  return verifyAnswer(j.gold, j.pred, {
    floatRounding: o.prec ?? 6,
    strict: o.strict ?? true,
    allowSetRelationComp: o.setrel ?? false,
    extract: { targets: o.targets === "latex" ? ["latex"] : o.targets === "expr" ? ["expr"] : ["latex", "expr"], boxedPriority: 0, requireBoxed: o.requireBoxed ?? false },
  }).equal;
}

/** Runs every job once to warm up, then `ROUNDS` timed passes; latency per call. */
function timing(name: string, jobs: Job[]) {
  for (const j of jobs) runJob(j);
  const lat: number[] = [];
  const t0 = performance.now();
  for (let r = 0; r < ROUNDS; r++)
    for (const j of jobs) {
      const t = performance.now();
      runJob(j);
      lat.push(performance.now() - t);
    }
  const secs = (performance.now() - t0) / 1000;
  lat.sort((a, b) => a - b);
  const q = (p: number) => Math.round(lat[Math.min(lat.length - 1, Math.floor(p * lat.length))]! * 1000) / 1000;
  const stats = { bench: "math", set: name, cases: jobs.length, calls: lat.length, cases_per_s: Math.round(lat.length / secs), p50_ms: q(0.5), p99_ms: q(0.99), max_ms: q(1) };
  print(stats);
  return stats;
}

const dataPath = `${root}../shared/data/math500/test.jsonl`;
if (!existsSync(dataPath)) {
  print({ bench: "math", error: `MATH-500 not found at ${dataPath}` });
  process.exit(1);
}
const rows = readFileSync(dataPath, "utf8")
  .trim()
  .split("\n")
  .map((l) => JSON.parse(l) as Row);
print({ bench: "math", load_average_1m: Math.round(loadavg()[0]! * 100) / 100, rows: rows.length });

// ---- accuracy ----
const misses = rows.filter((r) => !verifyAnswer(r.answer, r.solution).equal);
for (const m of misses) print({ bench: "math", miss: "own solution", id: m.unique_id, answer: m.answer, extracted: verifyAnswer(m.answer, m.solution).pred.text ?? null });
const selfEqual = rows.length - misses.length;

let identical = 0;
let distinct = 0;
let notEqual = 0;
for (let i = 0; i < rows.length; i++) {
  const a = rows[i]!.answer;
  const b = rows[(i + 1) % rows.length]!.answer;
  if (a.trim() === b.trim()) {
    identical++;
    print({ bench: "math", derangement_identical: `${rows[i]!.unique_id} vs next`, answer: a });
    continue;
  }
  distinct++;
  if (!verifyAnswer(a, b).equal) notEqual++;
  else print({ bench: "math", derangement_equal: `${rows[i]!.unique_id} vs next`, gold: a, other: b });
}
const rate = notEqual / distinct;
const pass = selfEqual >= 498 && rate >= 0.995;
print({ bench: "math", set: "math500", own_solution_equal: selfEqual, of: rows.length, derangement_pairs: distinct, identical_answer_pairs: identical, derangement_not_equal: notEqual, not_equal_rate: Math.round(rate * 10000) / 10000, pass });

// ---- speed ----
const math500Jobs: Job[] = rows.map((r) => ({ gold: r.answer, pred: r.solution, opts: {} }));
const suiteJobs: Job[] = Object.values(CASES)
  .flat()
  .map(([gold, pred, , opts]) => ({ gold, pred, opts: opts ?? {} }));
const adversarialJobs: Job[] = ADVERSARIAL.map(([, gold, pred]) => ({ gold, pred, opts: {} }));
const m = timing("math500", math500Jobs);
const s = timing("suite", suiteJobs);
const a = timing("adversarial", adversarialJobs);
print({ bench: "math", goal: ">= 2000 cases/s, p99 < 5 ms (math500 and suite)", math500_ok: m.cases_per_s >= 2000 && m.p99_ms < 5, suite_ok: s.cases_per_s >= 2000 && s.p99_ms < 5, adversarial_max_ms: a.max_ms });
process.exit(pass ? 0 : 1);
