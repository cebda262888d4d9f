/**
 * Process-wide sandbox pools shared by every reward (and later the tool server) that asks for
 * the same options, so three code rewards in one spec do not start three sets of sandboxes.
 * Reference-counted: a pool closes when its last user releases it.
 */
import { stableStringify } from "../core/hash.ts";
import { JsSandbox, type JsSandboxOptions } from "./js.ts";
import { PythonSandbox, type PythonSandboxOptions } from "./python.ts";

export type Lease<T> = { sandbox: T; release(): Promise<void> };
type Entry<T> = { value: T; users: number };

function leaser<O, T>(make: (o: O) => T, close: (t: T) => Promise<void>): (options: O) => Lease<T> {
  const pools = new Map<string, Entry<T>>();
  return (options) => {
    const key = stableStringify(options);
    let entry = pools.get(key);
    if (!entry) {
      entry = { value: make(options), users: 0 };
      pools.set(key, entry);
    }
    entry.users++;
    const e = entry;
    let released = false;
    return {
      sandbox: e.value,
      async release() {
        if (released) return;
        released = true;
        if (--e.users === 0) {
          pools.delete(key);
          await close(e.value);
        }
      },
    };
  };
}

const python = leaser<PythonSandboxOptions, PythonSandbox>(
  (o) => new PythonSandbox(o),
  (p) => p.close(),
);
const js = leaser<JsSandboxOptions, JsSandbox>(
  (o) => new JsSandbox(o),
  async () => {},
);

/** A shared Python pool for these options; call release() when done. */
export function leasePythonSandbox(options: PythonSandboxOptions = {}): Lease<PythonSandbox> {
  return python(options);
}

/** A shared JavaScript sandbox for these options. */
export function leaseJsSandbox(options: JsSandboxOptions = {}): Lease<JsSandbox> {
  return js(options);
}
