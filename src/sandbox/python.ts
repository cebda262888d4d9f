/**
 * Untrusted Python in bubblewrap, with a pool of warm sandboxes. Each sandbox ("runner") is a
 * bubblewrap + Python supervisor that runs one job at a time in a forked child and scrubs
 * itself after each (see supervisor-source.ts for why no state crosses jobs); it is replaced
 * after `jobsPerRunner` jobs, when it reports anything odd, when a job outlives its deadline,
 * or when the caller aborts.
 *
 * Around each runner, on the host:
 * - its own unprivileged host uid when this process is root (RLIMIT_NPROC then counts only that
 *   sandbox, and nothing it does can touch another sandbox's processes);
 * - a cgroup with `pids.max` (and a memory limit where one may be made), see cgroup.ts;
 * - a seccomp filter (seccomp.ts), `--die-with-parent`, and SIGKILL of the whole tree on abort.
 *
 * @example
 * const py = new PythonSandbox();
 * const r = await py.run({ code: "print(input()[::-1])", stdin: "abc\n" });   // r.stdout === "cba\n"
 * const t = await py.runTests({ code: "def f(x): return x + 1", tests: ["assert f(1) == 2"] });
 * await py.close();
 */
import { availableParallelism } from "node:os";
import { bwrapFeatures, findExecutable, type BwrapFeatures } from "./bwrap.ts";
import { detectCgroups, removeStaleGroups, type CgroupLayout } from "./cgroup.ts";
import { processesOfUid } from "./kill.ts";
import { abortError, Runner, RunnerDied, type Job } from "./runner.ts";
import { seccompFilter } from "./seccomp.ts";
import {
  DEFAULT_LIMITS,
  SandboxError,
  SandboxUnavailableError,
  type ExecLimits,
  type RunResult,
  type TestsResult,
  type TestVerdict,
} from "./types.ts";

export type PythonSandboxOptions = {
  /** Sandboxes that run jobs at once (default: 8 per core, between 4 and 32): more than the cores, because a job spends most of its time waiting for process wake-ups, not computing. */
  size?: number;
  /** A sandbox is replaced after this many jobs (default 200). */
  jobsPerRunner?: number;
  /** Start this many sandboxes at once instead of on first use (default 0). */
  warm?: number;
  /** The interpreter (default /usr/bin/python3). */
  python?: string;
  /** bubblewrap: a path, or a name looked up on PATH (default $REWARDSMITH_BWRAP, else "bwrap"). */
  bwrap?: string;
  /** Size of the work dir tmpfs /tmp, MiB (default 64). */
  workMb?: number;
  /** Size of /dev/shm, MiB (default 16). */
  shmMb?: number;
  /** Memory of a whole sandbox (all its processes and its tmpfs) where a memory cgroup can be made, MiB (default 2048). */
  sandboxMemoryMb?: number;
  /** Modules the supervisor imports once so jobs find them loaded. */
  preload?: string[];
  /** Default limits of each job. */
  limits?: Partial<ExecLimits>;
  /**
   * Run without bubblewrap: only rlimits and process-group kills. NOT a sandbox: the program
   * can read and write anything this process can. For trusted code on machines without user
   * namespaces.
   */
  unsafeNoSandbox?: boolean;
};

export type PythonRunRequest = { code: string; stdin?: string; limits?: Partial<ExecLimits> };
export type PythonTestsRequest = {
  code: string;
  /** Python source of each test, run in the program's namespace after it loads; a test passes if it raises nothing. */
  tests: string[];
  /** `__name__` the program sees (default "solution", so `if __name__ == "__main__":` blocks do not run, as in HumanEval's harness). */
  module?: string;
  limits?: Partial<ExecLimits>;
};
export type CallOptions = { signal?: AbortSignal };

