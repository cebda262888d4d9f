import type { Status } from "../core/types.ts";
import { STATUSES } from "../core/types.ts";
import type { ScoredSample } from "../pipeline/pipeline.ts";

type Moments = { n: number; mean: number; m2: number };

function push(m: Moments, x: number): void {
  m.n++;
  const d = x - m.mean;
  m.mean += d / m.n;
  m.m2 += d * (x - m.mean);
}

const emptyCounts = (): Record<Status, number> => Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<Status, number>;

/** Running mean/std (Welford) and status counts for the total and each component. */
export class Summary {
  rows = 0;
  private readonly total: Moments = { n: 0, mean: 0, m2: 0 };
  private readonly totalStatus = emptyCounts();
  private readonly comps = new Map<string, { m: Moments; status: Record<Status, number> }>();

  add(r: ScoredSample): void {
    this.rows++;
    this.totalStatus[r.status]++;
    if (r.score !== null) push(this.total, r.score);
    for (const [name, c] of Object.entries(r.components)) {
      let e = this.comps.get(name);
      if (!e) this.comps.set(name, (e = { m: { n: 0, mean: 0, m2: 0 }, status: emptyCounts() }));
      e.status[c.status]++;
      if (c.score !== null) push(e.m, c.score);
    }
  }

  /** Rows whose total is not ok: a failure the exit code reports (not_applicable is not one). */
  get failed(): number {
    return this.totalStatus.invalid_input + this.totalStatus.timeout + this.totalStatus.error;
  }

  toJSON(elapsedMs: number) {
    const stat = (m: Moments) => ({ n: m.n, mean: m.n ? m.mean : null, std: m.n ? Math.sqrt(m.m2 / m.n) : null });
    return {
      rows: this.rows,
      elapsed_s: elapsedMs / 1000,
      rows_per_s: elapsedMs > 0 ? Math.round((this.rows / elapsedMs) * 1000) : null,
      /** Peak resident memory of the process (worker threads included), MB. */
      max_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
      total: { ...stat(this.total), status: { ...this.totalStatus } },
      components: Object.fromEntries([...this.comps].map(([k, v]) => [k, { ...stat(v.m), status: { ...v.status } }])),
    };
  }

  format(elapsedMs: number): string {
    const j = this.toJSON(elapsedMs);
    const fmt = (x: number | null) => (x === null ? "-" : x.toFixed(4));
    const counts = (s: Record<string, number>) =>
      Object.entries(s)
        .filter(([, n]) => n > 0)
        .map(([k, n]) => `${k} ${n}`)
        .join(", ") || "none";
    const lines = [
      `scored ${j.rows} rows in ${j.elapsed_s.toFixed(2)} s (${j.rows_per_s ?? "-"} rows/s, peak memory ${j.max_rss_mb} MB)`,
      `  total: mean ${fmt(j.total.mean)}  std ${fmt(j.total.std)}  [${counts(j.total.status)}]`,
    ];
    for (const [name, c] of Object.entries(j.components)) {
      lines.push(`  ${name}: mean ${fmt(c.mean)}  std ${fmt(c.std)}  [${counts(c.status)}]`);
    }
    return lines.join("\n");
  }
}
