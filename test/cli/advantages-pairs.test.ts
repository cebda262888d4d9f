import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { cliFromSource as cli } from "../combine/cli-source.ts";

const dir = mkdtempSync(join(tmpdir(), "rs-adv-pairs-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const near = (a: unknown, b: number, tol = 1e-4) => assert.ok(typeof a === "number" && Math.abs(a - b) <= tol, `${String(a)} vs ${b}`);
const jsonl = (text: string) => text.trim().split("\n").filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
const row = (id: string, score: number | null, extra: Record<string, unknown> = {}) => ({
  id,
  score,
  status: score === null ? "error" : "ok",
  ...(score === null ? { reason: "judge: timeout" } : {}),
  components: { correct: { score: score === null ? null : score >= 1 ? 1 : 0, status: score === null ? "timeout" : "ok" } },
  ...extra,
});
function write(name: string, rows: object[]): string {
  const p = join(dir, name);
  writeFileSync(p, rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
  return p;
}

describe("rewardsmith advantages", () => {
  const scored = write("scored.jsonl", [
    row("a", 1, { group: "q" }),
    row("b", 0, { group: "q" }),
    row("c", 0, { group: "q" }),
    row("d", 1, { group: "q" }),
    // No group: grouped by input.prompt (score --include-input).
    row("e", 1, { input: { prompt: "2+2?" } }),
    row("f", 0, { input: { prompt: "2+2?" } }),
    row("g", null, { group: "q" }),
    row("h", 1),
  ]);

  it("grpo: the sheet's [1, 0, 0, 1] group; input.prompt groups ungrouped rows; null rewards and missing groups are explained", () => {
    const r = cli(["advantages", scored, "--method", "grpo"]);
    assert.equal(r.code, 0, r.stderr);
    const out = jsonl(r.stdout);
    assert.deepEqual(out.map((o) => o.id), ["a", "b", "c", "d", "e", "f", "g", "h"]);
    // mean 0.5, unbiased std 0.57735 → ±0.5/(0.57735 + 1e-6) = ±0.8660.
    for (const [i, s] of [1, -1, -1, 1].entries()) near(out[i]!.advantage, 0.866 * s);
    // [1, 0] under prompt "2+2?": mean 0.5, unbiased std 0.707107 → ±0.7071.
    assert.deepEqual([out[4]!.group, out[5]!.group], ["2+2?", "2+2?"]);
    near(out[4]!.advantage, 0.7071);
    near(out[5]!.advantage, -0.7071);
    assert.deepEqual(out[6], { id: "g", group: "q", reward: null, advantage: null, reason: "score: status error" });
    assert.deepEqual(out[7], { id: "h", group: null, reward: 1, advantage: null, reason: "no group: none of group, input.prompt, prompt is set" });
    assert.match(r.stderr, /8 rows, 2 groups/);
  });

  it("drgrpo and rloo on [1, 0, 0, 0]; --reward reads a component; --keep writes the whole row", () => {
    const p = write("one.jsonl", [row("a", 1.5, { group: "q" }), row("b", 0, { group: "q" }), row("c", 0, { group: "q" }), row("d", 0, { group: "q" })]);
    // component correct = [1, 0, 0, 0]: Dr. GRPO r − 0.25 = [0.75, −0.25, ...]; RLOO 4/3·(r − 0.25) = [1, −1/3, ...].
    const dr = jsonl(cli(["advantages", p, "-m", "drgrpo", "--reward", "correct", "-q"]).stdout);
    assert.deepEqual(dr.map((o) => o.advantage), [0.75, -0.25, -0.25, -0.25]);
    const rl = jsonl(cli(["advantages", p, "-m", "rloo", "--reward", "correct", "-q"]).stdout);
    rl.forEach((o, i) => near(o.advantage, [1, -1 / 3, -1 / 3, -1 / 3][i]!, 1e-12));
    const out = join(dir, "keep.jsonl");
    assert.equal(cli(["advantages", p, "-m", "rloo", "--reward", "correct", "--keep", "-o", out, "-q"]).code, 0);
    const kept = jsonl(readFileSync(out, "utf8"));
    assert.deepEqual(Object.keys(kept[0]!), ["id", "score", "status", "components", "group", "advantage"]);
  });

  it("reinforcepp whitens over the batch, token-weighted with --length-field", () => {
    // Scores [1, 0], lengths [3, 1] → 4 tokens [1, 1, 1, 0]: mean 0.75, unbiased var 0.25 → (1 − 0.75)/0.5 = 0.5, (0 − 0.75)/0.5 = −1.5.
    const p = write("rpp.jsonl", [row("a", 1, { input: { n: 3 } }), row("b", 0, { input: { n: 1 } })]);
    const out = jsonl(cli(["advantages", p, "-m", "reinforcepp", "--length-field", "input.n", "-q"]).stdout);
    near(out[0]!.advantage, 0.5, 1e-6);
    near(out[1]!.advantage, -1.5, 1e-6);
  });

  it("a bad line keeps its place and exits 1; bad flags exit 2 naming the flag", () => {
    const p = join(dir, "bad.jsonl");
    writeFileSync(p, JSON.stringify(row("a", 1, { group: "q" })) + "\n{not json\n" + JSON.stringify(row("b", 0, { group: "q" })) + "\n");
    const r = cli(["advantages", p]);
    assert.equal(r.code, 1);
    const out = jsonl(r.stdout);
    assert.deepEqual(out.map((o) => o.id), ["a", "line 2", "b"]);
    // [1, 0]: ±0.5/(0.707107 + 1e-6) = ±0.707106.
    near(out[0]!.advantage, 0.707106, 1e-6);
    assert.equal(out[1]!.advantage, null);
    assert.match(String(out[1]!.reason), /^line 2: not valid JSON/);
    near(out[2]!.advantage, -0.707106, 1e-6);
    const u = cli(["advantages", p, "--method", "ppo"]);
    assert.equal(u.code, 2);
    assert.match(u.stderr, /--method: expected one of grpo, drgrpo, rloo, reinforcepp, reinforcepp_baseline, got "ppo"/);
    assert.match(cli(["advantages", join(dir, "missing.jsonl")]).stderr, /no such file/);
  });
});

describe("rewardsmith pairs", () => {
  const scored = write("pairs-in.jsonl", [
    row("a", 1, { group: "q", input: { prompt: "Q?", completion: "good" } }),
    row("b", 0, { group: "q", input: { prompt: "Q?", completion: "bad" } }),
    row("c", 0.5, { group: "q", input: { prompt: "Q?", completion: "meh" } }),
    row("d", 0.5, { group: "tied", input: { prompt: "T?", completion: "x" } }),
    row("e", 0.5, { group: "tied", input: { prompt: "T?", completion: "y" } }),
  ]);

  it("best_worst with Dynamic Reward Scaling weights; tied groups are skipped with the reason", () => {
    const skippedFile = join(dir, "skipped.jsonl");
    const r = cli(["pairs", scored, "--skipped", skippedFile]);
    assert.equal(r.code, 0, r.stderr);
    const [p, ...rest] = jsonl(r.stdout);
    assert.equal(rest.length, 0);
    // δ = 1: β = 0.1·(1 + 0.5·(1 − e^−0.5)) = 0.1·(1 + 0.5·0.393469) = 0.119673; weight β/0.1 = 1.19673.
    assert.deepEqual([p!.group, p!.chosen, p!.rejected, p!.margin], ["q", "a", "b", 1]);
    near(p!.beta, 0.119673, 1e-6);
    near(p!.weight, 1.19673, 1e-5);
    assert.deepEqual(jsonl(readFileSync(skippedFile, "utf8")), [{ group: "tied", reason: "all rewards tied" }]);
    assert.match(r.stderr, /1 pairs from 1 groups \(best_worst\); 1 groups skipped/);
  });

  it("margin strategy and TRL's prompt/chosen/rejected format from the rows' input", () => {
    const r = cli(["pairs", scored, "-s", "margin", "--margin", "0.5", "--format", "trl", "--weighting", "none", "-q"]);
    const out = jsonl(r.stdout);
    // Gaps ≥ 0.5 in q: a−b 1, a−c 0.5, c−b 0.5.
    assert.deepEqual(
      out.map((o) => [o.prompt, o.chosen, o.rejected, o.margin]),
      [
        ["Q?", "good", "bad", 1],
        ["Q?", "good", "meh", 0.5],
        ["Q?", "meh", "bad", 0.5],
      ],
    );
    assert.equal(out[0]!.beta, undefined);
  });

  it("verified (Cooper): positive = first rollout the verifier passes; needs --verifier", () => {
    const r = cli(["pairs", scored, "-s", "verified", "--verifier", "correct", "-q"]);
    const out = jsonl(r.stdout);
    assert.deepEqual(out.map((o) => [o.chosen, o.rejected]), [["a", "b"]]);
    const u = cli(["pairs", scored, "-s", "verified"]);
    assert.equal(u.code, 2);
    assert.match(u.stderr, /--strategy verified needs --verifier NAME/);
  });
});
