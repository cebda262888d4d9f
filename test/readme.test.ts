/**
 * The README and docs/ stay true: every `npx rewardsmith ...` command in a bash block runs and
 * exits 0, every TypeScript block that imports "rewardsmith" runs (against src/), and the spec
 * block of "The reward spec" compiles.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { registry } from "../src/rewards/index.ts";
import { compileSpec } from "../src/spec/compile.ts";
import { parseSpecText } from "../src/spec/load.ts";

const repo = fileURLToPath(new URL("..", import.meta.url));
const docs = ["README.md", ...readdirSync(join(repo, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];

function blocks(file: string, lang: string): string[] {
  const text = readFileSync(join(repo, file), "utf8");
  const re = new RegExp("```" + lang + "\\n([\\s\\S]*?)```", "g");
  return [...text.matchAll(re)].map((m) => m[1]!);
}

describe("README and docs examples", () => {
  for (const file of docs) {
    const commands = blocks(file, "bash")
      .flatMap((b) => b.split("\n"))
      .map((l) => l.trim().replace(/^npm install && /, ""))
      .filter((l) => l.startsWith("npx rewardsmith "));
    for (const cmd of commands) {
      it(`${file}: ${cmd}`, () => {
        const args = cmd.slice("npx rewardsmith ".length).split(/\s+/);
        const r = spawnSync(process.execPath, [join(repo, "bin/rewardsmith.js"), ...args], { cwd: repo, encoding: "utf8", timeout: 120_000 });
        assert.equal(r.status, 0, `${cmd}\n${r.stderr}`);
      });
    }
    blocks(file, "ts")
      .filter((b) => b.includes('from "rewardsmith"'))
      .forEach((code, i) => {
        it(`${file}: TypeScript example ${i + 1} runs`, () => {
          const dir = mkdtempSync(join(tmpdir(), "rs-readme-"));
          const path = join(dir, "example.mts");
          writeFileSync(path, code.replaceAll('from "rewardsmith"', `from ${JSON.stringify(join(repo, "src/index.ts"))}`));
          const r = spawnSync(process.execPath, ["--import", "tsx", path], { cwd: repo, encoding: "utf8", timeout: 120_000 });
          assert.equal(r.status, 0, `${file} example ${i + 1}\n${r.stderr}`);
        });
      });
  }

  it("README: the spec format example compiles", () => {
    const yaml = blocks("README.md", "yaml")[0]!;
    const spec = compileSpec(parseSpecText(yaml, "README.md"), { registry });
    assert.deepEqual(spec.rewards.map((r) => r.name), ["correct", "format"]);
    assert.equal(spec.gates[0]!.skip_rest, true);
  });
});
