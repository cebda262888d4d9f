/**
 * One warm sandbox process ("runner"): the command that starts it (optional cgroup join, a host
 * uid of its own via setpriv, bubblewrap, the Python supervisor), the JSON-lines channel to it,
 * and killing it with everything it started. The pool in python.ts decides when to use, reuse
 * and replace runners.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bwrapArgs, bwrapFeatures, SANDBOX_WORK_DIR } from "./bwrap.ts";
import { SandboxCgroup, type CgroupLayout } from "./cgroup.ts";
import { exited, killChild } from "./kill.ts";
import { SUPERVISOR_SOURCE } from "./supervisor-source.ts";
import { SandboxError } from "./types.ts";

const SH_JOIN_CGROUPS = 'n=$1; shift; while [ "$n" -gt 0 ]; do echo $$ > "$1" || exit 125; shift; n=$((n-1)); done; exec "$@"';
/** Host uids for sandboxes: per process a block of 1024, far above any real account. */
const UID_BASE = 1_000_000_000 + (process.pid % 1_000_000) * 1024;
const usedSlots = new Set<number>();
const liveRunners = new Set<Runner>();
let exitHook = false;

function takeSlot(): number {
  for (let s = 0; s < 1024; s++) {
    if (!usedSlots.has(s)) {
      usedSlots.add(s);
      return s;
    }
  }
  throw new SandboxError("more than 1024 sandboxes at once");
}

export type Job = { op: "run" | "tests"; code: string; stdin?: string; tests?: string[]; module?: string; limits: Record<string, number | undefined> };

/** The sandbox process went away in the middle of a job (killed, crashed, unresponsive, aborted). */
export class RunnerDied extends SandboxError {}

/** One warm sandbox: bubblewrap + the supervisor, one job at a time. */
export class Runner {
  jobs = 0;
  dead = false;
  private buf = "";
  private stderrTail = "";
  private waiting?: { resolve: (v: Record<string, unknown>) => void; reject: (e: Error) => void };
  private readonly ready: Promise<void>;
  private workDir?: string;

  private constructor(
    readonly slot: number,
    readonly uid: number | undefined,
    readonly cgroup: SandboxCgroup | undefined,
    private readonly child: ChildProcess,
    workDir: string | undefined,
  ) {
    this.workDir = workDir;
    liveRunners.add(this);
    this.ready = new Promise((resolve, reject) => {
      this.waiting = { resolve: () => resolve(), reject };
    });
    child.stdout!.setEncoding("utf8");
    child.stdout!.on("data", (d: string) => this.onData(d));
    child.stderr!.setEncoding("utf8");
    child.stderr!.on("data", (d: string) => {
      this.stderrTail = (this.stderrTail + d).slice(-2000);
    });
    child.stdin!.on("error", () => {});
    child.on("error", (e) => this.die(`could not start: ${e.message}`));
    child.on("exit", (code, sig) => this.die(`exited (${sig ?? `code ${code}`})`));
  }

  static start(o: {
    python: string;
    bwrap?: string;
    setpriv?: string;
    seccomp?: Buffer;
    layout?: CgroupLayout;
    workBytes: number;
    shmBytes: number;
    pids: number;
    memoryBytes: number;
    preload: string[];
  }): Runner {
    const slot = takeSlot();
    const root = process.getuid?.() === 0;
    const uid = o.bwrap && root && o.setpriv ? UID_BASE + slot : undefined;
    const cgroup = o.layout ? SandboxCgroup.create(o.layout, `s${slot}`, { pids: o.pids, memoryBytes: o.memoryBytes }) : undefined;
    let workDir: string | undefined;
    const conf: Record<string, unknown> = { preload: o.preload };
    let command: string[];
    if (o.bwrap) {
      conf.work = SANDBOX_WORK_DIR;
      conf.wipe = [SANDBOX_WORK_DIR, "/dev/shm"];
      command = [
        o.bwrap,
        ...bwrapArgs(
          { python: o.python, workBytes: o.workBytes, shmBytes: o.shmBytes, features: bwrapFeatures(o.bwrap), ...(o.seccomp ? { seccompFd: 3 } : {}) },
          [o.python, "-I", "-c", SUPERVISOR_SOURCE, JSON.stringify(conf)],
        ),
      ];
      if (uid !== undefined) command = [o.setpriv!, `--reuid=${uid}`, `--regid=${uid}`, "--clear-groups", "--no-new-privs", "--", ...command];
    } else {
      workDir = mkdtempSync(join(tmpdir(), "rewardsmith-unsafe-"));
      conf.work = workDir;
      conf.wipe = [workDir];
      command = [o.python, "-I", "-c", SUPERVISOR_SOURCE, JSON.stringify(conf)];
    }
    if (cgroup && cgroup.procsFiles.length > 0) {
      command = ["/bin/sh", "-c", SH_JOIN_CGROUPS, "sh", String(cgroup.procsFiles.length), ...cgroup.procsFiles, ...command];
    }
    const child = spawn(command[0]!, command.slice(1), {
      stdio: ["pipe", "pipe", "pipe", o.seccomp && o.bwrap ? "pipe" : "ignore"],
      env: { PATH: "/usr/bin:/bin:/usr/sbin:/sbin" },
      detached: !o.bwrap,
    });
    // A pool left open must not keep the process alive: a job in flight holds a timer instead.
    child.unref();
    for (const s of [child.stdin, child.stdout, child.stderr]) (s as unknown as { unref?: () => void } | null)?.unref?.();
    if (o.seccomp && o.bwrap) {
      const fd3 = child.stdio[3] as NodeJS.WritableStream & { on(e: "error", f: () => void): void };
      fd3.on("error", () => {});
      fd3.end(o.seccomp);
    }
    if (!exitHook) {
      exitHook = true;
      process.once("exit", () => {
        for (const r of liveRunners) r.killSync();
      });
    }
    return new Runner(slot, uid, cgroup, child, workDir);
  }

