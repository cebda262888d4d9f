/**
 * Per-sandbox control groups: `pids.max` is the only process limit that holds for every uid
 * (RLIMIT_NPROC does nothing for root), and a memory limit bounds the sum of all processes and
 * of the tmpfs they fill, which RLIMIT_AS (per process) cannot. cgroup v1 (one hierarchy per
 * controller) and v2 (one unified tree) are both handled; when neither can be written the
 * sandbox runs without and reports it.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isAlive, killPids } from "./kill.ts";

export type CgroupLayout = {
  version: 1 | 2;
  /** Directory under which this process's per-sandbox groups are made, per controller. */
  pids?: string;
  memory?: string;
  /** Why a controller is not used. */
  notes: string[];
};

const PREFIX = "rewardsmith-";

type MountInfo = { mount: string; fstype: string; superOptions: string[] };

function mounts(): MountInfo[] {
  try {
    return readFileSync("/proc/self/mountinfo", "utf8")
      .split("\n")
      .filter(Boolean)
      .map((line) => {
        const [pre, post] = line.split(" - ");
        const f = (pre ?? "").split(" ");
        const g = (post ?? "").split(" ");
        return { mount: f[4] ?? "", fstype: g[0] ?? "", superOptions: (g[2] ?? "").split(",") };
      });
  } catch {
    return [];
  }
}

/** This process's own cgroup path per v1 controller, and under key "" its v2 path. */
function ownPaths(): Map<string, string> {
  const m = new Map<string, string>();
  try {
    for (const line of readFileSync("/proc/self/cgroup", "utf8").split("\n")) {
      const parts = line.split(":");
      if (parts.length < 3) continue;
      const path = parts.slice(2).join(":");
      for (const c of parts[1]!.split(",")) m.set(c, path);
    }
  } catch {
    /* no cgroups */
  }
  return m;
}

function writable(dir: string, file: string): boolean {
  const probe = join(dir, `${PREFIX}${process.pid}-probe`);
  try {
    mkdirSync(probe, { recursive: false });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") return false;
  }
  const ok = existsSync(join(probe, file));
  try {
    rmdirSync(probe);
  } catch {
    /* removed below on the next start */
  }
  return ok;
}

/**
 * Finds where per-sandbox groups can be made. Memory groups are only made where this process's
 * own memory group is the hierarchy root or when REWARDSMITH_SANDBOX_MEMORY_CGROUP=1: nesting
 * inside a group some supervisor manages would leave it a child it does not expect.
 */
export function detectCgroups(): CgroupLayout | undefined {
  const all = mounts();
  const own = ownPaths();
  const memoryWanted = (path: string) => path === "/" || process.env.REWARDSMITH_SANDBOX_MEMORY_CGROUP === "1";
  const v1 = (controller: string) => all.find((m) => m.fstype === "cgroup" && m.superOptions.includes(controller));
  const pidsMount = v1("pids");
  if (pidsMount) {
    const notes: string[] = [];
    const layout: CgroupLayout = { version: 1, notes };
    const pidsBase = join(pidsMount.mount, own.get("pids") ?? "/");
    if (writable(pidsBase, "pids.max")) layout.pids = pidsBase;
    else notes.push(`pids: cannot create groups under ${pidsBase}`);
    const memMount = v1("memory");
    const memPath = own.get("memory") ?? "/";
    if (memMount && memoryWanted(memPath)) {
      const memBase = join(memMount.mount, memPath);
      if (writable(memBase, "memory.limit_in_bytes")) layout.memory = memBase;
      else notes.push(`memory: cannot create groups under ${memBase}`);
    } else if (memMount) notes.push(`memory: own group ${memPath} is managed elsewhere; set REWARDSMITH_SANDBOX_MEMORY_CGROUP=1 to nest under it`);
    return layout.pids || layout.memory ? layout : undefined;
  }
  const unified = all.find((m) => m.fstype === "cgroup2" && m.mount === "/sys/fs/cgroup") ?? all.find((m) => m.fstype === "cgroup2");
  if (!unified) return undefined;
  const ownV2 = own.get("") ?? "/";
  // v2 allows no processes in a group that delegates controllers, so this process's own group
  // (which holds it) only works at the root; otherwise use a group made at the root.
  for (const base of ownV2 === "/" ? [unified.mount] : [join(unified.mount, ownV2), unified.mount]) {
    try {
      const have = readFileSync(join(base, "cgroup.controllers"), "utf8").split(/\s+/);
      if (!have.includes("pids")) continue;
      const want = ["pids", ...(have.includes("memory") && memoryWanted(base === unified.mount ? "/" : ownV2) ? ["memory"] : [])];
      writeFileSync(join(base, "cgroup.subtree_control"), want.map((c) => `+${c}`).join(" "));
      if (!writable(base, "pids.max")) continue;
      const layout: CgroupLayout = { version: 2, pids: base, notes: [] };
      if (want.includes("memory") && writable(base, "memory.max")) layout.memory = base;
      return layout;
    } catch {
      /* try the next base */
    }
  }
  return undefined;
}

