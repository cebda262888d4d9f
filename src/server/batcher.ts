/**
 * Coalesces concurrent requests into one pipeline batch. OpenRLHF and NeMo Gym send one sample
 * per request, so 64 trainers' requests arriving in the same event-loop turn become one batch of
 * 64: one worker round trip per reward instead of 64. Group ids are made request-local first,
 * so a group reward never sees another request's samples.
 */
import type { Sample } from "../core/types.ts";
import type { Pipeline, ScoredSample } from "../pipeline/pipeline.ts";

type Pending = { samples: Sample[]; resolve(r: ScoredSample[]): void; reject(e: unknown): void };

export type BatcherOptions = {
  /** A request at least this big goes to the pipeline on its own (default 1024). */
  direct?: number;
  /** Flush once this many samples are waiting (default 4096). */
  max?: number;
  /** Called after every pipeline batch with its size and duration. */
  onBatch?: (samples: number, ms: number) => void;
};

export class Batcher {
  private pending: Pending[] = [];
  private waiting = 0;
  private scheduled = false;
  private requestNo = 0;
  private readonly direct: number;
  private readonly max: number;

  constructor(
    private readonly pipeline: Pipeline,
    private readonly options: BatcherOptions = {},
  ) {
    this.direct = options.direct ?? 1024;
    this.max = options.max ?? 4096;
  }

  score(samples: readonly Sample[]): Promise<ScoredSample[]> {
    if (samples.length === 0) return Promise.resolve([]);
    if (samples.length >= this.direct) return this.run(samples as Sample[]);
    const tagged = this.localGroups(samples);
    return new Promise((resolve, reject) => {
      this.pending.push({ samples: tagged, resolve, reject });
      this.waiting += tagged.length;
      if (this.waiting >= this.max) this.flush();
      else if (!this.scheduled) {
        this.scheduled = true;
        // setImmediate runs after the I/O callbacks of this loop turn: every request parsed in
        // the same turn joins the batch, and a lone request waits for nothing.
        setImmediate(() => this.flush());
      }
    });
  }

  private async run(samples: Sample[]): Promise<ScoredSample[]> {
    const t0 = performance.now();
    const out = await this.pipeline.score(samples);
    this.options.onBatch?.(samples.length, performance.now() - t0);
    return out;
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
    this.waiting = 0;
    if (batch.length === 1) {
      const p = batch[0]!;
      this.run(p.samples).then(p.resolve, p.reject);
      return;
    }
    const all: Sample[] = [];
    for (const p of batch) for (const s of p.samples) all.push(s);
    this.run(all).then(
      (results) => {
        let k = 0;
        for (const p of batch) {
          p.resolve(results.slice(k, k + p.samples.length));
          k += p.samples.length;
        }
      },
      (err) => {
        for (const p of batch) p.reject(err);
      },
    );
  }

  /** Prefixes group ids with a request number (results carry no group, so nothing to undo). */
  private localGroups(samples: readonly Sample[]): Sample[] {
    let tagged: Sample[] | undefined;
    const no = ++this.requestNo;
    for (let i = 0; i < samples.length; i++) {
      const s = samples[i] as Sample | null;
      if (s !== null && typeof s === "object" && typeof s.group === "string") {
        tagged ??= samples.slice();
        tagged[i] = { ...s, group: `${no}\u0000${s.group}` };
      }
    }
    return tagged ?? (samples as Sample[]);
  }
}
