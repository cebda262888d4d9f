import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const repo = fileURLToPath(new URL("../../", import.meta.url));
const main = new URL("../../src/cli/main.ts", import.meta.url).href;

/**
 * Runs the CLI from the TypeScript sources in a child process. bin/rewardsmith.js prefers dist/,
 * which `npm install` rebuilds and may be older than the sources under test.
 */
export function cliFromSource(args: string[], input?: string): { code: number; stdout: string; stderr: string } {
  const code = `const m = await import(${JSON.stringify(main)}); process.exitCode = await m.main(${JSON.stringify(args)});`;
  const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], { cwd: repo, input, encoding: "utf8", timeout: 120_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
