/**
 * Untrusted JavaScript in isolated-vm: a fresh V8 isolate per job with a heap limit and a
 * wall-clock timeout per script. The context has only the language built-ins plus what the
 * prelude below defines — no `require`, no `process`, no host objects, no callbacks into the
 * host — and results leave the isolate as copied strings, so nothing inside can reach Node.
 *
 * Inside, a program finds: `console.log/error/...` and `print` (output kept in the isolate up to
 * the limit), `input` (all of stdin), `readline()` (next stdin line, or null at the end), and a
 * frozen `assert` with node:assert's common methods, built from intrinsics captured before the
 * program runs, so a program that rewrites prototypes or globals cannot make a failing test pass.
 *
 * @example
 * const js = new JsSandbox();
 * await js.run({ code: "print(input.trim().split('').reverse().join(''))", stdin: "abc" });  // stdout "cba\n"
 */
import { availableParallelism } from "node:os";
import { DEFAULT_LIMITS, SandboxUnavailableError, type ExecLimits, type RunResult, type TestsResult, type TestVerdict } from "./types.ts";

type Ivm = typeof import("isolated-vm");
let ivmLoad: Promise<Ivm | Error> | undefined;
function loadIvm(): Promise<Ivm | Error> {
  ivmLoad ??= import("isolated-vm").then(
    (m) => ((m as unknown as { default?: Ivm }).default ?? (m as unknown as Ivm)),
    (e: unknown) => (e instanceof Error ? e : new Error(String(e))),
  );
  return ivmLoad;
}

