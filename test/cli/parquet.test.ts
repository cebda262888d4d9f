/**
 * `score` over Parquet: verl-style input (struct columns such as reward_model.ground_truth, INT64
 * ids), Parquet output read back, resume from a Parquet input, and bad-input messages.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { parquetMetadata } from "hyparquet";
import { parquetWriteBuffer } from "hyparquet-writer";
import { openParquet } from "../../src/io/parquet.ts";
import { cli } from "./run-cli.ts";

const tmp = () => mkdtempSync(join(tmpdir(), "rs-parquet-"));
const str = (name: string) => ({ name, type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "OPTIONAL" });

/** A verl-style rollout file: responses, reward_model{ground_truth, style}, extra_info{index: INT64}. */
function verlParquet(path: string, n: number, rowGroupSize = 1000): void {
  const schema = [
    { name: "root", num_children: 4 },
    str("data_source"),
    str("responses"),
    { name: "reward_model", repetition_type: "OPTIONAL", num_children: 2 },
    str("ground_truth"),
    str("style"),
    { name: "extra_info", repetition_type: "OPTIONAL", num_children: 1 },
    { name: "index", type: "INT64", repetition_type: "OPTIONAL" },
  ];
  const buf = parquetWriteBuffer({
    schema,
    rowGroupSize,
    columnData: [
      { name: "data_source", data: Array.from({ length: n }, () => "openai/gsm8k") },
      { name: "responses", data: Array.from({ length: n }, (_, i) => `reasoning... #### ${i}`) },
      // Every odd row's gold is its own number (correct), every even row's is off by one.
      { name: "reward_model", data: Array.from({ length: n }, (_, i) => ({ ground_truth: String(i % 2 ? i : i + 1), style: "rule" })) },
      { name: "extra_info", data: Array.from({ length: n }, (_, i) => ({ index: BigInt(i) })) },
    ],
  } as never);
  writeFileSync(path, Buffer.from(buf));
}

const spec = (dir: string) => {
  const p = join(dir, "spec.yaml");
  writeFileSync(p, "rewards:\n  correct:\n    type: gsm8k\ninput:\n  id: extra_info.index\n  completion: responses\n  reference: reward_model.ground_truth\n");
  return p;
};