/** Removes per-sandbox groups left by rewardsmith processes that died without cleaning up. */
export function removeStaleGroups(layout: CgroupLayout): void {
  for (const base of new Set([layout.pids, layout.memory].filter((b): b is string => b !== undefined))) {
    let names: string[] = [];
    try {
      names = readdirSync(base).filter((n) => n.startsWith(PREFIX));
    } catch {
      continue;
    }
    for (const name of names) {
      const pid = Number(name.slice(PREFIX.length).split("-")[0]);
      if (Number.isInteger(pid) && pid !== process.pid && isAlive(pid)) continue;
      removeTree(join(base, name));
    }
  }
}

function removeTree(dir: string): void {
  let entries: string[] = [];
  try {
    entries = readdirSync(dir, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name);
  } catch {
    return;
  }
  for (const e of entries) removeTree(join(dir, e));
  killPids(procsOf(dir));
  try {
    rmdirSync(dir);
  } catch {
    /* still busy: a later start retries */
  }
}

function procsOf(dir: string): number[] {
  try {
    return readFileSync(join(dir, "cgroup.procs"), "utf8")
      .split("\n")
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

/** The group(s) of one sandbox: one directory per controller hierarchy (one in v2). */
export class SandboxCgroup {
  private constructor(
    readonly layout: CgroupLayout,
    readonly dirs: string[],
  ) {}

  /** Makes the groups with their limits; undefined if it could not. */
  static create(layout: CgroupLayout, name: string, limits: { pids: number; memoryBytes?: number }): SandboxCgroup | undefined {
    const leaf = `${PREFIX}${process.pid}-${name}`;
    const dirs: string[] = [];
    try {
      if (layout.version === 2) {
        const d = join(layout.pids!, leaf);
        mkdirSync(d);
        dirs.push(d);
        writeFileSync(join(d, "pids.max"), String(limits.pids));
        if (layout.memory && limits.memoryBytes) {
          writeFileSync(join(d, "memory.max"), String(limits.memoryBytes));
          try {
            writeFileSync(join(d, "memory.swap.max"), "0");
          } catch {
            /* no swap accounting */
          }
        }
      } else {
        if (layout.pids) {
          const d = join(layout.pids, leaf);
          mkdirSync(d);
          dirs.push(d);
          writeFileSync(join(d, "pids.max"), String(limits.pids));
        }
        if (layout.memory && limits.memoryBytes) {
          const d = join(layout.memory, leaf);
          mkdirSync(d);
          dirs.push(d);
          writeFileSync(join(d, "memory.limit_in_bytes"), String(limits.memoryBytes));
        }
      }
      return new SandboxCgroup(layout, dirs);
    } catch {
      for (const d of dirs) removeTree(d);
      return undefined;
    }
  }

  /** The cgroup.procs files a starting process writes its pid into. */
  get procsFiles(): string[] {
    return this.dirs.map((d) => join(d, "cgroup.procs"));
  }

  /** Every process in the group (the first directory holds them all). */
  pids(): number[] {
    return this.dirs.length === 0 ? [] : procsOf(this.dirs[0]!);
  }

  /** SIGKILLs everything in the group. */
  killAll(): void {
    for (const d of this.dirs) {
      if (this.layout.version === 2 && existsSync(join(d, "cgroup.kill"))) {
        try {
          writeFileSync(join(d, "cgroup.kill"), "1");
          continue;
        } catch {
          /* fall back to signalling each */
        }
      }
      killPids(procsOf(d));
    }
  }

  /** Kills what is left and removes the directories; retries a few times while processes exit. */
  async remove(): Promise<void> {
    for (let attempt = 0; attempt < 50; attempt++) {
      this.killAll();
      let left = 0;
      for (const d of this.dirs) {
        try {
          rmdirSync(d);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== "ENOENT") left++;
        }
      }
      if (left === 0) return;
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Best-effort synchronous removal (process exit). */
  removeSync(): void {
    this.killAll();
    for (const d of this.dirs) {
      try {
        rmdirSync(d);
      } catch {
        /* removed as stale on a later start */
      }
    }
  }
}