/** What isolation a sandbox pool actually has on this machine. */
export type SandboxInfo = {
  isolation: "bubblewrap" | "none";
  python: string;
  bwrap?: string;
  seccomp: boolean;
  /** bubblewrap options this version has (`--disable-userns`, tmpfs `--size`). */
  bwrapFeatures?: BwrapFeatures;
  uid: "per-sandbox" | "shared";
  cgroup: { version: 1 | 2; pids: boolean; memory: boolean; notes: string[] } | null;
};

export const MISSING_BWRAP = "sandbox unavailable: install bubblewrap (apt-get install -y bubblewrap)";

const DEFAULT_PRELOAD = [
  "collections", "itertools", "functools", "math", "re", "heapq", "bisect", "string", "typing", "json",
  "random", "fractions", "decimal", "datetime", "copy", "operator", "statistics", "hashlib", "dataclasses",
];

let layoutCache: { layout: CgroupLayout | undefined } | undefined;
function cgroupLayout(): CgroupLayout | undefined {
  if (!layoutCache) {
    const layout = detectCgroups();
    if (layout) removeStaleGroups(layout);
    layoutCache = { layout };
  }
  return layoutCache.layout;
}

let uidCount = { at: 0, n: 0 };
/** Processes of this uid now (cached for a second: counting reads /proc). */
function sharedUidProcesses(): number {
  const now = Date.now();
  if (now - uidCount.at > 1000) uidCount = { at: now, n: processesOfUid(process.getuid?.() ?? 0).length };
  return uidCount.n;
}

type Waiter = { resolve: (r: Runner) => void; reject: (e: Error) => void; signal?: AbortSignal; onAbort?: () => void };

/** A pool of warm Python sandboxes. */
export class PythonSandbox {
  readonly size: number;
  private readonly jobsPerRunner: number;
  private readonly python: string;
  private readonly bwrapName: string;
  private readonly unsafe: boolean;
  private readonly defaults: ExecLimits;
  private readonly workBytes: number;
  private readonly shmBytes: number;
  private readonly memoryBytes: number;
  private readonly preload: string[];
  private readonly runners = new Set<Runner>();
  private readonly idle: Runner[] = [];
  private readonly waiters: Waiter[] = [];
  private starting = 0;
  private nextId = 1;
  private closed = false;
  private setup?: { ok: true; bwrap?: string; setpriv?: string; seccomp?: Buffer; layout?: CgroupLayout } | { ok: false; reason: string };
  private everStarted = false;
  /** Jobs run, sandboxes started, jobs retried after a sandbox broke. */
  readonly stats = { jobs: 0, started: 0, retried: 0, retired: 0, lastRetired: "" };

  constructor(options: PythonSandboxOptions = {}) {
    this.size = Math.max(1, Math.floor(options.size ?? Math.min(32, Math.max(4, 8 * availableParallelism()))));
    this.jobsPerRunner = Math.max(1, options.jobsPerRunner ?? 200);
    this.python = options.python ?? "/usr/bin/python3";
    this.bwrapName = options.bwrap ?? process.env.REWARDSMITH_BWRAP ?? "bwrap";
    this.unsafe = options.unsafeNoSandbox === true;
    this.defaults = { ...DEFAULT_LIMITS, ...options.limits };
    this.workBytes = (options.workMb ?? 64) * 1024 * 1024;
    this.shmBytes = (options.shmMb ?? 16) * 1024 * 1024;
    this.memoryBytes = (options.sandboxMemoryMb ?? 2048) * 1024 * 1024;
    this.preload = options.preload ?? DEFAULT_PRELOAD;
    const warm = Math.min(this.size, options.warm ?? 0);
    for (let i = 0; i < warm; i++) void this.spawn().catch(() => {});
  }

  /** Whether this pool can run anything; the reason when not (e.g. "sandbox unavailable: install bubblewrap ..."). */
  check(): { ok: true } | { ok: false; reason: string } {
    const s = this.prepare();
    return s.ok ? { ok: true } : { ok: false, reason: s.reason };
  }

