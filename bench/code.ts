/**
 * Dataset-scale check of the `code` reward (end to end through compile()):
 * - HumanEval (164): every canonical solution passes; a `return None` body passes none;
 * - MBPP test split (task_id 11–510): the reference solutions pass >= 99 %, misses listed.
 * Reads ../shared/data/{humaneval,mbpp} (relative to the repo). Prints one JSON object per line;
 * exits 1 when a figure misses its bar, 2 when the data is missing.
 * Usage: npm run bench -- code [--timeout-ms 5000]
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { compile } from "../src/index.ts";
import type { Sample } from "../src/core/types.ts";

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : dflt;
};
const timeoutMs = Number(arg("timeout-ms", "5000"));
const data = (p: string) => fileURLToPath(new URL(`../../shared/data/${p}`, import.meta.url));
const jsonl = (p: string) => readFileSync(data(p), "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
for (const f of ["humaneval/HumanEval.jsonl", "mbpp/mbpp.jsonl"]) {
  if (!existsSync(data(f))) {
    console.log(JSON.stringify({ bench: "code", error: `missing ${data(f)}` }));
    process.exit(2);
  }
}

const pipeline = await compile({
  rewards: { tests: { type: "code", timeout_ms: timeoutMs, deadline_ms: 120_000 } },
  defaults: { retries: 0 },
});
let failed = false;
const print = (o: Record<string, unknown>) => console.log(JSON.stringify(o));

type Res = Awaited<ReturnType<typeof pipeline.score>>[number];
async function scoreAll(samples: Sample[]): Promise<{ results: Res[]; ms: number }> {
  const t = performance.now();
  const results = await pipeline.score(samples);
  return { results, ms: performance.now() - t };
}
const detail = (r: Res) => {
  const o = r.components.tests!;
  const tests = (o.details?.tests ?? []) as { verdict: string; stderr?: string }[];
  return { status: o.status, score: o.score, reason: o.reason, verdicts: tests.map((t) => t.verdict), stderr: tests.find((t) => t.stderr)?.stderr?.slice(-300) };
};

const he = jsonl("humaneval/HumanEval.jsonl");
const ref = (t: Record<string, unknown>) => ({ prompt: t.prompt, test: t.test, entry_point: t.entry_point });
{
  const { results, ms } = await scoreAll(he.map((t) => ({ id: String(t.task_id), prompt: String(t.prompt), completion: String(t.canonical_solution), reference: ref(t) })));
  const passed = results.filter((r) => r.components.tests!.score === 1).length;
  const misses = results.filter((r) => r.components.tests!.score !== 1).map((r) => ({ id: r.id, ...detail(r) }));
  print({ bench: "humaneval_canonical", passed, total: he.length, ms: Math.round(ms), per_s: Math.round((he.length / ms) * 1000), misses });
  if (passed !== he.length) failed = true;
}
{
  const { results, ms } = await scoreAll(he.map((t) => ({ id: String(t.task_id), prompt: String(t.prompt), completion: "    return None\n", reference: ref(t) })));
  const passing = results.filter((r) => r.components.tests!.score !== 0).map((r) => ({ id: r.id, ...detail(r) }));
  const ok = results.filter((r) => r.components.tests!.status === "ok").length;
  print({ bench: "humaneval_return_none", passed: passing.length, scored_ok: ok, total: he.length, ms: Math.round(ms), passing });
  if (passing.length !== 0 || ok !== he.length) failed = true;
}
{
  const mbpp = jsonl("mbpp/mbpp.jsonl").filter((t) => Number(t.task_id) >= 11 && Number(t.task_id) <= 510);
  const { results, ms } = await scoreAll(
    mbpp.map((t) => ({
      id: String(t.task_id),
      prompt: String(t.text),
      completion: String(t.code),
      reference: { test_list: t.test_list, test_setup_code: t.test_setup_code },
    })),
  );
  const passed = results.filter((r) => r.components.tests!.score === 1).length;
  const misses = results.filter((r) => r.components.tests!.score !== 1).map((r) => ({ id: r.id, ...detail(r) }));
  const pct = (100 * passed) / mbpp.length;
  print({ bench: "mbpp_reference", passed, total: mbpp.length, pct: Math.round(pct * 100) / 100, ms: Math.round(ms), per_s: Math.round((mbpp.length / ms) * 1000), misses });
  if (pct < 99) failed = true;
}
print({ bench: "code", stats: pipeline.stats.tests, ok: !failed });
await pipeline.close();
process.exit(failed ? 1 : 0);
