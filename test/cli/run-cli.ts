import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

export const repo = fileURLToPath(new URL("../../", import.meta.url));
const bin = fileURLToPath(new URL("../../bin/rewardsmith.js", import.meta.url));

export type CliResult = { code: number; stdout: string; stderr: string };

/** Runs the real CLI (bin/rewardsmith.js) in a child process. */
export function cli(args: string[], opts: { cwd?: string; input?: string; env?: NodeJS.ProcessEnv } = {}): CliResult {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: opts.cwd ?? repo, input: opts.input, encoding: "utf8", env: { ...process.env, ...opts.env }, timeout: 120_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export function cliAsync(args: string[], opts: { cwd?: string } = {}): ChildProcess {
  return spawn(process.execPath, [bin, ...args], { cwd: opts.cwd ?? repo, stdio: ["ignore", "pipe", "pipe"] });
}
