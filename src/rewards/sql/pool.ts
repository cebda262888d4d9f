import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { accessSync, constants, existsSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ExecRequest, ExecResult, FromChild, ToChild } from "./protocol.ts";

export type SqlPoolOptions = {
  /** Child processes (each runs one query at a time). */
  size: number;
  /** Address-space headroom for SQLite per child, on top of Node's own (prlimit --as). */
  memoryMb: number;
};

type Job = {
  id: number;
  req: ExecRequest;
  timeoutMs: number;
  signal?: AbortSignal;
  onAbort?: () => void;
  resolve(r: ExecResult): void;
  slot?: Slot;
  timer?: NodeJS.Timeout;
  started?: number;
};

type Slot = { child: ChildProcess; ready: boolean; job?: Job; stderr: string; dead: boolean };

const fromSource = import.meta.url.endsWith(".ts");
const childSource = fileURLToPath(new URL(`./child${fromSource ? ".ts" : ".js"}`, import.meta.url));
let bundled: string | undefined;

/**
 * The child's entry file. From TypeScript sources (tests, tsx) it is bundled to one plain .mjs
 * with esbuild (tsx's own compiler) instead of starting the child under the tsx loader: the
 * loader reserves ~32 GB of address space, which rules out an address-space limit.
 */
function childEntry(): string {
  if (!fromSource) return childSource;
  if (bundled) return bundled;
  const esbuild = createRequire(import.meta.resolve("tsx"))("esbuild") as typeof import("esbuild");
  const out = esbuild.buildSync({
    entryPoints: [childSource],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    external: ["better-sqlite3"],
    write: false,
    logLevel: "silent",
  });
  const code = out.outputFiles[0]!.text;
  const file = join(tmpdir(), `rewardsmith-sql-child-${createHash("sha256").update(code).digest("hex").slice(0, 16)}.mjs`);
  if (!existsSync(file)) {
    const part = `${file}.${process.pid}.tmp`;
    writeFileSync(part, code);
    renameSync(part, file);
  }
  bundled = file;
  return file;
}

/** Node's own reservations (V8 heap cage, code range, libuv): measured ~780 MB of address space here. */
const NODE_BASE_MB = 1024;

function which(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? "/usr/bin:/bin").split(delimiter)) {
    const p = join(dir, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      /* not here */
    }
  }
  return undefined;
}

const tools = { setpriv: which("setpriv"), prlimit: which("prlimit") };

/**
 * How a child is started. setpriv --pdeathsig KILL: the child dies with this process even while
 * stuck inside sqlite3_step (its IPC "disconnect" would never be seen). prlimit: an address-space
 * cap so a memory bomb fails inside SQLite ("out of memory") instead of growing the host, and a
 * zero file-size cap because a read-only query never needs to write a file.
 */
export function childCommand(memoryMb: number): { file: string; args: string[]; limited: boolean } {
  // The child resolves better-sqlite3 from this module's location (its bundle lives in tmpdir).
  const node = [process.execPath, "--max-old-space-size=512", childEntry(), import.meta.url];
  let cmd = node;
  if (tools.prlimit) cmd = [tools.prlimit, `--as=${(NODE_BASE_MB + memoryMb) * 1024 * 1024}`, "--fsize=0", "--", ...cmd];
  if (tools.setpriv) cmd = [tools.setpriv, "--pdeathsig", "KILL", "--", ...cmd];
  return { file: cmd[0]!, args: cmd.slice(1), limited: tools.prlimit !== undefined && tools.setpriv !== undefined };
}

/** After this many children in a row die before saying "ready", queued queries fail instead of waiting. */
const MAX_START_FAILURES = 3;

/**
 * A small pool of child processes that run untrusted SQL. A query past its deadline, or whose
 * caller aborts, gets its process SIGKILLed and replaced; the other processes keep serving.
 * Children are started on first use and never keep the event loop alive on their own.
 */
