/**
 * Records every scored request in the run store: one run per spec version (kind "serve", with
 * the spec hash and text) and one per OpenAI grader (kind "grader", the grader JSON as the spec).
 * Rows are buffered and handed every 100 ms (or at 4096 rows) to a writer thread
 * (store-worker.ts) as JSON text; SQLite's inserts cost more than scoring a rule reward, so they
 * stay off the event loop.
 */
import { Worker } from "node:worker_threads";
import type { Status } from "../core/types.ts";
import type { ScoredSample } from "../pipeline/pipeline.ts";
import type { StartRun } from "../store/run-store.ts";

export type StoreMessage =
  | { op: "record"; key: string; start: StartRun; rows: string; groups: string }
  | { op: "finish"; key: string; counts: Partial<Record<Status, number>>; summary: Record<string, unknown> }
  | { op: "close" };
export type StoreReply = { op: "ready" } | { op: "closed" } | { op: "error"; message: string } | { op: "fatal"; message: string };

type Run = { start: StartRun; counts: Partial<Record<Status, number>>; rows: ScoredSample[]; groups: (string | null)[]; started: number; recorded: number };

export type RunKey = { key: string; kind: string; specHash: string; specName?: string; specText: string };

const fromSource = import.meta.url.endsWith(".ts");
const workerUrl = new URL(`./store-worker${fromSource ? ".ts" : ".js"}`, import.meta.url);
/** From TypeScript sources a worker does not inherit the tsx loader, so a bootstrap registers it. */
const workerEntry: URL | string = fromSource
  ? `import(${JSON.stringify(import.meta.resolve("tsx/esm/api"))}).then((m) => { m.register(); return import(${JSON.stringify(workerUrl.href)}); });`
  : workerUrl;

export class Recorder {
  private readonly runs = new Map<string, Run>();
  private timer?: NodeJS.Timeout;
  private buffered = 0;
  private closing?: Promise<void>;
  failures = 0;

  private constructor(
    private readonly worker: Worker,
    private readonly input: string,
    private readonly onError: (message: string) => void,
  ) {}

  /** Opens the store in its writer thread; rejects if it cannot be opened (bad path, newer schema). */
  static open(path: string, input: string, onError: (message: string) => void = () => {}): Promise<Recorder> {
    const worker = new Worker(workerEntry, { eval: fromSource, workerData: { path }, stdout: false, stderr: false });
    return new Promise((resolve, reject) => {
      const early = (code: number) => reject(new Error(`run store ${path}: the writer thread exited with code ${code}`));
      worker.once("exit", early);
      worker.once("message", (m: StoreReply) => {
        if (m.op === "fatal") {
          reject(new Error(`run store ${path}: ${m.message}`));
          return;
        }
        worker.off("exit", early);
        const rec = new Recorder(worker, input, onError);
        worker.on("message", (r: StoreReply) => {
          if (r.op === "error") {
            rec.failures++;
            onError(r.message);
          }
        });
        worker.on("error", (err) => {
          rec.failures++;
          onError(err.message);
        });
        worker.unref();
        resolve(rec);
      });
    });
  }

  record(run: RunKey, results: readonly ScoredSample[], groups?: readonly (string | undefined)[]): void {
    if (this.closing) return;
    let r = this.runs.get(run.key);
    if (!r) {
      r = { start: { kind: run.kind, specHash: run.specHash, specName: run.specName, specText: run.specText, input: this.input }, counts: {}, rows: [], groups: [], started: Date.now(), recorded: 0 };
      this.runs.set(run.key, r);
      // Graders come and go with each request body: keep at most 1000 runs open.
      if (this.runs.size > 1000) this.finish(this.runs.keys().next().value!);
    }
    for (let i = 0; i < results.length; i++) {
      const res = results[i]!;
      r.rows.push(res);
      r.groups.push(groups?.[i] ?? null);
      r.counts[res.status] = (r.counts[res.status] ?? 0) + 1;
    }
    this.buffered += results.length;
    if (this.buffered >= 4096) this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), 100);
      this.timer.unref();
    }
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.buffered = 0;
    for (const [key, r] of this.runs) {
      if (r.rows.length === 0) continue;
      this.post({ op: "record", key, start: r.start, rows: JSON.stringify(r.rows.map(compactRow)), groups: JSON.stringify(r.groups) });
      r.recorded += r.rows.length;
      r.rows = [];
      r.groups = [];
    }
  }

  /** Closes one run (a spec version was replaced): its rows, then its status counts. */
  finish(key: string): void {
    const r = this.runs.get(key);
    if (!r) return;
    this.flush();
    this.runs.delete(key);
    this.post({ op: "finish", key, counts: r.counts, summary: { status_counts: r.counts, seconds: (Date.now() - r.started) / 1000 } });
  }

  /** Finishes every run and waits until the writer has committed and closed the store. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.flush();
      for (const k of [...this.runs.keys()]) this.finish(k);
      const done = new Promise<void>((resolve) => {
        this.worker.on("message", (m: StoreReply) => m.op === "closed" && resolve());
        this.worker.once("exit", () => resolve());
      });
      this.worker.ref();
      this.post({ op: "close" });
      await done;
      await this.worker.terminate();
    })();
    return this.closing;
  }

  private post(m: StoreMessage): void {
    try {
      this.worker.postMessage(m);
    } catch (err) {
      this.failures++;
      this.onError((err as Error).message);
    }
  }
}

/** A row as arrays, without component details (as `score` without --details): JSON.stringify's fast path, no replacer. */
export type CompactRow = [id: string, score: number | null, status: Status, reason: string | null, components: [name: string, score: number | null, status: Status, reason: string | null][]];

function compactRow(r: ScoredSample): CompactRow {
  const comps: CompactRow[4] = [];
  for (const name in r.components) {
    const c = r.components[name]!;
    comps.push([name, c.score, c.status, c.reason ?? null]);
  }
  return [r.id, r.score, r.status, r.reason ?? null, comps];
}

export function expandRow(c: CompactRow): ScoredSample {
  const components: ScoredSample["components"] = {};
  for (const [name, score, status, reason] of c[4]) components[name] = reason === null ? { score, status } : { score, status, reason };
  return c[3] === null ? { id: c[0], score: c[1], status: c[2], components } : { id: c[0], score: c[1], status: c[2], reason: c[3], components };
}