const PRELUDE = String.raw`
(function (INPUT, CAP) {
  "use strict";
  const g = globalThis;
  const define = Object.defineProperty, freeze = Object.freeze, keys = Object.keys, getProto = Object.getPrototypeOf;
  const hasOwn = Function.prototype.call.bind(Object.prototype.hasOwnProperty);
  const objIs = Object.is, isArray = Array.isArray, stringify = JSON.stringify, Str = String, Err = Error;
  const join = Function.prototype.call.bind(Array.prototype.join), push = Function.prototype.call.bind(Array.prototype.push);
  const slice = Function.prototype.call.bind(String.prototype.slice), split = Function.prototype.call.bind(String.prototype.split);
  const DateGetTime = Function.prototype.call.bind(Date.prototype.getTime);
  const streams = { out: { parts: [], size: 0, truncated: false }, err: { parts: [], size: 0, truncated: false } };
  function write(s, text) {
    if (s.truncated) return;
    if (s.size + text.length > CAP) {
      push(s.parts, slice(text, 0, CAP - s.size));
      s.size = CAP;
      s.truncated = true;
    } else {
      push(s.parts, text);
      s.size += text.length;
    }
  }
  function show(v, depth) {
    if (typeof v === "string") return depth === 0 ? v : stringify(v);
    if (typeof v === "function") return "[Function" + (v.name ? ": " + v.name : " (anonymous)") + "]";
    if (typeof v !== "object" || v === null) return Str(v);
    if (depth > 4) return "[Object]";
    try {
      if (isArray(v)) {
        const items = [];
        for (let i = 0; i < v.length; i++) push(items, show(v[i], depth + 1));
        return items.length ? "[ " + join(items, ", ") + " ]" : "[]";
      }
      const items = [];
      const ks = keys(v);
      for (let i = 0; i < ks.length; i++) push(items, ks[i] + ": " + show(v[ks[i]], depth + 1));
      return items.length ? "{ " + join(items, ", ") + " }" : "{}";
    } catch (e) {
      return "[Object]";
    }
  }
  const line = (args) => {
    const parts = [];
    for (let i = 0; i < args.length; i++) push(parts, show(args[i], 0));
    return join(parts, " ") + "\n";
  };
  const out = (...a) => write(streams.out, line(a));
  const err = (...a) => write(streams.err, line(a));
  const konsole = freeze({ log: out, info: out, debug: out, warn: err, error: err, trace: err });
  define(g, "console", { value: konsole, writable: false, configurable: false });
  define(g, "print", { value: out, writable: false, configurable: false });
  define(g, "input", { value: INPUT, writable: false, configurable: false });
  const lines = split(INPUT, "\n");
  if (lines.length && lines[lines.length - 1] === "") lines.length--;
  let next = 0;
  define(g, "readline", { value: () => (next < lines.length ? lines[next++] : null), writable: false, configurable: false });

  class AssertionError extends Err {}
  define(AssertionError.prototype, "name", { value: "AssertionError" });
  function fail(message, dflt) {
    throw new AssertionError(message === undefined ? dflt : Str(message));
  }
  function deep(a, b, strict, depth) {
    if (strict ? objIs(a, b) : a == b || (a !== a && b !== b)) return true;
    if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
    if (depth > 200) return false;
    if (strict && getProto(a) !== getProto(b)) return false;
    if (isArray(a) !== isArray(b)) return false;
    if (a instanceof Date && b instanceof Date) return DateGetTime(a) === DateGetTime(b);
    if (a instanceof Map && b instanceof Map) {
      if (a.size !== b.size) return false;
      for (const [k, v] of a) if (!b.has(k) || !deep(v, b.get(k), strict, depth + 1)) return false;
      return true;
    }
    if (a instanceof Set && b instanceof Set) {
      if (a.size !== b.size) return false;
      for (const v of a) if (!b.has(v)) return false;
      return true;
    }
    const ka = keys(a), kb = keys(b);
    if (ka.length !== kb.length) return false;
    for (let i = 0; i < ka.length; i++) {
      const k = ka[i];
      if (!hasOwn(b, k) || !deep(a[k], b[k], strict, depth + 1)) return false;
    }
    return true;
  }
  const desc = (a, op, b) => show(a, 1) + " " + op + " " + show(b, 1);
  function assert(v, m) { if (!v) fail(m, "The expression evaluated to a falsy value: " + show(v, 1)); }
  assert.ok = (v, m) => { if (!v) fail(m, "The expression evaluated to a falsy value: " + show(v, 1)); };
  assert.equal = (a, b, m) => { if (!(a == b || (a !== a && b !== b))) fail(m, desc(a, "==", b)); };
  assert.notEqual = (a, b, m) => { if (a == b) fail(m, desc(a, "!=", b)); };
  assert.strictEqual = (a, b, m) => { if (!objIs(a, b)) fail(m, desc(a, "===", b)); };
  assert.notStrictEqual = (a, b, m) => { if (objIs(a, b)) fail(m, desc(a, "!==", b)); };
  assert.deepEqual = (a, b, m) => { if (!deep(a, b, false, 0)) fail(m, desc(a, "deepEqual", b)); };
  assert.notDeepEqual = (a, b, m) => { if (deep(a, b, false, 0)) fail(m, desc(a, "notDeepEqual", b)); };
  assert.deepStrictEqual = (a, b, m) => { if (!deep(a, b, true, 0)) fail(m, desc(a, "deepStrictEqual", b)); };
  assert.notDeepStrictEqual = (a, b, m) => { if (deep(a, b, true, 0)) fail(m, desc(a, "notDeepStrictEqual", b)); };
  assert.throws = (fn, _e, m) => { let threw = false; try { fn(); } catch (e) { threw = true; } if (!threw) fail(m, "Missing expected exception."); };
  assert.fail = (m) => fail(m, "Failed");
  assert.strict = assert;
  freeze(assert);
  define(g, "assert", { value: assert, writable: false, configurable: false });

  const result = () => stringify({
    stdout: join(streams.out.parts, ""), stderr: join(streams.err.parts, ""),
    stdoutTruncated: streams.out.truncated, stderrTruncated: streams.err.truncated,
  });
  define(g, "__rewardsmith_output__", { value: result, writable: false, configurable: false });
})
`;