  waitReady(ms: number): Promise<void> {
    let t: NodeJS.Timeout | undefined;
    return Promise.race([
      this.ready,
      new Promise<void>((_, reject) => {
        t = setTimeout(() => {
          this.kill();
          reject(new RunnerDied(`sandbox did not start within ${ms} ms`));
        }, ms);
      }),
    ]).finally(() => clearTimeout(t));
  }

  get diagnostics(): string {
    return this.stderrTail.trim().split("\n").slice(-5).join(" | ");
  }

  private onData(d: string): void {
    this.buf += d;
    for (let i = this.buf.indexOf("\n"); i >= 0; i = this.buf.indexOf("\n")) {
      const line = this.buf.slice(0, i);
      this.buf = this.buf.slice(i + 1);
      let msg: Record<string, unknown>;
      try {
        msg = JSON.parse(line) as Record<string, unknown>;
      } catch {
        this.kill();
        this.die(`sent a line that is not JSON: ${line.slice(0, 200)}`);
        return;
      }
      const w = this.waiting;
      this.waiting = undefined;
      w?.resolve(msg);
    }
  }

  private die(why: string): void {
    if (!this.dead) {
      this.dead = true;
      liveRunners.delete(this);
      usedSlots.delete(this.slot);
      void this.cleanup();
    }
    const w = this.waiting;
    this.waiting = undefined;
    const detail = this.diagnostics;
    w?.reject(new RunnerDied(`sandbox ${why}${detail ? `: ${detail}` : ""}`));
  }

  private async cleanup(): Promise<void> {
    killChild(this.child);
    await exited(this.child, 2000);
    await this.cgroup?.remove();
    if (this.workDir) rmSync(this.workDir, { recursive: true, force: true });
  }

  /** Sends one job; rejects if the sandbox dies, misses `hardMs`, or `signal` aborts (the sandbox is then killed). */
  exec(job: Job & { id: number }, hardMs: number, signal?: AbortSignal): Promise<Record<string, unknown>> {
    if (this.dead) return Promise.reject(new RunnerDied("sandbox is gone"));
    this.jobs++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.kill();
        this.die(`did not answer within ${hardMs} ms`);
      }, hardMs);
      const onAbort = () => {
        this.kill();
        this.die("was stopped: the call was aborted");
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
      };
      this.waiting = {
        resolve: (v) => {
          done();
          resolve(v);
        },
        reject: (e) => {
          done();
          reject(signal?.aborted ? abortError(signal) : e);
        },
      };
      this.child.stdin!.write(`${JSON.stringify(job)}\n`);
    });
  }

  kill(): void {
    killChild(this.child);
    this.cgroup?.killAll();
  }

  killSync(): void {
    this.kill();
    this.cgroup?.removeSync();
  }

  /** Stops the sandbox and waits until its processes and cgroup are gone. */
  async stop(): Promise<void> {
    this.kill();
    this.die("was stopped");
    await this.cleanup();
  }
}

export function abortError(signal: AbortSignal): Error {
  const r: unknown = signal.reason;
  return r instanceof Error ? r : new Error(String(r ?? "aborted"));
}
