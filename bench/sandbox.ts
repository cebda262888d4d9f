/**
 * Sandbox throughput and latency: Python executions/s and p50/p99 latency at concurrency 1, 8
 * and 32, for a trivial program and for HumanEval tests (canonical solutions, a cycle through
 * all 164), with the warm pool and — for comparison — a fresh bubblewrap + Python per job; and
 * JavaScript (isolated-vm) for a trivial program.
 * Goal (issue 4): >= 100 trivial Python executions/s and p99 < 250 ms at concurrency 32.
 * Prints one JSON object per line; exits 1 when the goal is missed, 2 when bubblewrap is missing.
 * Usage: npm run bench -- sandbox [--jobs 600] [--pool N]   (N: sandboxes; default 8 per core, 4–32)
 */
import { existsSync, readFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { JsSandbox } from "../src/sandbox/js.ts";
import { PythonSandbox } from "../src/sandbox/python.ts";

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : dflt;
};
const JOBS = Number(arg("jobs", "600"));
const POOL = arg("pool", "");
const print = (o: Record<string, unknown>) => console.log(JSON.stringify(o));

type Job = () => Promise<unknown>;
async function measure(concurrency: number, jobs: number, make: (i: number) => Job) {
  const lat: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < jobs) {
        const job = make(next++);
        const t = performance.now();
        await job();
        lat.push(performance.now() - t);
      }
    }),
  );
  const secs = (performance.now() - t0) / 1000;
  lat.sort((a, b) => a - b);
  const q = (p: number) => Math.round(lat[Math.min(lat.length - 1, Math.floor(p * lat.length))]! * 10) / 10;
  return { concurrency, jobs, per_s: Math.round(jobs / secs), p50_ms: q(0.5), p99_ms: q(0.99) };
}

const machine = { cores: availableParallelism(), load1: Math.round(loadavg()[0]! * 100) / 100 };
const py = new PythonSandbox({ warm: 8, ...(POOL ? { size: Number(POOL) } : {}) });
const check = py.check();
if (!check.ok) {
  print({ bench: "sandbox", error: check.reason });
  process.exit(2);
}
print({ bench: "sandbox_info", ...py.info(), pool_size: py.size, ...machine });

let failed = false;
const trivial = (i: number) => () => py.run({ code: `print(${i})` });
await measure(8, 50, trivial);
for (const c of [1, 8, 32]) {
  const r = await measure(c, c === 1 ? Math.min(JOBS, 300) : JOBS, trivial);
  print({ bench: "python_trivial_pool", ...r });
  if (c === 32 && (r.per_s < 100 || r.p99_ms >= 250)) failed = true;
}

const heFile = fileURLToPath(new URL("../../shared/data/humaneval/HumanEval.jsonl", import.meta.url));
if (existsSync(heFile)) {
  const he = readFileSync(heFile, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, string>);
  const heJob = (i: number) => {
    const t = he[i % he.length]!;
    return () => py.runTests({ code: `${t.prompt}${t.canonical_solution}`, tests: [`${t.test}\ncheck(${t.entry_point})\n`], limits: { wallMs: 10_000 } });
  };
  for (const c of [1, 8, 32]) print({ bench: "python_humaneval_pool", ...(await measure(c, c === 1 ? 164 : 328, heJob)) });
}
await py.close();

// Concurrency 32 with as many sandboxes as callers (no queueing in the pool).
{
  const wide = new PythonSandbox({ size: 32, warm: 32 });
  await measure(32, 100, (i) => () => wide.run({ code: `print(${i})` }));
  print({ bench: "python_trivial_pool32", ...(await measure(32, JOBS, (i) => () => wide.run({ code: `print(${i})` }))) });
  await wide.close();
}

// The same trivial program with a fresh bubblewrap + Python for every job (no reuse), for comparison.
const fresh = new PythonSandbox({ jobsPerRunner: 1, size: 8, preload: [] });
for (const c of [1, 8, 32]) print({ bench: "python_trivial_fresh_sandbox", ...(await measure(c, c === 1 ? 60 : 200, (i) => () => fresh.run({ code: `print(${i})` }))) });
await fresh.close();

const js = new JsSandbox();
for (const c of [1, 8, 32]) print({ bench: "js_trivial_isolate", ...(await measure(c, JOBS, (i) => () => js.run({ code: `print(${i})` }))) });

print({ bench: "sandbox", goal: "python trivial at concurrency 32: >= 100/s and p99 < 250 ms", ok: !failed, load1_after: Math.round(loadavg()[0]! * 100) / 100 });
process.exit(failed ? 1 : 0);