export class SqlProcessPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;
  private startFailures = 0;
  private lastStartError = "";
  private keepAlive?: NodeJS.Timeout;
  readonly stats = { started: 0, killed: 0, crashed: 0, queries: 0 };

  constructor(private readonly options: SqlPoolOptions) {}

  /** Process ids of the live children (for tests that check nothing is left behind). */
  pids(): number[] {
    return this.slots.filter((s) => !s.dead && s.child.pid !== undefined).map((s) => s.child.pid!);
  }

  /** Starts the processes ahead of the first query (they start lazily otherwise). */
  warm(): void {
    this.fill();
  }

  /** Runs one query; never rejects. */
  run(req: ExecRequest, o: { timeoutMs: number; signal?: AbortSignal }): Promise<ExecResult> {
    if (this.closed) return Promise.resolve({ kind: "crash", message: "the SQL pool is closed" });
    if (o.signal?.aborted) return Promise.resolve({ kind: "aborted" });
    return new Promise<ExecResult>((resolve) => {
      const job: Job = { id: this.nextId++, req, timeoutMs: o.timeoutMs, signal: o.signal, resolve };
      if (o.signal) {
        job.onAbort = () => this.finish(job, { kind: "aborted" }, true);
        o.signal.addEventListener("abort", job.onAbort, { once: true });
      }
      this.queue.push(job);
      this.fill();
      this.dispatch();
    });
  }

  private fill(): void {
    while (!this.closed && this.slots.length < this.options.size) this.slots.push(this.spawn());
  }

  private spawn(): Slot {
    const { file, args } = childCommand(this.options.memoryMb);
    const child = spawn(file, args, {
      cwd: tmpdir(),
      // A cleared environment: nothing of the host's leaks into the process that runs model SQL.
      env: {},
      stdio: ["ignore", "ignore", "pipe", "ipc"],
      serialization: "advanced",
    });
    this.stats.started++;
    const slot: Slot = { child, ready: false, stderr: "", dead: false };
    child.unref();
    child.channel?.unref();
    (child.stderr as unknown as { unref?: () => void } | null)?.unref?.();
    child.stderr?.setEncoding("utf8");
    child.stderr?.on("data", (d: string) => {
      slot.stderr = (slot.stderr + d).slice(-2000);
    });
    child.on("message", (m: FromChild) => {
      if (m.type === "ready") {
        slot.ready = true;
        this.startFailures = 0;
        this.dispatch();
      } else if (m.type === "result" && slot.job?.id === m.id) {
        const job = slot.job;
        slot.job = undefined;
        this.finish(job, m.result, false);
        this.dispatch();
      }
    });
    child.on("error", (err) => {
      slot.stderr += `\n${err.message}`;
    });
    child.on("exit", (code, sig) => this.exited(slot, code, sig));
    return slot;
  }

  private exited(slot: Slot, code: number | null, sig: NodeJS.Signals | null): void {
    if (slot.dead) return;
    slot.dead = true;
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
    const why = `SQL process exited (${sig ?? `code ${code}`})${slot.stderr ? `: ${slot.stderr.trim().split("\n").slice(-3).join(" | ")}` : ""}`;
    if (!slot.ready) {
      this.startFailures++;
      this.lastStartError = why;
    }
    if (slot.job) {
      const job = slot.job;
      slot.job = undefined;
      this.stats.crashed++;
      this.finish(job, { kind: "crash", message: why }, false);
    }
    if (this.closed) return;
    if (this.startFailures >= MAX_START_FAILURES) {
      // Children cannot start (missing better-sqlite3 build, no memory...): fail fast, retry on the next query.
      for (const job of this.queue.splice(0)) this.finish(job, { kind: "crash", message: `SQL processes fail to start: ${this.lastStartError}` }, false);
      this.startFailures = 0;
      this.updateKeepAlive();
      return;
    }
    // Replace it at once, so the next query does not pay a process start.
    this.fill();
    this.dispatch();
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (this.queue.length === 0) break;
      if (!slot.ready || slot.job || slot.dead) continue;
      const job = this.queue.shift()!;
      slot.job = job;
      job.slot = slot;
      job.started = performance.now();
      job.timer = setTimeout(() => this.finish(job, { kind: "timeout", ms: Math.round(performance.now() - job.started!) }, true), job.timeoutMs);
      this.stats.queries++;
      slot.child.send({ id: job.id, req: job.req } satisfies ToChild);
    }
    this.updateKeepAlive();
  }

  /** Settles a job once; `kill` stops the process still running it (timeout, abort). */
  private finish(job: Job, result: ExecResult, kill: boolean): void {
    if (job.timer) clearTimeout(job.timer);
    job.timer = undefined;
    if (job.onAbort) job.signal?.removeEventListener("abort", job.onAbort);
    job.onAbort = undefined;
    const slot = job.slot;
    if (slot === undefined) {
      const q = this.queue.indexOf(job);
      if (q >= 0) this.queue.splice(q, 1);
    } else if (kill && slot.job === job) {
      slot.job = undefined;
      this.kill(slot);
    }
    job.slot = undefined;
    job.resolve(result);
    this.updateKeepAlive();
  }

  private kill(slot: Slot): void {
    this.stats.killed++;
    slot.ready = false;
    // The slot stays counted until its exit event, which also starts the replacement.
    slot.child.kill("SIGKILL");
  }

  /** Holds the event loop open while queries are queued or running, and only then. */
  private updateKeepAlive(): void {
    const busy = this.queue.length > 0 || this.slots.some((s) => s.job);
    if (busy && !this.keepAlive) this.keepAlive = setInterval(() => {}, 1 << 30);
    else if (!busy && this.keepAlive) {
      clearInterval(this.keepAlive);
      this.keepAlive = undefined;
    }
  }

  /** Kills every child; queued and running queries resolve as crashes. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const job of [...this.queue]) this.finish(job, { kind: "crash", message: "the SQL pool is closed" }, false);
    const exits = this.slots.map(
      (s) =>
        new Promise<void>((resolve) => {
          if (s.dead || s.child.exitCode !== null || s.child.signalCode !== null) return resolve();
          s.child.once("exit", () => resolve());
          s.child.kill("SIGKILL");
        }),
    );
    // The children are unref'd: hold the loop open until they are gone.
    const hold = setInterval(() => {}, 1 << 30);
    try {
      await Promise.all(exits);
    } finally {
      clearInterval(hold);
    }
    this.updateKeepAlive();
  }
}
