#!/usr/bin/env node
// Runs the built CLI (dist/); in a source checkout that has not been built, runs the TypeScript
// sources through tsx instead, so `node bin/rewardsmith.js` always works.
let mod;
try {
  mod = await import("../dist/cli/main.js");
} catch (err) {
  if (err?.code !== "ERR_MODULE_NOT_FOUND" || !String(err.message).includes("dist")) throw err;
  const { register } = await import("tsx/esm/api");
  register();
  mod = await import("../src/cli/main.ts");
}
const code = await mod.main(process.argv.slice(2));
process.exitCode = code;
