/**
 * The bubblewrap command line of a Python sandbox, and how to find bubblewrap. The sandbox sees
 * read-only /usr (minus /usr/local) and the merged-/usr symlinks, two files of /etc that the
 * dynamic loader and `time` read, a fresh /proc of its own PID namespace, a minimal /dev, and
 * two size-capped tmpfs (the work dir /tmp and /dev/shm); everything else of the host —
 * /etc/shadow, /root, /home, /work, the repository, the network — does not exist inside.
 */
import { spawnSync } from "node:child_process";
import { accessSync, constants, lstatSync, readlinkSync } from "node:fs";
import { delimiter, join } from "node:path";

export const SANDBOX_WORK_DIR = "/tmp";
/** uid/gid a program sees inside (mapped to an unprivileged host uid). */
export const INSIDE_UID = 1000;

export type BwrapLayout = {
  python: string;
  workBytes: number;
  shmBytes: number;
  /** fd number bubblewrap reads the seccomp program from, when there is one. */
  seccompFd?: number;
  features: BwrapFeatures;
};

/** Options that older bubblewrap releases lack (Ubuntu 22.04 ships 0.6). */
export type BwrapFeatures = { disableUserns: boolean; tmpfsSize: boolean };

const featureCache = new Map<string, BwrapFeatures>();

/** What this bubblewrap supports, read once from its --help. */
export function bwrapFeatures(bwrap: string): BwrapFeatures {
  let f = featureCache.get(bwrap);
  if (!f) {
    const r = spawnSync(bwrap, ["--help"], { encoding: "utf8", timeout: 5000 });
    const help = `${r.stdout ?? ""}${r.stderr ?? ""}`;
    f = { disableUserns: help.includes("--disable-userns"), tmpfsSize: help.includes("--size") };
    featureCache.set(bwrap, f);
  }
  return f;
}

/** Finds an executable: an absolute path as is, else along PATH and the usual system dirs. */
export function findExecutable(name: string): string | undefined {
  const candidates = name.includes("/")
    ? [name]
    : [...(process.env.PATH ?? "").split(delimiter).filter(Boolean), "/usr/bin", "/bin", "/usr/sbin", "/sbin"].map((d) => join(d, name));
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      return c;
    } catch {
      /* next */
    }
  }
  return undefined;
}

/** Top-level host dirs that merged-/usr systems make symlinks into /usr. */
const USR_LINKS = ["bin", "sbin", "lib", "lib64", "lib32", "libx32"];

function rootLinks(): string[] {
  const args: string[] = [];
  for (const name of USR_LINKS) {
    const host = `/${name}`;
    try {
      const st = lstatSync(host);
      if (st.isSymbolicLink()) args.push("--symlink", readlinkSync(host), host);
      else if (st.isDirectory()) args.push("--ro-bind", host, host);
    } catch {
      /* absent on this system */
    }
  }
  return args;
}

let cachedLinks: string[] | undefined;

/** bubblewrap arguments up to and including `--`, followed by the supervisor command. */
export function bwrapArgs(layout: BwrapLayout, command: string[]): string[] {
  cachedLinks ??= rootLinks();
  const env = {
    PATH: "/usr/bin:/bin",
    HOME: SANDBOX_WORK_DIR,
    TMPDIR: SANDBOX_WORK_DIR,
    LANG: "C.UTF-8",
    USER: "sandbox",
    LOGNAME: "sandbox",
    // glibc reserves 64 MiB of address space per thread arena: under RLIMIT_AS a program with a
    // handful of threads would run out of address space without touching the memory.
    MALLOC_ARENA_MAX: "2",
  };
  return [
    "--unshare-all",
    "--unshare-user",
    ...(layout.features.disableUserns ? ["--disable-userns"] : []),
    "--die-with-parent",
    "--new-session",
    "--as-pid-1",
    "--uid", String(INSIDE_UID),
    "--gid", String(INSIDE_UID),
    "--hostname", "sandbox",
    "--cap-drop", "ALL",
    "--clearenv",
    ...Object.entries(env).flatMap(([k, v]) => ["--setenv", k, v]),
    "--ro-bind", "/usr", "/usr",
    "--tmpfs", "/usr/local",
    "--remount-ro", "/usr/local",
    ...cachedLinks,
    "--ro-bind-try", "/etc/ld.so.cache", "/etc/ld.so.cache",
    "--ro-bind-try", "/etc/localtime", "/etc/localtime",
    "--proc", "/proc",
    "--dev", "/dev",
    ...(layout.features.tmpfsSize ? ["--size", String(layout.shmBytes)] : []),
    "--tmpfs", "/dev/shm",
    "--remount-ro", "/dev",
    ...(layout.features.tmpfsSize ? ["--size", String(layout.workBytes)] : []),
    "--tmpfs", SANDBOX_WORK_DIR,
    "--remount-ro", "/",
    "--chdir", SANDBOX_WORK_DIR,
    ...(layout.seccompFd !== undefined ? ["--seccomp", String(layout.seccompFd)] : []),
    "--",
    ...command,
  ];
}
