import { z } from "zod";
import { errorOutcome, invalidInput, ok } from "../../core/outcome.ts";
import { defineRewardType } from "../../core/reward-type.ts";
import { completionText } from "../../core/text.ts";
import type { Outcome, RewardContext, Sample } from "../../core/types.ts";
import { leaseJsSandbox, leasePythonSandbox } from "../../sandbox/shared.ts";
import { stripAssertRequire } from "../../sandbox/js.ts";
import { SandboxUnavailableError, type ExecLimits, type RunResult, type TestVerdict, type Verdict } from "../../sandbox/types.ts";
import { sameOutput } from "./compare.ts";
import { extractCode, type Language } from "./extract.ts";
import { assembleProgram, parseReference, type IoPlan } from "./reference.ts";

const Params = z.strictObject({
  /** Language to look for; "auto" takes ```python/```py or ```js blocks, whichever the completion has. */
  language: z.enum(["auto", "python", "javascript"]).default("auto"),
  /** Language of untagged ``` blocks and of a completion without fences. */
  default_language: z.enum(["python", "javascript"]).default("python"),
  /** Which fenced block is the program when there are several; "all" joins the blocks of one language. */
  block: z.enum(["last", "first", "longest", "all"]).default("last"),
  /** Wall time per test (and per stdin/stdout case), ms. */
  timeout_ms: z.number().int().positive().max(600_000).default(5000),
  /** Address space per process (Python) / isolate heap (JavaScript), MiB. */
  memory_mb: z.number().int().min(16).max(65_536).default(512),
  /** stdout/stderr kept per run; a stdin/stdout case whose output is cut fails. */
  max_output_bytes: z.number().int().min(1024).max(64 * 1024 * 1024).default(1024 * 1024),
  /** Processes plus threads a program may have. */
  max_processes: z.number().int().min(1).max(4096).default(32),
  /** stdin/stdout: numbers match within tol * max(1, |expected|); null compares tokens exactly. */
  float_tolerance: z.number().nonnegative().nullable().default(null),
  /** Score 1 only when every test passes, else 0 (instead of the fraction passed). */
  all_or_nothing: z.boolean().default(false),
  /** Warm Python sandboxes (default: 8 per core, 4–32). */
  pool_size: z.number().int().min(1).max(256).optional(),
  /** Run Python WITHOUT bubblewrap (rlimits only; the program can read and write this machine). Trusted code only. */
  unsafe_no_sandbox: z.boolean().default(false),
});
type Params = z.output<typeof Params>;

type TestDetail = {
  name: string;
  verdict: Verdict;
  time_ms: number;
  stderr?: string;
  expected?: string;
  got?: string;
};

const tail = (s: string, n = 600) => (s.length > n ? `…${s.slice(-n)}` : s);
const head = (s: string, n = 300) => (s.length > n ? `${s.slice(0, n)}…` : s);

function ioVerdict(r: RunResult, expected: string, tol: number | null): { verdict: Verdict; why?: string } {
  if (r.timedOut) return { verdict: "timeout", why: "time limit exceeded" };
  if (r.signal !== null) return { verdict: "crash", why: r.reason ?? `killed by ${r.signal}` };
  if (r.exitCode !== 0) return { verdict: "error", why: r.reason ?? `exited with code ${r.exitCode}` };
  if (r.stdoutTruncated) return { verdict: "fail", why: "output limit exceeded" };
  return sameOutput(r.stdout, expected, tol) ? { verdict: "pass" } : { verdict: "fail", why: "wrong answer" };
}

/**
 * Runs the completion's program against the sample's tests in a sandbox: Python in bubblewrap,
 * JavaScript in isolated-vm. Score = fraction of tests passed (or all-or-nothing).
 * @example
 * rewards: { tests: { type: code, timeout_ms: 3000 } }
 * # reference: {test: "def check(candidate): ...", entry_point: "f"} | {tests: ["assert f(1) == 2"]} | {io: [{input: "1 2", output: "3"}]}
 */
