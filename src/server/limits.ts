/**
 * Load limits: how many scoring requests and samples may be in flight, and each request's
 * deadline. Over the limit the server answers 429 with Retry-After at once instead of queueing
 * (slime #1582: thousands of requests at once overwhelm a reward server); the clients back off
 * with jitter. Work that outlives its response (a 504) keeps its slot until it really ends, so
 * retries cannot pile up work behind a deadline.
 */
import type { FastifyRequest } from "fastify";
import { HttpError } from "./errors.ts";

export type AdmissionOptions = {
  /** Scoring requests in flight at once. */
  maxRequests: number;
  /** Samples in flight at once, over all requests. */
  maxSamples: number;
  /** Seconds in Retry-After. */
  retryAfter?: number;
};

export class Ticket {
  private refs = 1;
  samples = 0;
  constructor(private readonly admission: Admission) {}

  /** Counts a request's samples against the limit (429 when they do not fit). */
  addSamples(n: number): void {
    this.admission.takeSamples(this, n);
  }

  /** Keeps the slot past the response, until the returned function is called. */
  hold(): () => void {
    this.refs++;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.drop();
    };
  }

  /** The response is finished (sent, failed or aborted). */
  end(): void {
    this.drop();
  }

  private drop(): void {
    if (--this.refs === 0) this.admission.leave(this);
  }
}

export class Admission {
  inflight = 0;
  samples = 0;
  constructor(readonly options: AdmissionOptions) {}

  private busy(what: string): HttpError {
    const s = String(this.options.retryAfter ?? 1);
    return new HttpError(429, `the server is at its limit of ${what}; retry after ${s} s`, null, "rate_limited", { "Retry-After": s });
  }

  /** A 429 now if every slot is taken (before the body is read: a flood is refused cheaply). */
  check(): void {
    if (this.inflight >= this.options.maxRequests) throw this.busy(`${this.options.maxRequests} scoring requests in flight (--max-concurrent)`);
  }

  /** Takes a slot (once the body has arrived: a client trickling its body must not hold one). */
  enter(): Ticket {
    this.check();
    this.inflight++;
    return new Ticket(this);
  }

  takeSamples(t: Ticket, n: number): void {
    // A request alone on the server always fits, whatever its size (the body limit bounds it).
    if (this.samples > 0 && this.samples + n > this.options.maxSamples) throw this.busy(`${this.options.maxSamples} samples in flight (--max-inflight-samples)`);
    this.samples += n;
    t.samples += n;
  }

  leave(t: Ticket): void {
    this.inflight--;
    this.samples -= t.samples;
  }
}

export const DEADLINE_HEADER = "x-deadline-ms";

/** Epoch ms by which the request must be answered: the server default, or sooner if the client says so. */
export function deadlineOf(req: FastifyRequest, defaultMs: number): { at: number; ms: number } {
  const h = req.headers[DEADLINE_HEADER];
  let ms = defaultMs;
  if (h !== undefined) {
    const v = Array.isArray(h) ? h[0]! : h;
    const n = Number(v);
    if (!/^\s*\d+(\.\d+)?\s*$/.test(v) || !(n > 0)) throw new HttpError(400, `expected a positive number of milliseconds, got "${v}"`, DEADLINE_HEADER, "invalid_header");
    ms = Math.min(defaultMs, n);
  }
  return { at: Date.now() + ms, ms };
}

/** The promise's value, or a 504 once the deadline passes (the work itself goes on). */
export function withDeadline<T>(p: Promise<T>, deadline: { at: number; ms: number }, what: string): Promise<T> {
  const left = deadline.at - Date.now();
  if (left <= 0) return Promise.reject(deadlineError(deadline.ms, what));
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(deadlineError(deadline.ms, what)), left);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

function deadlineError(ms: number, what: string): HttpError {
  return new HttpError(504, `the deadline of ${ms} ms passed before ${what} finished (a retry with the same Idempotency-Key gets the result once it is ready)`, null, "deadline_exceeded");
}