  /** The isolation this pool has here (after check()). */
  info(): SandboxInfo {
    const s = this.prepare();
    const layout = s.ok ? s.layout : undefined;
    return {
      isolation: s.ok && s.bwrap ? "bubblewrap" : "none",
      python: this.python,
      ...(s.ok && s.bwrap ? { bwrap: s.bwrap, bwrapFeatures: bwrapFeatures(s.bwrap) } : {}),
      seccomp: s.ok && s.seccomp !== undefined,
      uid: s.ok && s.bwrap && s.setpriv && process.getuid?.() === 0 ? "per-sandbox" : "shared",
      cgroup: layout ? { version: layout.version, pids: layout.pids !== undefined, memory: layout.memory !== undefined, notes: layout.notes } : null,
    };
  }

  private prepare(): NonNullable<PythonSandbox["setup"]> {
    if (this.setup) return this.setup;
    if (!findExecutable(this.python)) {
      this.setup = { ok: false, reason: `sandbox unavailable: no Python interpreter at ${this.python}` };
    } else if (this.unsafe) {
      this.setup = { ok: true };
    } else {
      const bwrap = findExecutable(this.bwrapName);
      if (!bwrap) this.setup = { ok: false, reason: MISSING_BWRAP };
      else {
        const setpriv = findExecutable("setpriv");
        const seccomp = seccompFilter();
        const layout = cgroupLayout();
        this.setup = {
          ok: true,
          bwrap,
          ...(setpriv ? { setpriv } : {}),
          ...(seccomp ? { seccomp } : {}),
          ...(layout ? { layout } : {}),
        };
      }
    }
    return this.setup;
  }

  private limitsFor(over: Partial<ExecLimits> | undefined): Record<string, number | undefined> {
    const l = { ...this.defaults, ...over };
    const root = process.getuid?.() === 0;
    const s = this.setup;
    const perSandboxUid = s?.ok === true && s.bwrap !== undefined && s.setpriv !== undefined && root;
    return {
      wall_ms: l.wallMs,
      test_ms: l.testMs ?? l.wallMs,
      cpu_s: l.cpuSeconds ?? Math.ceil(l.wallMs / 1000) + 1,
      memory_bytes: l.memoryMb * 1024 * 1024,
      file_bytes: Math.round(l.fileMb * 1024 * 1024),
      output_bytes: l.outputBytes,
      open_files: l.openFiles,
      // RLIMIT_NPROC counts every process of the real uid. With a uid per sandbox it is exact (the
      // supervisor and bubblewrap's monitor count too); sharing this process's uid and without a
      // pids cgroup, it can only cap the total: what the uid runs now plus every sandbox's share.
      nproc: perSandboxUid
        ? l.processes + 2
        : s?.ok && s.layout?.pids === undefined && !root
          ? sharedUidProcesses() + this.size * (l.processes + 2) + 64
          : undefined,
    };
  }

  private async spawn(): Promise<Runner> {
    const s = this.prepare();
    if (!s.ok) throw new SandboxUnavailableError(s.reason);
    this.starting++;
    let r: Runner;
    try {
      r = Runner.start({
        python: this.python,
        ...(s.bwrap ? { bwrap: s.bwrap } : {}),
        ...(s.setpriv ? { setpriv: s.setpriv } : {}),
        ...(s.seccomp ? { seccomp: s.seccomp } : {}),
        ...(s.layout ? { layout: s.layout } : {}),
        workBytes: this.workBytes,
        shmBytes: this.shmBytes,
        pids: this.defaults.processes + 4,
        memoryBytes: this.memoryBytes,
        preload: this.preload,
      });
      this.runners.add(r);
      this.stats.started++;
      await r.waitReady(20_000);
    } catch (e) {
      this.starting--;
      const msg = e instanceof Error ? e.message : String(e);
      if (!this.everStarted && !this.unsafe) {
        this.setup = { ok: false, reason: `sandbox unavailable: bubblewrap could not start Python (${msg})` };
        this.failWaiters(new SandboxUnavailableError(this.setup.reason));
        throw new SandboxUnavailableError(this.setup.reason);
      }
      throw e instanceof SandboxError ? e : new SandboxError(msg);
    }
    this.starting--;
    this.everStarted = true;
    if (this.closed) {
      void r.stop();
      throw new SandboxError("sandbox pool is closed");
    }
    this.release(r);
    return r;
  }

