#!/usr/bin/env node
// Runs every test/**/*.test.ts with Node's own test runner through tsx. Node 20 finds no .ts
// tests when given a folder or a glob, so the files are listed here explicitly.
// Usage: npm test [-- <path-filter>...]   e.g. npm test -- match spec
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const filters = process.argv.slice(2);

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return name === "fixtures" ? [] : walk(p);
    return p.endsWith(".test.ts") ? [p] : [];
  });
}

// The CLI tests run bin/rewardsmith.js, which runs dist/: rebuild it when a source is newer,
// so the tests never exercise stale code.
const newest = (dir) => Math.max(...readdirSync(dir).map((n) => (statSync(join(dir, n)).isDirectory() ? newest(join(dir, n)) : statSync(join(dir, n)).mtimeMs)));
const built = join(root, "dist/cli/main.js");
if (!existsSync(built) || newest(join(root, "src")) > statSync(built).mtimeMs) {
  console.error("building dist/ (sources changed since the last build)...");
  const b = spawnSync(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json"], { cwd: root, stdio: "inherit" });
  if (b.status !== 0) process.exit(b.status ?? 1);
}

const files = walk(join(root, "test"))
  .map((p) => relative(root, p))
  .filter((p) => filters.length === 0 || filters.some((f) => p.includes(f)))
  .sort();
if (files.length === 0) {
  console.error(`no test files match ${filters.join(" ") || "test/**/*.test.ts"}`);
  process.exit(1);
}
const r = spawnSync(process.execPath, ["--import", "tsx", "--test", "--test-reporter=spec", ...files], {
  cwd: root,
  stdio: "inherit",
});
process.exit(r.status ?? 1);
