#!/usr/bin/env node
// Runs one benchmark: npm run bench -- NAME [args...]  ->  bench/NAME.ts, which prints JSON lines.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const [name, ...args] = process.argv.slice(2);
const known = readdirSync(new URL("../bench/", import.meta.url)).filter((f) => f.endsWith(".ts") && !f.startsWith("_")).map((f) => f.slice(0, -3));
if (!name || !existsSync(new URL(`../bench/${name}.ts`, import.meta.url))) {
  console.error(`usage: npm run bench -- NAME [args]   (NAME: ${known.join(", ") || "none yet"})`);
  process.exit(2);
}
const r = spawnSync(process.execPath, ["--import", "tsx", `bench/${name}.ts`, ...args], { cwd: root, stdio: "inherit" });
process.exit(r.status ?? 1);