  private failWaiters(e: Error): void {
    for (const w of this.waiters.splice(0)) {
      if (w.onAbort) w.signal?.removeEventListener("abort", w.onAbort);
      w.reject(e);
    }
  }

  /** Hands a free runner to the oldest waiter, or parks it. */
  private release(r: Runner): void {
    if (r.dead) {
      this.runners.delete(r);
      this.refill();
      return;
    }
    const w = this.waiters.shift();
    if (w) {
      if (w.onAbort) w.signal?.removeEventListener("abort", w.onAbort);
      w.resolve(r);
    } else this.idle.push(r);
  }

  private retire(r: Runner): void {
    this.runners.delete(r);
    this.stats.retired++;
    void r.stop();
    this.refill();
  }

  /** Starts runners while callers wait and the pool has room. */
  private refill(): void {
    if (this.closed) return;
    while (this.waiters.length > this.starting && this.live() < this.size) {
      this.spawn().catch((e: Error) => {
        if (e instanceof SandboxUnavailableError) return;
        // A transient start failure: hand it to one waiter rather than hang it.
        const w = this.waiters.shift();
        if (w) {
          if (w.onAbort) w.signal?.removeEventListener("abort", w.onAbort);
          w.reject(e);
        }
      });
    }
  }

  private live(): number {
    let n = this.starting;
    for (const r of this.runners) if (!r.dead) n++;
    return n;
  }

  private acquire(signal?: AbortSignal): Promise<Runner> {
    if (this.closed) return Promise.reject(new SandboxError("sandbox pool is closed"));
    const s = this.prepare();
    if (!s.ok) return Promise.reject(new SandboxUnavailableError(s.reason));
    if (signal?.aborted) return Promise.reject(abortError(signal));
    while (this.idle.length > 0) {
      const r = this.idle.pop()!;
      if (!r.dead) return Promise.resolve(r);
      this.runners.delete(r);
    }
    return new Promise<Runner>((resolve, reject) => {
      const w: Waiter = { resolve, reject, ...(signal ? { signal } : {}) };
      if (signal) {
        w.onAbort = () => {
          const i = this.waiters.indexOf(w);
          if (i >= 0) this.waiters.splice(i, 1);
          reject(abortError(signal));
        };
        signal.addEventListener("abort", w.onAbort, { once: true });
      }
      this.waiters.push(w);
      this.refill();
    });
  }

  private async exec(job: Job, signal: AbortSignal | undefined): Promise<Record<string, unknown>> {
    const wall = Number(job.limits.wall_ms);
    let lastError: Error | undefined;
    for (let attempt = 0; attempt < 2; attempt++) {
      const r = await this.acquire(signal);
      try {
        // The supervisor enforces the wall time itself; this host-side backstop only catches a wedged
        // sandbox, with room for a machine so loaded that answers come late.
        const res = await r.exec({ ...job, id: this.nextId++ }, wall * 1.5 + 5000 + (job.tests?.length ?? 0) * 100, signal);
        this.stats.jobs++;
        if (typeof res.dirty === "string") this.stats.lastRetired = res.dirty;
        if (res.dirty || r.jobs >= this.jobsPerRunner) this.retire(r);
        else this.release(r);
        if (typeof res.error === "string") throw new SandboxError(res.error);
        return res;
      } catch (e) {
        if (!r.dead) this.retire(r);
        else {
          this.runners.delete(r);
          this.refill();
        }
        if (signal?.aborted) throw abortError(signal);
        lastError = e as Error;
        if (!(e instanceof RunnerDied)) throw e;
        this.stats.retried++;
      }
    }
    throw lastError ?? new SandboxError("sandbox failed");
  }

