import type { Outcome } from "../core/types.ts";

/**
 * A bounded least-recently-used map of outcomes by content hash. Map keeps insertion order, so
 * re-inserting on every hit makes the first key the least recently used one.
 */
export class OutcomeCache {
  private readonly map = new Map<string, Outcome>();
  hits = 0;
  misses = 0;

  constructor(private readonly maxEntries: number) {}

  get(key: string): Outcome | undefined {
    const v = this.map.get(key);
    if (v === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    this.map.delete(key);
    this.map.set(key, v);
    return v;
  }

  set(key: string, outcome: Outcome): void {
    if (this.maxEntries <= 0) return;
    this.map.delete(key);
    this.map.set(key, outcome);
    if (this.map.size > this.maxEntries) {
      const oldest = this.map.keys().next().value;
      if (oldest !== undefined) this.map.delete(oldest);
    }
  }

  get size(): number {
    return this.map.size;
  }

  clear(): void {
    this.map.clear();
  }
}

/** Only outcomes that will not change on a retry are worth remembering. */
export function isCacheable(o: Outcome): boolean {
  return o.status === "ok" || o.status === "not_applicable" || o.status === "invalid_input";
}
