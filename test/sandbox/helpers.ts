import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { findExecutable } from "../../src/sandbox/bwrap.ts";
import { processesOfUid } from "../../src/sandbox/kill.ts";
import type { PythonSandbox } from "../../src/sandbox/python.ts";

/** Whether bubblewrap is installed here: the sandbox suites run fully only then (CI installs it). */
export const HAVE_BWRAP = findExecutable(process.env.REWARDSMITH_BWRAP ?? "bwrap") !== undefined;

/** Host state a hostile program must not change: sentinel files' contents and mtimes, and listings of writable dirs. */
export type HostState = Record<string, string>;

function digest(path: string): string {
  try {
    const st = statSync(path);
    if (st.isDirectory()) return `dir:${readdirSync(path).sort().join(",")}`;
    return `file:${st.mode}:${st.mtimeMs}:${createHash("sha256").update(readFileSync(path)).digest("hex")}`;
  } catch (e) {
    return `absent:${(e as NodeJS.ErrnoException).code}`;
  }
}

export function hostState(paths: readonly string[]): HostState {
  return Object.fromEntries(paths.map((p) => [p, digest(p)]));
}

/** Live host processes of every uid a pool has used, beyond the idle sandboxes' own two (bubblewrap's monitor and the supervisor). */
export function strayProcesses(pool: PythonSandbox, uids: Set<number>): number[] {
  for (const u of pool.sandboxUids()) uids.add(u);
  const live = new Set(pool.sandboxUids());
  const stray: number[] = [];
  for (const u of uids) {
    const procs = processesOfUid(u);
    if (procs.length > (live.has(u) ? 2 : 0)) stray.push(...procs);
  }
  return stray;
}

export const exists = existsSync;

/** Waits until no stray process is left (a retiring sandbox takes a moment to go); returns what is still there. */
export async function settleStray(pool: PythonSandbox, uids: Set<number>, ms = 3000): Promise<number[]> {
  const end = Date.now() + ms;
  for (;;) {
    const stray = strayProcesses(pool, uids);
    if (stray.length === 0 || Date.now() > end) return stray;
    await new Promise((r) => setTimeout(r, 25));
  }
}