export const code = defineRewardType({
  type: "code",
  summary: "runs the completion's Python/JavaScript against HumanEval, MBPP or stdin/stdout tests in a sandbox; fraction passed",
  params: Params,
  runs: "main",
  granularity: "sample",
  uses: ["completion", "reference"],
  defaultDeadlineMs: 60_000,
  describe: (p: Params) =>
    `${p.language === "auto" ? "Python or JavaScript" : p.language} tests, ${p.timeout_ms} ms per test, ${p.all_or_nothing ? "all or nothing" : "fraction passed"}${p.unsafe_no_sandbox ? ", UNSANDBOXED" : ""}`,
  create(p: Params) {
    const bwrap = process.env.REWARDSMITH_BWRAP;
    const py = leasePythonSandbox({
      ...(bwrap ? { bwrap } : {}),
      ...(p.pool_size !== undefined ? { size: p.pool_size } : {}),
      ...(p.unsafe_no_sandbox ? { unsafeNoSandbox: true } : {}),
      limits: { processes: p.max_processes },
    });
    const js = leaseJsSandbox();
    const baseLimits: Partial<ExecLimits> = {
      memoryMb: p.memory_mb,
      outputBytes: p.max_output_bytes,
      processes: p.max_processes,
    };

    const finish = (details: TestDetail[], extra: Record<string, unknown>): Outcome => {
      const passed = details.filter((d) => d.verdict === "pass").length;
      const total = details.length;
      const score = p.all_or_nothing ? (passed === total ? 1 : 0) : passed / total;
      return ok(score, { ...extra, passed, total, tests: details });
    };

    const runIo = async (plan: IoPlan, program: string, lang: Language, ctx: RewardContext, extra: Record<string, unknown>): Promise<Outcome> => {
      const details: TestDetail[] = [];
      for (let i = 0; i < plan.cases.length; i++) {
        const c = plan.cases[i]!;
        const name = `case ${i + 1}`;
        if (p.all_or_nothing && details.some((d) => d.verdict !== "pass")) {
          details.push({ name, verdict: "fail", time_ms: 0, stderr: "not run: an earlier case failed (all_or_nothing)" });
          continue;
        }
        const limits = { ...baseLimits, wallMs: p.timeout_ms };
        const r =
          lang === "python"
            ? await py.sandbox.run({ code: program, stdin: c.input, limits }, { signal: ctx.signal })
            : await js.sandbox.run({ code: program, stdin: c.input, limits }, { signal: ctx.signal });
        const v = ioVerdict(r, c.output, p.float_tolerance);
        const d: TestDetail = { name, verdict: v.verdict, time_ms: Math.round(r.wallMs * 10) / 10 };
        if (v.verdict !== "pass") {
          const why = v.why ?? "";
          d.stderr = tail(r.stderr.trim() ? `${why}\n${r.stderr}` : why);
          if (v.verdict === "fail") {
            d.expected = head(c.output);
            d.got = head(r.stdout);
          }
        }
        details.push(d);
      }
      return finish(details, extra);
    };

    const one = async (s: Sample, ctx: RewardContext): Promise<Outcome> => {
      const ex = extractCode(completionText(s), p.language, p.default_language, p.block);
      const lang: Language = ex?.language ?? (p.language === "auto" ? p.default_language : p.language);
      const plan = parseReference(s.reference, lang);
      if (typeof plan === "string") return invalidInput(plan);
      const total = plan.kind === "io" ? plan.cases.length : plan.tests.length;
      if (!ex) return ok(0, { language: lang, passed: 0, total, reason: "no code found in the completion", tests: [] });

      if (lang === "python") {
        const c = py.sandbox.check();
        if (!c.ok) return errorOutcome(c.reason);
      } else {
        const c = await js.sandbox.check();
        if (!c.ok) return errorOutcome(c.reason);
      }
      const extra: Record<string, unknown> = {
        language: lang,
        from: ex.from,
        sandbox: lang === "javascript" ? "isolated-vm" : p.unsafe_no_sandbox ? "none" : "bubblewrap",
      };
      try {
        if (plan.kind === "io") return await runIo(plan, ex.code, lang, ctx, extra);
        const program = assembleProgram(plan, ex.code, lang);
        const tests = lang === "javascript" ? plan.tests.map(stripAssertRequire) : plan.tests;
        // The pipeline deadline (ctx.signal) bounds the whole call; running out of it is status
        // timeout, not a failed test, so the program's own budget is not cut to fit it.
        const limits = { ...baseLimits, testMs: p.timeout_ms, wallMs: p.timeout_ms * (tests.length + 1) };
        const r =
          lang === "python"
            ? await py.sandbox.runTests({ code: program, tests, limits }, { signal: ctx.signal })
            : await js.sandbox.runTests({ code: program, tests, limits }, { signal: ctx.signal });
        const details = r.tests.map((t: TestVerdict, i): TestDetail => {
          const d: TestDetail = { name: plan.names[i] ?? `test ${i + 1}`, verdict: t.verdict, time_ms: Math.round(t.ms * 10) / 10 };
          if (t.verdict !== "pass" && t.message) d.stderr = tail(t.message);
          return d;
        });
        if (r.stderr.trim()) extra.stderr = tail(r.stderr);
        return finish(details, extra);
      } catch (e) {
        if (e instanceof SandboxUnavailableError) return errorOutcome(e.message);
        throw e;
      }
    };

    return {
      name: "code",
      score: (batch: readonly Sample[], ctx: RewardContext) => Promise.all(batch.map((s) => one(s, ctx))),
      async close() {
        await Promise.all([py.release(), js.release()]);
      },
    };
  },
});