describe("score with Parquet", () => {
  it("reads verl-style struct columns and writes JSONL", () => {
    const dir = tmp();
    verlParquet(join(dir, "in.parquet"), 6);
    const r = cli(["score", join(dir, "in.parquet"), "-s", spec(dir), "-q"]);
    assert.equal(r.code, 0, r.stderr);
    const rows = r.stdout.trim().split("\n").map((l) => JSON.parse(l));
    assert.deepEqual(rows.map((x) => [x.id, x.score]), [["0", 0], ["1", 1], ["2", 0], ["3", 1], ["4", 0], ["5", 1]]);
  });

  it("writes Parquet output with flat per-reward columns and the components as JSON", async () => {
    const dir = tmp();
    verlParquet(join(dir, "in.parquet"), 4);
    const out = join(dir, "out.parquet");
    const r = cli(["score", join(dir, "in.parquet"), "-s", spec(dir), "-o", out, "-q", "--include-input"]);
    assert.equal(r.code, 0, r.stderr);
    const f = await openParquet(out);
    assert.equal(f.rows, 4);
    const rows = [];
    for await (const { row, error } of f.read(0)) rows.push(row ?? assert.fail(error));
    assert.deepEqual(rows.map((x) => [x.id, x.score, x.status, x.correct_score, x.correct_status]), [["0", 0, "ok", 0, "ok"], ["1", 1, "ok", 1, "ok"], ["2", 0, "ok", 0, "ok"], ["3", 1, "ok", 1, "ok"]]);
    assert.deepEqual(JSON.parse(String(rows[1]!.components)), { correct: { score: 1, status: "ok" } });
    assert.equal(JSON.parse(String(rows[1]!.input)).reward_model.ground_truth, "1");
  });

  it("advantages and pairs read score's Parquet output; a misspelt component is refused", () => {
    const dir = tmp();
    verlParquet(join(dir, "in.parquet"), 4);
    writeFileSync(join(dir, "g.yaml"), "rewards:\n  correct:\n    type: gsm8k\ninput:\n  id: extra_info.index\n  completion: responses\n  reference: reward_model.ground_truth\n  group: data_source\n");
    const scored = join(dir, "scored.parquet");
    assert.equal(cli(["score", join(dir, "in.parquet"), "-s", join(dir, "g.yaml"), "-o", scored, "-q"]).code, 0);
    const adv = cli(["advantages", scored, "--method", "rloo", "--reward", "correct", "-q"]);
    assert.equal(adv.code, 0, adv.stderr);
    // One group of 4 with rewards [0, 1, 0, 1]: RLOO = r - mean of the others.
    assert.deepEqual(adv.stdout.trim().split("\n").map((l) => JSON.parse(l).advantage), [-2 / 3, 2 / 3, -2 / 3, 2 / 3]);
    const typo = cli(["advantages", scored, "--reward", "corect"]);
    assert.equal(typo.code, 2);
    assert.match(typo.stderr, /--reward corect: no such component in the rows \(they have: correct\)/);
    const pairs = cli(["pairs", scored, "--verifier", "nope", "--strategy", "verified"]);
    assert.equal(pairs.code, 2);
    assert.match(pairs.stderr, /--verifier nope: no such component/);
    const badOut = cli(["pairs", scored, "-o", join(dir, "missing/dir/p.jsonl")]);
    assert.equal(badOut.code, 2);
    assert.match(badOut.stderr, /--output .*: the directory .* does not exist/);
  });

  it("reads many row groups and slices in order, and resumes from a Parquet input", () => {
    const dir = tmp();
    const n = 45_000;
    verlParquet(join(dir, "big.parquet"), n, 10_000);
    const out = join(dir, "out.jsonl");
    const first = cli(["score", join(dir, "big.parquet"), "-s", spec(dir), "-o", out, "-q", "--limit", "25000"]);
    assert.equal(first.code, 0, first.stderr);
    const resumed = cli(["score", join(dir, "big.parquet"), "-s", spec(dir), "-o", out, "-q", "--resume"]);
    assert.equal(resumed.code, 0, resumed.stderr);
    const ids = readFileSync(out, "utf8").trim().split("\n").map((l) => (JSON.parse(l) as { id: string }).id);
    assert.equal(ids.length, n);
    assert.ok(ids.every((id, i) => id === String(i)), "every row once, in order");
  });

  it("a corrupt page costs only its own slice of rows (each an invalid_input row saying why); the rest of the file is scored", async () => {
    const dir = tmp();
    const path = join(dir, "corrupt.parquet");
    verlParquet(path, 45_000, 10_000);
    const bytes = readFileSync(path);
    // Garble the page header of the responses column in row group 3 (rows 20001-30000).
    const meta = parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
    const at = Number(meta.row_groups[2]!.columns[1]!.meta_data!.data_page_offset);
    for (let i = at; i < at + 16; i++) bytes[i] = 0xff;
    writeFileSync(path, bytes);
    const r = cli(["score", path, "-s", spec(dir), "-q", "-o", join(dir, "out.jsonl")]);
    assert.equal(r.code, 1, r.stderr);
    const rows = readFileSync(join(dir, "out.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as { id: string; status: string; reason?: string });
    assert.equal(rows.length, 45_000);
    const bad = rows.filter((x) => x.status === "invalid_input");
    // The reader decodes 20,000-row slices: the slice holding the bad page (rows 20001-40000) is lost, the others are scored.
    assert.equal(bad.length, 20_000);
    assert.deepEqual([bad[0]!.id, bad.at(-1)!.id], ["20001", "40000"]);
    assert.match(bad[0]!.reason!, /^row 20001: cannot decode this part of the Parquet file \(rows 20001-40000\): /);
    assert.deepEqual([rows[19_999]!.id, rows[40_000]!.id], ["19999", "40000"]);
  });

  it("bad formats and impossible combinations are refused, naming the flag or file", () => {
    const dir = tmp();
    verlParquet(join(dir, "in.parquet"), 2);
    writeFileSync(join(dir, "fake.parquet"), "not parquet at all");
    const cases: [string[], RegExp][] = [
      [["score", join(dir, "in.parquet"), "-s", spec(dir), "--output-format", "xml"], /--output-format: expected jsonl or parquet, got "xml"/],
      [["score", join(dir, "in.parquet"), "-s", spec(dir), "-o", join(dir, "o.parquet"), "--resume"], /--resume needs JSONL output/],
      [["score", join(dir, "in.parquet"), "-s", spec(dir), "--output-format", "parquet"], /Parquet output needs --output FILE/],
      [["score", join(dir, "fake.parquet"), "-s", spec(dir)], /input file .*fake\.parquet: .*not a readable Parquet file/],
      [["score", "-", "-s", spec(dir), "--input-format", "parquet"], /Parquet cannot be read from stdin/],
    ];
    for (const [args, re] of cases) {
      const r = cli(args);
      assert.equal(r.code, 2, `${args.join(" ")}\n${r.stderr}`);
      assert.match(r.stderr, re);
    }
  });
});
