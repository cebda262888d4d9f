/**
 * Structured logs: one JSON line per request (method, route, status, ms, samples, spec and its
 * hash, replayed, aborted) plus spec loads and reloads, written by fastify's pino logger to
 * stdout. Lines are buffered and written in chunks (every 50 ms or 64 KiB) rather than one
 * write(2) per request, which at thousands of requests a second costs more than the request;
 * `flush()` runs on close and at exit so nothing is lost on a normal stop.
 */
import type { Writable } from "node:stream";

export class BufferedLog {
  private parts: string[] = [];
  private size = 0;
  private timer?: NodeJS.Timeout;
  private readonly onExit = () => this.flush();

  constructor(
    private readonly out: Pick<Writable, "write"> = process.stdout,
    private readonly maxBytes = 64 * 1024,
    private readonly maxMs = 50,
  ) {
    process.once("exit", this.onExit);
  }

  /** The stream interface pino writes to. */
  write(line: string): boolean {
    this.parts.push(line);
    this.size += line.length;
    if (this.size >= this.maxBytes) this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), this.maxMs);
      this.timer.unref();
    }
    return true;
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.parts.length === 0) return;
    const text = this.parts.join("");
    this.parts = [];
    this.size = 0;
    this.out.write(text);
  }

  close(): void {
    this.flush();
    process.off("exit", this.onExit);
  }
}
