/**
 * Process-wide sandbox pools shared by every reward (and later the tool server) that asks for
 * the same options, so three code rewards in one spec do not start three sets of sandboxes.
 * Reference-counted: the pool closes when its last user releases it.
 */
import { stableStringify } from "../core/hash.ts";
import { JsSandbox, type JsSandboxOptions } from "./js.ts";
import { PythonSandbox, type PythonSandboxOptions } from "./python.ts";

type Entry<T> = { value: T; users: number };
const python = new Map<string, Entry<PythonSandbox>>();
const js = new Map<string, Entry<JsSandbox>>();

export type Lease<T> = { sandbox: T; release(): Promise<void> };

/** A shared Python pool for these options; call release() when done. */
export function leasePythonSandbox(options: PythonSandboxOptions = {}): Lease<PythonSandbox> {
  const key = stableStringify(options);
  let e = python.get(key);
  if (!e) {
    e = { value: new PythonSandbox(options), users: 0 };
    python.set(key, e);
  }
  e.users++;
  const entry = e;
  let released = false;
  return {
    sandbox: entry.value,
    async release() {
      if (released) return;
      released = true;
      if (--entry.users === 0) {
        python.delete(key);
        await entry.value.close();
      }
    },
  };
}

/** A shared JavaScript sandbox for these options. */
export function leaseJsSandbox(options: JsSandboxOptions = {}): Lease<JsSandbox> {
  const key = stableStringify(options);
  let e = js.get(key);
  if (!e) {
    e = { value: new JsSandbox(options), users: 0 };
    js.set(key, e);
  }
  e.users++;
  const entry = e;
  let released = false;
  return {
    sandbox: entry.value,
    async release() {
      if (released) return;
      released = true;
      if (--entry.users === 0) js.delete(key);
    },
  };
}
