import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { errorOutcome, timeout } from "../core/outcome.ts";
import type { Outcome, Sample } from "../core/types.ts";
import { IDLE, type FromWorker, type ToWorker, type WorkerInit } from "./worker-protocol.ts";

export type WorkerPoolOptions = {
  size?: number;
  /** Heap limit per worker: a memory bomb kills its worker, not the process. */
  maxHeapMb?: number;
};

type Job = {
  id: number;
  reward: string;
  calls: Sample[][];
  deadlineMs: number;
  results: (Outcome[] | undefined)[];
  /** Calls that still have no result. */
  remaining: number;
  resolve(r: Outcome[][]): void;
};

type Slot = {
  worker: Worker;
  progress: BigInt64Array;
  ready: boolean;
  job?: Job;
  /** job.calls indices of the calls sent in the current assignment, in the order sent. */
  indices: number[];
};

const fromSource = import.meta.url.endsWith(".ts");
const workerUrl = new URL(`./worker${fromSource ? ".ts" : ".js"}`, import.meta.url);
/**
 * Running from TypeScript sources (tests, tsx): a worker does not inherit the tsx loader on
 * Node 20, so a tiny bootstrap registers it before importing the worker module.
 */
const workerEntry: URL | string = fromSource
  ? `import(${JSON.stringify(import.meta.resolve("tsx/esm/api"))}).then((m) => { m.register(); return import(${JSON.stringify(workerUrl.href)}); });`
  : workerUrl;

/**
 * Worker threads that run CPU-bound rewards under hard per-call deadlines. A watchdog on the
 * main thread reads each worker's progress from shared memory and terminates a worker whose
 * current call is past its deadline; that call becomes `timeout`, finished calls are kept and the
 * rest go to a fresh worker. A crash (out of memory, native fault) fails only the call it hit.
 */
/** Samples as JSON text when they survive it unchanged in kind (no BigInt, no cycles), else as objects. */
function asJson(samples: Sample[]): Sample[] | string {
  try {
    return JSON.stringify(samples);
  } catch {
    return samples;
  }
}

export class WorkerPool {
  readonly size: number;
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private watchdog?: NodeJS.Timeout;
  private tickMs = 50;
  private closed = false;
  private failure?: Error;
  private readyWaiters: { resolve(): void; reject(e: Error): void }[] = [];
  /** Counters for metrics. */
  readonly stats = { timeouts: 0, crashes: 0, restarts: 0 };

  constructor(
    private readonly init: Omit<WorkerInit, "progress">,
    private readonly options: WorkerPoolOptions = {},
  ) {
    this.size = Math.max(1, options.size ?? Math.min(availableParallelism(), 8));
    for (let i = 0; i < this.size; i++) this.slots.push(this.spawn());
  }

  private spawn(): Slot {
    const progress = new SharedArrayBuffer(16);
    const worker = new Worker(workerEntry, {
      eval: fromSource,
      workerData: { ...this.init, progress } satisfies WorkerInit,
      resourceLimits: { maxOldGenerationSizeMb: this.options.maxHeapMb ?? 1024 },
      stdout: false,
      stderr: false,
    });
    worker.unref();
    const slot: Slot = { worker, progress: new BigInt64Array(progress), ready: false, indices: [] };
    worker.on("message", (m: FromWorker) => this.onMessage(slot, worker, m));
    worker.on("error", (err) => this.onExit(slot, worker, `worker crashed: ${err.message}`));
    worker.on("exit", (code) => this.onExit(slot, worker, `worker exited with code ${code}`));
    return slot;
  }

