/**
 * Progress on stderr: a live line with rate and ETA on a terminal, a plain line every
 * `intervalMs` otherwise (CI logs, files). ETA comes from bytes read of a regular file.
 */
export class Progress {
  private readonly start = Date.now();
  private last = 0;
  private readonly tty: boolean;

  constructor(
    private readonly totalBytes: number | undefined,
    private readonly enabled: boolean,
    private readonly intervalMs = process.stderr.isTTY ? 200 : 10_000,
  ) {
    this.tty = Boolean(process.stderr.isTTY);
  }

  update(rows: number, bytes: number, force = false): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (!force && now - this.last < this.intervalMs) return;
    this.last = now;
    const elapsed = (now - this.start) / 1000;
    const rate = elapsed > 0 ? rows / elapsed : 0;
    let line = `${rows} rows  ${Math.round(rate)} rows/s`;
    if (this.totalBytes && this.totalBytes > 0) {
      const frac = Math.min(1, bytes / this.totalBytes);
      const eta = frac > 0 ? (elapsed / frac) * (1 - frac) : NaN;
      line = `${(frac * 100).toFixed(1).padStart(5)}%  ${line}  eta ${Number.isFinite(eta) ? formatSeconds(eta) : "?"}`;
      if (this.tty) {
        const width = 24;
        const filled = Math.round(frac * width);
        line = `[${"#".repeat(filled)}${".".repeat(width - filled)}] ${line}`;
      }
    }
    if (this.tty) process.stderr.write(`\r${line}\x1b[K`);
    else process.stderr.write(`progress: ${line}\n`);
  }

  done(): void {
    if (this.enabled && this.tty) process.stderr.write("\r\x1b[K");
  }
}

function formatSeconds(s: number): string {
  if (s < 60) return `${s.toFixed(0)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${Math.round(s % 60)}s`;
  return `${Math.floor(s / 3600)}h${Math.round((s % 3600) / 60)}m`;
}
