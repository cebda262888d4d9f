/**
 * Prometheus text exposition (format 0.0.4) without a client library: counters and histograms
 * with fixed label names, plus collectors that read live values (pipeline stats, memory) when
 * scraped. Label values are escaped as the format requires.
 */

type Labels = readonly string[];

const escape = (v: string) => v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
const SEP = "\u0001";

function labelText(names: Labels, values: Labels, extra?: string): string {
  const parts = names.map((n, i) => `${n}="${escape(values[i] ?? "")}"`);
  if (extra) parts.push(extra);
  return parts.length ? `{${parts.join(",")}}` : "";
}

function num(x: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (x === Infinity) return "+Inf";
  if (x === -Infinity) return "-Inf";
  return String(x);
}

interface Metric {
  render(): string;
}

export class Counter implements Metric {
  private readonly values = new Map<string, number>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: Labels = [],
  ) {}

  inc(labels: Labels = [], by = 1): void {
    const k = labels.join(SEP);
    this.values.set(k, (this.values.get(k) ?? 0) + by);
  }

  get(labels: Labels = []): number {
    return this.values.get(labels.join(SEP)) ?? 0;
  }

  render(): string {
    let out = `# HELP ${this.name} ${this.help}\n# TYPE ${this.name} counter\n`;
    for (const [k, v] of this.values) out += `${this.name}${labelText(this.labelNames, k === "" && this.labelNames.length === 0 ? [] : k.split(SEP))} ${num(v)}\n`;
    return out;
  }
}

type HistData = { counts: number[]; sum: number; count: number };

export class Histogram implements Metric {
  private readonly series = new Map<string, HistData>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: Labels,
    readonly buckets: readonly number[],
  ) {}

  observe(labels: Labels, value: number): void {
    const k = labels.join(SEP);
    let d = this.series.get(k);
    if (!d) {
      d = { counts: new Array(this.buckets.length).fill(0), sum: 0, count: 0 };
      this.series.set(k, d);
    }
    // Counts per bucket are stored non-cumulative and summed at render time.
    let i = 0;
    while (i < this.buckets.length && value > this.buckets[i]!) i++;
    if (i < this.buckets.length) d.counts[i]!++;
    d.sum += value;
    d.count++;
  }

  render(): string {
    let out = `# HELP ${this.name} ${this.help}\n# TYPE ${this.name} histogram\n`;
    for (const [k, d] of this.series) {
      const values = k === "" && this.labelNames.length === 0 ? [] : k.split(SEP);
      let cum = 0;
      this.buckets.forEach((b, i) => {
        cum += d.counts[i]!;
        out += `${this.name}_bucket${labelText(this.labelNames, values, `le="${num(b)}"`)} ${cum}\n`;
      });
      out += `${this.name}_bucket${labelText(this.labelNames, values, 'le="+Inf"')} ${d.count}\n`;
      out += `${this.name}_sum${labelText(this.labelNames, values)} ${num(d.sum)}\n`;
      out += `${this.name}_count${labelText(this.labelNames, values)} ${d.count}\n`;
    }
    return out;
  }
}

/** A metric family whose samples are computed at scrape time. */
export type Sample = { labels?: Record<string, string>; value: number };
export type Collected = { name: string; help: string; type: "counter" | "gauge"; samples: Sample[] };

export class MetricsRegistry {
  private readonly metrics: Metric[] = [];
  private readonly collectors: (() => Collected[])[] = [];

  counter(name: string, help: string, labelNames: Labels = []): Counter {
    const c = new Counter(name, help, labelNames);
    this.metrics.push(c);
    return c;
  }

  histogram(name: string, help: string, labelNames: Labels, buckets: readonly number[]): Histogram {
    const h = new Histogram(name, help, labelNames, buckets);
    this.metrics.push(h);
    return h;
  }

  collect(fn: () => Collected[]): void {
    this.collectors.push(fn);
  }

  render(): string {
    let out = "";
    for (const m of this.metrics) out += m.render();
    const families = new Map<string, Collected>();
    for (const c of this.collectors) {
      for (const f of c()) {
        const have = families.get(f.name);
        if (have) have.samples.push(...f.samples);
        else families.set(f.name, { ...f, samples: [...f.samples] });
      }
    }
    for (const f of families.values()) {
      out += `# HELP ${f.name} ${f.help}\n# TYPE ${f.name} ${f.type}\n`;
      for (const s of f.samples) {
        const names = Object.keys(s.labels ?? {});
        out += `${f.name}${labelText(names, names.map((n) => s.labels![n]!))} ${num(s.value)}\n`;
      }
    }
    return out;
  }
}

export const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120] as const;

/** The server's own metrics; pipelines and memory are added as collectors by the app. */
export function serverMetrics(reg = new MetricsRegistry()) {
  return {
    registry: reg,
    requests: reg.counter("rewardsmith_http_requests_total", "HTTP requests by route, method and status code.", ["route", "method", "status"]),
    latency: reg.histogram("rewardsmith_http_request_duration_seconds", "HTTP request latency by route (receive to response sent).", ["route"], LATENCY_BUCKETS),
    rejected: reg.counter("rewardsmith_http_rejected_total", "Requests refused before scoring, by reason (concurrency, auth, deadline).", ["reason"]),
    samples: reg.counter("rewardsmith_samples_total", "Scored samples by spec and total status.", ["spec", "status"]),
    batchLatency: reg.histogram("rewardsmith_batch_duration_seconds", "Pipeline batch latency by spec (coalesced requests).", ["spec"], LATENCY_BUCKETS),
    batchSize: reg.histogram("rewardsmith_batch_samples", "Samples per pipeline batch by spec.", ["spec"], [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384]),
    replays: reg.counter("rewardsmith_idempotent_replays_total", "Requests answered from the idempotency store instead of scoring again.", ["route"]),
    graders: reg.counter("rewardsmith_grader_runs_total", "OpenAI-style grader runs by grader type and outcome (ok or the error flag).", ["type", "outcome"]),
    reloads: reg.counter("rewardsmith_spec_reloads_total", "Spec loads after start, by spec and result (ok, error, removed).", ["spec", "result"]),
  };
}

export type ServerMetrics = ReturnType<typeof serverMetrics>;