  /** Runs a program with stdin; resolves with its exit, output and times. */
  async run(req: PythonRunRequest, opts: CallOptions = {}): Promise<RunResult> {
    const limits = this.limitsFor(req.limits);
    let res: Record<string, unknown>;
    try {
      res = await this.exec({ op: "run", code: req.code, ...(req.stdin !== undefined ? { stdin: req.stdin } : {}), limits }, opts.signal);
    } catch (e) {
      if (!(e instanceof RunnerDied)) throw e;
      return {
        exitCode: null,
        signal: "SIGKILL",
        timedOut: false,
        reason: `the sandbox was killed (${e.message})`,
        stdout: "",
        stderr: "",
        stdoutTruncated: false,
        stderrTruncated: false,
        wallMs: 0,
      };
    }
    const sig = typeof res.signal === "number" ? signalName(res.signal) : null;
    return {
      exitCode: typeof res.exit === "number" ? res.exit : null,
      signal: sig,
      timedOut: res.timed_out === true,
      reason: typeof res.reason === "string" ? res.reason : null,
      stdout: String(res.stdout ?? ""),
      stderr: String(res.stderr ?? ""),
      stdoutTruncated: res.stdout_truncated === true,
      stderrTruncated: res.stderr_truncated === true,
      wallMs: Number(res.wall_ms ?? 0),
      ...(typeof res.cpu_ms === "number" ? { cpuMs: res.cpu_ms } : {}),
      ...(typeof res.maxrss_kb === "number" ? { maxRssKb: res.maxrss_kb } : {}),
    };
  }

  /** Loads a program once and runs each test against it; a test that hangs or crashes does not cost the others. */
  async runTests(req: PythonTestsRequest, opts: CallOptions = {}): Promise<TestsResult> {
    const limits = this.limitsFor(req.limits);
    let res: Record<string, unknown>;
    try {
      res = await this.exec({ op: "tests", code: req.code, tests: req.tests, module: req.module ?? "solution", limits }, opts.signal);
    } catch (e) {
      if (!(e instanceof RunnerDied)) throw e;
      return {
        tests: req.tests.map(() => ({ verdict: "crash" as const, ms: 0, message: `the sandbox was killed (${e.message})` })),
        runs: 2,
        stdout: "",
        stderr: "",
        stdoutTruncated: false,
        stderrTruncated: false,
        wallMs: 0,
      };
    }
    return {
      tests: (res.tests as TestVerdict[]).map((t) => ({ verdict: t.verdict, ms: t.ms, ...(t.message ? { message: t.message } : {}) })),
      runs: Number(res.runs ?? 1),
      stdout: String(res.stdout ?? ""),
      stderr: String(res.stderr ?? ""),
      stdoutTruncated: res.stdout_truncated === true,
      stderrTruncated: res.stderr_truncated === true,
      wallMs: Number(res.wall_ms ?? 0),
    };
  }

  /** Host uids of the live sandboxes (for tests that prove nothing is left behind). */
  sandboxUids(): number[] {
    return [...this.runners].map((r) => r.uid).filter((u): u is number => u !== undefined);
  }

  /** Stops every sandbox and waits for their processes and cgroups to be gone. */
  async close(): Promise<void> {
    this.closed = true;
    this.failWaiters(new SandboxError("sandbox pool is closed"));
    const all = [...this.runners];
    this.runners.clear();
    this.idle.length = 0;
    await Promise.all(all.map((r) => r.stop()));
  }
}

const SIGNALS: Record<number, string> = {
  1: "SIGHUP", 2: "SIGINT", 3: "SIGQUIT", 4: "SIGILL", 5: "SIGTRAP", 6: "SIGABRT", 7: "SIGBUS", 8: "SIGFPE", 9: "SIGKILL",
  10: "SIGUSR1", 11: "SIGSEGV", 12: "SIGUSR2", 13: "SIGPIPE", 14: "SIGALRM", 15: "SIGTERM", 24: "SIGXCPU", 25: "SIGXFSZ", 31: "SIGSYS",
};
function signalName(n: number): string {
  return SIGNALS[n] ?? `signal ${n}`;
}