/** `const assert = require("assert")` lines of MultiPL-E style tests: the sandbox already has a global assert. */
const REQUIRE_ASSERT = /^[ \t]*(?:const|let|var)\s+assert\s*=\s*require\(\s*['"](?:node:)?assert(?:\/strict)?['"]\s*\)\s*;?[ \t]*$/gm;

export function stripAssertRequire(src: string): string {
  return src.replace(REQUIRE_ASSERT, "");
}

export type JsSandboxOptions = {
  /** Isolates running at once (default: cores). */
  concurrency?: number;
  limits?: Partial<ExecLimits>;
};

type Output = { stdout: string; stderr: string; stdoutTruncated: boolean; stderrTruncated: boolean };

/** A fresh isolate per job; at most `concurrency` at once. */
export class JsSandbox {
  private readonly defaults: ExecLimits;
  private readonly max: number;
  private active = 0;
  private readonly queue: (() => void)[] = [];

  constructor(options: JsSandboxOptions = {}) {
    this.defaults = { ...DEFAULT_LIMITS, ...options.limits };
    this.max = Math.max(1, options.concurrency ?? availableParallelism());
  }

  /** Whether isolated-vm loads here. */
  async check(): Promise<{ ok: true } | { ok: false; reason: string }> {
    const m = await loadIvm();
    return m instanceof Error ? { ok: false, reason: `sandbox unavailable: isolated-vm did not load (${m.message})` } : { ok: true };
  }

  private async slot<T>(f: () => Promise<T>): Promise<T> {
    if (this.active >= this.max) await new Promise<void>((r) => this.queue.push(r));
    this.active++;
    try {
      return await f();
    } finally {
      this.active--;
      this.queue.shift()?.();
    }
  }

  private async isolate(limits: ExecLimits, stdin: string, signal: AbortSignal | undefined, body: (ev: (src: string, ms: number) => Promise<void>) => Promise<void>): Promise<Output & { disposedReason?: string }> {
    const ivm = await loadIvm();
    if (ivm instanceof Error) throw new SandboxUnavailableError(`sandbox unavailable: isolated-vm did not load (${ivm.message})`);
    const iso = new ivm.Isolate({ memoryLimit: Math.max(8, limits.memoryMb) });
    const onAbort = () => iso.dispose();
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      const ctx = await iso.createContext();
      const init = await ctx.eval(PRELUDE, { reference: true, timeout: 1000 });
      await init.apply(undefined, [stdin, limits.outputBytes], { timeout: 1000 });
      const ev = async (src: string, ms: number) => {
        await ctx.eval(`${src}\n;void 0`, { timeout: Math.max(1, Math.round(ms)) });
      };
      let disposedReason: string | undefined;
      try {
        await body(ev);
      } catch (e) {
        disposedReason = errorText(e);
      }
      if (iso.isDisposed) {
        if (signal?.aborted) throw abortError(signal);
        return { stdout: "", stderr: "", stdoutTruncated: false, stderrTruncated: false, disposedReason: disposedReason ?? "isolate disposed" };
      }
      const raw: unknown = await ctx.eval("__rewardsmith_output__()", { timeout: 2000, copy: true });
      const o = typeof raw === "string" ? (JSON.parse(raw) as Partial<Output>) : {};
      return {
        stdout: typeof o.stdout === "string" ? o.stdout : "",
        stderr: typeof o.stderr === "string" ? o.stderr : "",
        stdoutTruncated: o.stdoutTruncated === true,
        stderrTruncated: o.stderrTruncated === true,
        ...(disposedReason !== undefined ? { disposedReason } : {}),
      };
    } finally {
      signal?.removeEventListener("abort", onAbort);
      if (!iso.isDisposed) iso.dispose();
    }
  }

  /** Runs a program with stdin (as `input` / `readline()`), returning its console output. */
  async run(req: { code: string; stdin?: string; limits?: Partial<ExecLimits> }, opts: { signal?: AbortSignal } = {}): Promise<RunResult> {
    const limits = { ...this.defaults, ...req.limits };
    return this.slot(async () => {
      const t0 = performance.now();
      let failure: string | null = null;
      let timedOut = false;
      const o = await this.isolate(limits, req.stdin ?? "", opts.signal, async (ev) => {
        try {
          await ev(req.code, limits.wallMs);
        } catch (e) {
          failure = errorText(e);
          timedOut = isTimeout(e);
        }
      });
      if (o.disposedReason) {
        const f: string | null = failure;
        failure = memoryOrDisposed(f !== null && /memory limit/i.test(f) ? f : o.disposedReason);
      }
      return {
        exitCode: failure === null ? 0 : timedOut || o.disposedReason ? null : 1,
        signal: null,
        timedOut,
        reason: timedOut ? "time limit exceeded" : failure,
        stdout: o.stdout,
        stderr: failure !== null && !timedOut ? `${o.stderr}${failure}\n` : o.stderr,
        stdoutTruncated: o.stdoutTruncated,
        stderrTruncated: o.stderrTruncated,
        wallMs: round(performance.now() - t0),
      };
    });
  }

  /** Loads a program, then runs each test source in the same context; a test passes if it throws nothing. */
  async runTests(req: { code: string; tests: string[]; limits?: Partial<ExecLimits> }, opts: { signal?: AbortSignal } = {}): Promise<TestsResult> {
    const limits = { ...this.defaults, ...req.limits };
    const per = limits.testMs ?? limits.wallMs;
    return this.slot(async () => {
      const t0 = performance.now();
      const end = t0 + limits.wallMs;
      const verdicts: (TestVerdict | undefined)[] = req.tests.map(() => undefined);
      const o = await this.isolate(limits, "", opts.signal, async (ev) => {
        try {
          await ev(req.code, Math.min(per, end - performance.now()));
        } catch (e) {
          const v: TestVerdict = isTimeout(e)
            ? { verdict: "timeout", ms: 0, message: "the program did not finish loading: time limit exceeded" }
            : { verdict: "error", ms: 0, message: `the program raised while loading:\n${errorText(e)}` };
          for (let i = 0; i < verdicts.length; i++) verdicts[i] = v;
          return;
        }
        for (let i = 0; i < req.tests.length; i++) {
          const left = end - performance.now();
          if (left <= 0) {
            verdicts[i] = { verdict: "timeout", ms: 0, message: "not run: the time limit of the whole program was used up" };
            continue;
          }
          const t = performance.now();
          try {
            await ev(req.tests[i]!, Math.min(per, left));
            verdicts[i] = { verdict: "pass", ms: round(performance.now() - t) };
          } catch (e) {
            const ms = round(performance.now() - t);
            verdicts[i] = isTimeout(e) ? { verdict: "timeout", ms, message: "time limit exceeded" } : { verdict: "fail", ms, message: errorText(e) };
            if (isDisposed(e)) throw e;
          }
        }
      });
      const crash = o.disposedReason ? memoryOrDisposed(o.disposedReason) : "isolate disposed";
      return {
        tests: verdicts.map((v) => v ?? { verdict: "crash" as const, ms: 0, message: crash }),
        runs: 1,
        stdout: o.stdout,
        stderr: o.stderr,
        stdoutTruncated: o.stdoutTruncated,
        stderrTruncated: o.stderrTruncated,
        wallMs: round(performance.now() - t0),
      };
    });
  }
}

/** The error's stack as the isolate saw it (header and program frames), without the host frames after the boundary. */
function errorText(e: unknown): string {
  if (e instanceof Error) {
    const stack = typeof e.stack === "string" && e.stack !== "" ? e.stack : `${e.name}: ${e.message}`;
    const cut = stack.indexOf("\n    at (<isolated-vm boundary>)");
    return (cut >= 0 ? stack.slice(0, cut) : stack).slice(-2000);
  }
  return String(e).slice(-2000);
}
const isTimeout = (e: unknown) => e instanceof Error && /timed out/i.test(e.message);
const isDisposed = (e: unknown) => e instanceof Error && /disposed/i.test(e.message);
const memoryOrDisposed = (why: string) => (/memory limit/i.test(why) ? "memory limit exceeded (isolate disposed)" : why);
const round = (ms: number) => Math.round(ms * 1000) / 1000;
function abortError(signal: AbortSignal): Error {
  const r: unknown = signal.reason;
  return r instanceof Error ? r : new Error(String(r ?? "aborted"));
}