  /** Resolves once every worker has built its rewards; rejects with the reason if they cannot. */
  ready(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.slots.every((s) => s.ready)) return Promise.resolve();
    return new Promise((resolve, reject) => this.readyWaiters.push({ resolve, reject }));
  }

  /** Runs `calls` (each one score() call) of reward `reward`; outcomes in the same shape. */
  run(reward: string, calls: Sample[][], deadlineMs: number): Promise<Outcome[][]> {
    if (calls.length === 0) return Promise.resolve([]);
    if (this.failure) return Promise.resolve(calls.map((c) => c.map(() => errorOutcome(this.failure!.message))));
    if (this.closed) return Promise.resolve(calls.map((c) => c.map(() => errorOutcome("pipeline is closed"))));
    return new Promise((resolve) => {
      this.queue.push({ id: this.nextId++, reward, calls, deadlineMs, results: new Array(calls.length), remaining: calls.length, resolve });
      this.tickMs = Math.min(this.tickMs, Math.max(5, Math.floor(deadlineMs / 10)));
      this.pump();
    });
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (this.queue.length === 0) break;
      if (!slot.ready || slot.job) continue;
      const job = this.queue.shift()!;
      slot.job = job;
      // After a restart only the calls without a result are sent again.
      slot.indices = [];
      for (let k = 0; k < job.calls.length; k++) if (!job.results[k]) slot.indices.push(k);
      // A busy worker keeps the process alive; an idle one must not.
      slot.worker.ref();
      Atomics.store(slot.progress, 0, IDLE);
      const calls = slot.indices.length === job.calls.length ? job.calls : slot.indices.map((k) => job.calls[k]!);
      const flat = calls.every((c) => c.length === 1);
      const samples = flat ? calls.map((c) => c[0]!) : calls.flat();
      const task: ToWorker = { type: "task", id: job.id, reward: job.reward, samples: asJson(samples), deadlineMs: job.deadlineMs };
      if (!flat) task.sizes = calls.map((c) => c.length);
      slot.worker.postMessage(task);
    }
    this.armWatchdog();
  }

  private armWatchdog(): void {
    const busy = this.slots.some((s) => s.job);
    if (busy && !this.watchdog) {
      this.watchdog = setInterval(() => this.check(), this.tickMs);
      this.watchdog.unref();
    } else if (!busy && this.watchdog) {
      clearInterval(this.watchdog);
      this.watchdog = undefined;
    }
  }

  private check(): void {
    const now = Date.now();
    for (let i = 0; i < this.slots.length; i++) {
      const slot = this.slots[i]!;
      const job = slot.job;
      if (!job) continue;
      const idx = Atomics.load(slot.progress, 0);
      if (idx === IDLE) continue;
      const started = Number(Atomics.load(slot.progress, 1));
      if (now - started <= job.deadlineMs) continue;
      this.stats.timeouts++;
      const at = slot.indices[Number(idx)]!;
      const o = timeout(`exceeded the ${job.deadlineMs} ms deadline (stopped)`);
      this.replace(i, job, at, job.calls[at]!.map(() => o));
    }
  }

  /** Ends slot i's worker; call `at` of its job gets `outcome`, the rest of the job is requeued. */
  private replace(i: number, job: Job, at: number, outcomes: Outcome[]): void {
    const old = this.slots[i]!;
    old.job = undefined;
    old.ready = false;
    old.worker.removeAllListeners("message");
    old.worker.removeAllListeners("exit");
    old.worker.on("exit", () => {});
    old.worker.removeAllListeners("error");
    old.worker.on("error", () => {});
    void old.worker.terminate();
    this.stats.restarts++;
    this.setResult(job, at, outcomes);
    if (!this.closed) this.slots[i] = this.spawn();
    if (job.remaining === 0) this.finish(job);
    else this.queue.unshift(job);
    // Another worker may be idle: it takes the rest at once rather than waiting for the new one.
    this.pump();
  }

  private onMessage(slot: Slot, worker: Worker, m: FromWorker): void {
    if (slot.worker !== worker) return;
    switch (m.type) {
      case "ready":
        slot.ready = true;
        if (this.slots.every((s) => s.ready)) for (const w of this.readyWaiters.splice(0)) w.resolve();
        this.pump();
        return;
      case "init-error":
        this.fail(new Error(`cannot start rewards in worker: ${m.message}`));
        return;
      case "partial":
      case "done": {
        const job = slot.job;
        if (!job || job.id !== m.id) return;
        // Flat outcomes, call after call: each call takes as many as it has samples.
        const outcomes = typeof m.outcomes === "string" ? (JSON.parse(m.outcomes) as Outcome[]) : m.outcomes;
        let at = 0;
        for (let c = m.from; at < outcomes.length; c++) {
          const k = slot.indices[c]!;
          const n = job.calls[k]!.length;
          this.setResult(job, k, n === 1 ? [outcomes[at]!] : outcomes.slice(at, at + n));
          at += n;
        }
        if (m.type === "done") {
          slot.job = undefined;
          worker.unref();
          this.finish(job);
          this.pump();
        }
        return;
      }
    }
  }

  private onExit(slot: Slot, worker: Worker, why: string): void {
    if (slot.worker !== worker || this.closed) return;
    const i = this.slots.indexOf(slot);
    if (i < 0) return;
    if (!slot.ready && !slot.job) {
      // It died while building rewards: retrying would die the same way.
      this.fail(new Error(`cannot start rewards in worker: ${why}`));
      return;
    }
    this.stats.crashes++;
    const job = slot.job;
    if (!job) {
      this.slots[i] = this.spawn();
      return;
    }
    const idx = Atomics.load(slot.progress, 0);
    // The call in progress is the one that crashed it; if none was, the first one without a result takes the blame.
    const at = idx === IDLE ? job.results.findIndex((r) => !r) : slot.indices[Number(idx)]!;
    const o = errorOutcome(/memory/i.test(why) ? `out of memory: ${why}` : why);
    this.replace(i, job, at, job.calls[at]!.map(() => o));
  }

  private setResult(job: Job, k: number, outcomes: Outcome[]): void {
    if (!job.results[k]) job.remaining--;
    job.results[k] = outcomes;
  }

  private finish(job: Job): void {
    job.resolve(job.results.map((r, k) => r ?? job.calls[k]!.map(() => errorOutcome("no result from worker"))));
  }

  private fail(err: Error): void {
    if (this.failure) return;
    this.failure = err;
    for (const w of this.readyWaiters.splice(0)) w.reject(err);
    const jobs = [...this.queue.splice(0), ...this.slots.flatMap((s) => (s.job ? [s.job] : []))];
    for (const s of this.slots) s.job = undefined;
    for (const job of jobs) job.resolve(job.calls.map((c) => c.map(() => errorOutcome(err.message))));
    void this.close();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.watchdog) clearInterval(this.watchdog);
    this.watchdog = undefined;
    const pending = [...this.queue.splice(0), ...this.slots.flatMap((s) => (s.job ? [s.job] : []))];
    for (const job of pending) {
      for (let k = 0; k < job.calls.length; k++) job.results[k] ??= job.calls[k]!.map(() => errorOutcome("pipeline closed"));
      this.finish(job);
    }
    await Promise.all(
      this.slots.map((s) => {
        s.worker.removeAllListeners();
        s.worker.on("error", () => {});
        return s.worker.terminate();
      }),
    );
  }
}
