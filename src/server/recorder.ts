/**
 * Records every scored request in the run store: one run per spec version (kind "serve", with
 * the spec hash and text) and one per OpenAI grader (kind "grader", the grader JSON as the spec).
 * Writes are buffered and flushed in one transaction per run every 100 ms (or at 4096 rows), so
 * thousands of single-sample requests a second cost a few transactions, not thousands.
 */
import type { Status } from "../core/types.ts";
import type { ScoredSample } from "../pipeline/pipeline.ts";
import type { RunStore } from "../store/run-store.ts";

type Run = { id: number; seq: number; counts: Partial<Record<Status, number>>; rows: ScoredSample[]; groups: (string | undefined)[]; started: number };

export type RunKey = { key: string; kind: string; specHash: string; specName?: string; specText: string };

export class Recorder {
  private readonly runs = new Map<string, Run>();
  private timer?: NodeJS.Timeout;
  private buffered = 0;
  failures = 0;

  constructor(
    private readonly store: RunStore,
    private readonly input: string,
    private readonly onError: (err: unknown) => void = () => {},
  ) {}

  record(run: RunKey, results: readonly ScoredSample[], groups?: readonly (string | undefined)[]): void {
    let r = this.runs.get(run.key);
    if (!r) {
      try {
        const id = this.store.startRun({ kind: run.kind, specHash: run.specHash, specName: run.specName, specText: run.specText, input: this.input });
        r = { id, seq: 0, counts: {}, rows: [], groups: [], started: Date.now() };
      } catch (err) {
        this.failures++;
        this.onError(err);
        return;
      }
      this.runs.set(run.key, r);
      // Graders come and go with each request body: keep at most 1000 runs open.
      if (this.runs.size > 1000) this.finish(this.runs.keys().next().value!);
    }
    for (let i = 0; i < results.length; i++) {
      const res = results[i]!;
      r.rows.push(res);
      r.groups.push(groups?.[i]);
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
    for (const r of this.runs.values()) {
      if (r.rows.length === 0) continue;
      const rows = r.rows;
      const groups = r.groups;
      r.rows = [];
      r.groups = [];
      try {
        this.store.recordResults(r.id, r.seq, rows, groups, false);
      } catch (err) {
        this.failures++;
        this.onError(err);
      }
      r.seq += rows.length;
    }
  }

  /** Closes one run (a spec version was replaced): flushes it and writes its status counts. */
  finish(key: string): void {
    const r = this.runs.get(key);
    if (!r) return;
    this.flush();
    this.runs.delete(key);
    try {
      this.store.finishRun(r.id, r.counts, { rows: r.seq, status_counts: r.counts, seconds: (Date.now() - r.started) / 1000 });
    } catch (err) {
      this.failures++;
      this.onError(err);
    }
  }

  close(): void {
    this.flush();
    for (const k of [...this.runs.keys()]) this.finish(k);
  }
}
