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

/**
 * Runs every job once to warm up, then `ROUNDS` timed passes. Latency per call is measured as
 * wall time and as this process's CPU time: on a shared machine the wall time also counts the
 * moments the thread was not scheduled.
 */
function timing(name: string, jobs: Job[]) {
  for (const j of jobs) runJob(j);
  const wall: number[] = [];
  const cpu: number[] = [];
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  for (let r = 0; r < ROUNDS; r++)
    for (const j of jobs) {
      const c = process.cpuUsage();
      const t = performance.now();
      runJob(j);
      wall.push(performance.now() - t);
      const d = process.cpuUsage(c);
      cpu.push((d.user + d.system) / 1000);
    }
  const secs = (performance.now() - t0) / 1000;
  const c1 = process.cpuUsage(c0);
  const cpuSecs = (c1.user + c1.system) / 1e6;
  const q = (xs: number[], p: number) => {
    const s = [...xs].sort((a, b) => a - b);
    return Math.round(s[Math.min(s.length - 1, Math.floor(p * s.length))]! * 1000) / 1000;
  };
  const stats = {
    bench: "math",
    set: name,
    cases: jobs.length,
    calls: wall.length,
    cases_per_s: Math.round(wall.length / secs),
    cases_per_cpu_s: Math.round(wall.length / cpuSecs),
    p50_ms: q(wall, 0.5),
    p99_ms: q(wall, 0.99),
    max_ms: q(wall, 1),
    cpu_p50_ms: q(cpu, 0.5),
    cpu_p99_ms: q(cpu, 0.99),
    cpu_max_ms: q(cpu, 1),
  };
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
// Any fixed derangement can pair rows whose gold answers really are equal (MATH-500 has many
// small integers); a sweep over shifts shows every "equal" verdict is such a coincidence.
for (let k = 1; k <= 10; k++) {
  const equal: string[] = [];
  for (let i = 0; i < rows.length; i++) {
    const a = rows[i]!.answer;
    const b = rows[(i + k) % rows.length]!.answer;
    if (verifyAnswer(a, b).equal) equal.push(`${a} ~ ${b}`);
  }
  print({ bench: "math", derangement_shift: k, not_equal_of_all_rows: rows.length - equal.length, of: rows.length, equal_pairs: equal });
}
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
const ok = (x: typeof m) => x.cases_per_s >= 2000 && x.p99_ms < 5;
const okCpu = (x: typeof m) => x.cases_per_cpu_s >= 2000 && x.cpu_p99_ms < 5;
print({ bench: "math", goal: ">= 2000 cases/s, p99 < 5 ms (math500 and suite)", math500_ok: ok(m), suite_ok: ok(s), math500_cpu_ok: okCpu(m), suite_cpu_ok: okCpu(s), adversarial_max_ms: a.max_ms, load_average_1m: Math.round(loadavg()[0]! * 100) / 100 });
process.exit(pass ? 0 : 1);
