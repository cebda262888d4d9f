/**
 * Persistent key/value state for stateful combination (running statistics, frozen reference
 * statistics, adaptive weights), so a restarted server or CLI continues where it stopped.
 * The method names match the run store's (`RunStore` satisfies this interface as is); values
 * must be plain JSON data.
 */
export interface StateStore {
  getState<T>(key: string): T | undefined;
  setState(key: string, value: unknown): void;
}

/** Process-local state: what a pipeline uses when it is given no store (lost on exit). */
export class MemoryState implements StateStore {
  private readonly map = new Map<string, string>();

  getState<T>(key: string): T | undefined {
    const v = this.map.get(key);
    return v === undefined ? undefined : (JSON.parse(v) as T);
  }

  setState(key: string, value: unknown): void {
    // Stored as JSON so callers never share mutable objects with the store, as with SQLite.
    this.map.set(key, JSON.stringify(value));
  }
}
