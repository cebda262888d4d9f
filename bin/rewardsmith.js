#!/usr/bin/env node
// Runs the built CLI (dist/). In a source checkout where dist/ is missing or older than src/
// (after a pull or an edit), runs the TypeScript sources through tsx instead, so the command
// never runs stale code.
import { existsSync, readdirSync, statSync } from "node:fs";

const src = new URL("../src/", import.meta.url);
const built = new URL("../dist/cli/main.js", import.meta.url);

function newestUnder(dir) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = new URL(e.name + (e.isDirectory() ? "/" : ""), dir);
    newest = Math.max(newest, e.isDirectory() ? newestUnder(p) : statSync(p).mtimeMs);
  }
  return newest;
}

let fromSource = false;
if (existsSync(src)) {
  fromSource = !existsSync(built) || newestUnder(src) > statSync(built).mtimeMs;
  if (fromSource && existsSync(built)) process.stderr.write("rewardsmith: dist/ is older than src/, running from the sources (`npm run build` refreshes it)\n");
}
let mod;
if (fromSource) {
  const { register } = await import("tsx/esm/api");
  register();
  mod = await import("../src/cli/main.ts");
} else {
  mod = await import("../dist/cli/main.js");
}
const code = await mod.main(process.argv.slice(2));
process.exitCode = code;
// The command is done: if a handle (a worker, a child, a socket) still holds the process, do not
// hang — give output a moment to drain, then exit with the command's status.
setTimeout(() => process.exit(code), 2000).unref();
