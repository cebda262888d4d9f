/**
 * Process-kill helpers shared by every sandbox (Python runners, SQL workers): kill by pid
 * without throwing, kill a child's whole process group, and find processes left behind.
 */
import type { ChildProcess } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

/** Whether a pid exists (a zombie counts as existing). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** SIGKILLs each pid, ignoring ones that are already gone. */
export function killPids(pids: readonly number[], signal: NodeJS.Signals = "SIGKILL"): void {
  for (const pid of pids) {
    if (!Number.isInteger(pid) || pid <= 1 || pid === process.pid) continue;
    try {
      process.kill(pid, signal);
    } catch {
      /* already gone */
    }
  }
}

/**
 * SIGKILLs a child and, when it leads a process group (spawned with `detached: true`), the whole
 * group. Safe to call twice.
 */
export function killChild(child: ChildProcess | undefined): void {
  const pid = child?.pid;
  if (pid === undefined) return;
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    /* not a group leader or already gone */
  }
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    /* already gone */
  }
}

/** Resolves when the child has exited (at once if it already has), or after `ms`. */
export function exited(child: ChildProcess, ms = 5000): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    child.once("exit", () => {
      clearTimeout(t);
      resolve(true);
    });
  });
}

/** Host pids of live processes whose real uid is `uid` (zombies excluded): used to prove a sandbox left nothing behind. */
export function processesOfUid(uid: number): number[] {
  const out: number[] = [];
  let names: string[];
  try {
    names = readdirSync("/proc");
  } catch {
    return out;
  }
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const status = readFileSync(`/proc/${name}/status`, "utf8");
      const uidLine = /^Uid:\s+(\d+)/m.exec(status);
      const state = /^State:\s+(\S)/m.exec(status);
      if (uidLine && Number(uidLine[1]) === uid && state?.[1] !== "Z") out.push(Number(name));
    } catch {
      /* exited while we looked */
    }
  }
  return out;
}
