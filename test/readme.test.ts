/**
 * The README and docs/ stay true: every `npx rewardsmith ...` command in a bash block runs and
 * exits 0, every TypeScript block that imports "rewardsmith" runs (against src/), and the spec
 * block of "The reward spec" compiles.
 */
import assert from "node:assert/strict";
import { execFile, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { registry } from "../src/rewards/index.ts";
import { createServer } from "../src/server/app.ts";
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

describe("README and docs: curl examples against a live server (what `npm start` serves)", () => {
  let server: Awaited<ReturnType<typeof createServer>>;
  before(async () => {
    server = await createServer({ spec: join(repo, "examples/gsm8k/reward.yaml"), port: 0, logLevel: "silent", workers: 1, reloadMs: 0 });
  });
  after(() => server.close());

  for (const file of docs) {
    blocks(file, "bash")
      .filter((b) => /^curl /m.test(b))
      .forEach((block, i) => {
        it(`${file}: curl block ${i + 1}`, async () => {
          const host = new URL(server.url).host;
          const script = block
            .split("\n")
            .filter((l) => !l.startsWith("npm start"))
            .join("\n")
            .replaceAll("localhost:8787", host)
            .replaceAll("127.0.0.1:8787", host);
          // --fail-with-body: an HTTP error fails the example.
          const prelude = 'set -e\ncurl() { command curl --fail-with-body --max-time 60 "$@"; }\n';
          // Asynchronously: the server lives in this process, and spawnSync would block its event loop.
          const r = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
            execFile("bash", ["-c", prelude + script], { cwd: repo, timeout: 120_000, maxBuffer: 1 << 24 }, (err, stdout, stderr) =>
              resolve({ status: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
            );
          });
          assert.equal(r.status, 0, `${file} curl block ${i + 1}\n${script}\n${r.stdout}\n${r.stderr}`);
          assert.ok(r.stdout.trim().length > 0, "the server answered");
        });
      });
  }
});
