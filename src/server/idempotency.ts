/**
 * Idempotency keys: a request sent again with the same `Idempotency-Key` (a client retry after a
 * timeout or a dropped connection) gets the first request's result instead of a second
 * computation. The work, not the response, is stored: a retry that arrives while the first is
 * still scoring waits for the same promise, and one that arrives after a 504 gets the result
 * the first computed after its deadline. The same key with a different body is a 422. Failed
 * work is forgotten, so a retry after an error computes again. Bounded by entries, by samples
 * held and by age.
 */
import { createHash } from "node:crypto";
import { HttpError } from "./errors.ts";

export type IdempotencyOptions = { maxEntries?: number; maxSamples?: number; ttlMs?: number };

type Entry = { fingerprint: string; promise: Promise<unknown>; expires: number; weight: number; done: boolean };

export const IDEMPOTENCY_HEADERS = ["idempotency-key", "x-idempotency-key"] as const;

export class IdempotencyStore {
  private readonly map = new Map<string, Entry>();
  private weight = 0;
  private readonly maxEntries: number;
  private readonly maxSamples: number;
  private readonly ttlMs: number;

  constructor(options: IdempotencyOptions = {}) {
    this.maxEntries = options.maxEntries ?? 10_000;
    this.maxSamples = options.maxSamples ?? 250_000;
    this.ttlMs = options.ttlMs ?? 10 * 60_000;
  }

  get size(): number {
    return this.map.size;
  }

  /**
   * Runs `work` once per key. `replayed` is true when the value came from an earlier request.
   * `weight` is the number of samples, to bound the memory results hold.
   */
  run<T>(key: string, body: unknown, weight: number, work: () => Promise<T>): { promise: Promise<T>; replayed: boolean } {
    const fingerprint = fingerprintOf(body);
    const now = Date.now();
    const have = this.map.get(key);
    if (have && have.expires > now) {
      if (have.fingerprint !== fingerprint) {
        throw new HttpError(422, "this Idempotency-Key was already used with a different request body; use a new key for a new request", "idempotency-key", "idempotency_key_reused");
      }
      return { promise: have.promise as Promise<T>, replayed: true };
    }
    if (have) this.delete(key);
    const promise = work();
    const entry: Entry = { fingerprint, promise, expires: now + this.ttlMs, weight, done: false };
    this.map.set(key, entry);
    this.weight += weight;
    promise.then(
      () => {
        entry.done = true;
      },
      () => {
        if (this.map.get(key) === entry) this.delete(key);
      },
    );
    this.evict();
    return { promise, replayed: false };
  }

  private delete(key: string): void {
    const e = this.map.get(key);
    if (!e) return;
    this.map.delete(key);
    this.weight -= e.weight;
  }

  /** Oldest first (Map order is insertion order); entries still computing are kept. */
  private evict(): void {
    const now = Date.now();
    for (const [k, e] of this.map) {
      const over = this.map.size > this.maxEntries || this.weight > this.maxSamples;
      if (!over && e.expires > now) break;
      if (e.done || e.expires <= now) this.delete(k);
    }
  }
}

/** Scopes a client's key to the route, so one key on two routes is two entries. */
export function idempotencyKey(headers: Record<string, string | string[] | undefined>, route: string): string | undefined {
  for (const h of IDEMPOTENCY_HEADERS) {
    const v = headers[h];
    if (v === undefined) continue;
    const s = Array.isArray(v) ? v[0]! : v;
    if (s.length === 0 || s.length > 255) throw new HttpError(400, "expected 1 to 255 characters", h, "invalid_header");
    return `${route}\u0000${s}`;
  }
  return undefined;
}

function fingerprintOf(body: unknown): string {
  let text: string;
  try {
    text = typeof body === "string" ? body : (JSON.stringify(body) ?? "");
  } catch {
    // Not serializable (too deep, circular): unique, so it can never be replayed by mistake.
    text = `\u0000${Math.random()}`;
  }
  return createHash("sha256").update(text).digest("base64");
}
