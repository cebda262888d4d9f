import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, it } from "node:test";
import { cli, cliAsync, repo } from "./run-cli.ts";

const tmp = () => mkdtempSync(join(tmpdir(), "rs-cli-"));
const readRows = (p: string) => readFileSync(p, "utf8").trim().split("\n").map((l) => JSON.parse(l) as Record<string, any>);
const gsmSpec = (dir: string) => {
  const p = join(dir, "spec.yaml");
  writeFileSync(p, "rewards:\n  correct:\n    type: gsm8k\n");
  return p;
};

describe("rewardsmith score", () => {
  it("scores all 1,319 GSM8K rows 1 with their own answers, and 0 with a changed final number", () => {
    const dir = tmp();
    const rows = readFileSync(join(repo, "test/fixtures/gsm8k/test.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as { question: string; answer: string });
    writeFileSync(join(dir, "same.jsonl"), rows.map((r, i) => JSON.stringify({ id: `q${i}`, prompt: r.question, completion: r.answer, reference: r.answer })).join("\n") + "\n");
    const changed = rows.map((r, i) => {
      const k = r.answer.lastIndexOf("####");
      const n = Number(r.answer.slice(k + 4).trim().replace(/,/g, ""));
      return JSON.stringify({ id: `q${i}`, prompt: r.question, completion: `${r.answer.slice(0, k)}#### ${n + 1}`, reference: r.answer });
    });
    writeFileSync(join(dir, "changed.jsonl"), changed.join("\n") + "\n");
    const spec = gsmSpec(dir);
    const a = cli(["score", join(dir, "same.jsonl"), "-s", spec, "-o", join(dir, "a.out"), "-q"]);
    assert.equal(a.code, 0, a.stderr);
    const outA = readRows(join(dir, "a.out"));
    assert.equal(outA.length, 1319);
    assert.equal(outA.filter((r) => r.score === 1 && r.status === "ok").length, 1319);
    assert.deepEqual(outA.slice(0, 3).map((r) => r.id), ["q0", "q1", "q2"], "input order");
    const b = cli(["score", join(dir, "changed.jsonl"), "-s", spec, "-o", join(dir, "b.out"), "-q"]);
    assert.equal(b.code, 0, b.stderr);
    assert.equal(readRows(join(dir, "b.out")).filter((r) => r.score === 0 && r.status === "ok").length, 1319);
  });

  it("maps nested fields (verl's reward_model.ground_truth) and writes details on request", () => {
    const dir = tmp();
    const rows = [
      { uid: 1, data_source: "openai/gsm8k", responses: "The answer is 18", reward_model: { ground_truth: "18", style: "rule" } },
      { uid: 2, data_source: "openai/gsm8k", responses: "#### 5", reward_model: { ground_truth: "6", style: "rule" } },
    ];
    writeFileSync(join(dir, "in.jsonl"), rows.map((r) => JSON.stringify(r)).join("\n"));
    const r = cli(["score", join(dir, "in.jsonl"), "-s", gsmSpec(dir), "--id-field", "uid", "--completion-field", "responses", "--reference-field", "reward_model.ground_truth", "--details", "-q"]);
    assert.equal(r.code, 0, r.stderr);
    const out = r.stdout.trim().split("\n").map((l) => JSON.parse(l));
    assert.deepEqual(out[0], { id: "1", score: 1, status: "ok", components: { correct: { score: 1, status: "ok", details: { extracted: 18, expected: 18, how: "answer is" } } } });
    assert.equal(out[1].score, 0);
  });

  it("a broken line and a row missing its completion become invalid_input rows; the rest go on; exit 1", () => {
    const dir = tmp();
    const lines = ['{"id": "a", "completion": "#### 1", "reference": "1"}', '{"id": "b", "completion": ', '{"id": "c", "reference": "1"}', "", '{"id": "d", "completion": "#### 2", "reference": "2"}', "[1, 2]"];
    writeFileSync(join(dir, "in.jsonl"), lines.join("\n") + "\n");
    const r = cli(["score", join(dir, "in.jsonl"), "-s", gsmSpec(dir), "-o", join(dir, "out.jsonl"), "--summary", join(dir, "summary.json")]);
    assert.equal(r.code, 1);
    const out = readRows(join(dir, "out.jsonl"));
    assert.deepEqual(out.map((o) => [o.id, o.status]), [["a", "ok"], ["2", "invalid_input"], ["c", "invalid_input"], ["d", "ok"], ["6", "invalid_input"]]);
    assert.match(out[1]!.reason, /^line 2: not valid JSON/);
    assert.equal(out[2]!.reason, "line 3: completion: missing");
    assert.equal(out[4]!.reason, "line 6: row: expected a JSON object, got a list");
    assert.equal(out[1]!.components.correct.status, "invalid_input", "every component is reported");
    const summary = JSON.parse(readFileSync(join(dir, "summary.json"), "utf8"));
    assert.equal(summary.rows, 5);
    assert.deepEqual(summary.total.status, { ok: 2, not_applicable: 0, invalid_input: 3, timeout: 0, error: 0 });
    assert.equal(summary.components.correct.mean, 1);
    assert.match(r.stderr, /scored 5 rows/);
    assert.match(r.stderr, /correct: mean 1\.0000/);
  });

  it("hostile rows: bad ids, unreadable messages, a BOM, invalid UTF-8 — each bad row is invalid_input naming the field, the good ones are scored", () => {
    const dir = tmp();
    const good = (id: string) => `{"id": "${id}", "completion": "#### 4", "reference": "4"}`;
    const lines = [
      "\ufeff" + good("first"),
      '{"id": {"a": 1}, "completion": "#### 4", "reference": "4"}',
      '{"id": 1e400, "completion": "#### 4", "reference": "4"}',
      '{"id": 12345678901234567890, "completion": "#### 4", "reference": "4"}',
      '{"id": true, "completion": "#### 4", "reference": "4"}',
      '{"id": "m", "completion": [{"role": "assistant", "content": [1, null]}], "reference": "4"}',
      '{"id": "proto", "__proto__": {"completion": "#### 4"}, "reference": "4"}',
      "   \t",
      good("last"),
    ];
    const bytes = Buffer.concat([Buffer.from(lines.join("\r\n") + "\r\n"), Buffer.from('{"id": "u", "completion": "\xff"}\n', "latin1")]);
    writeFileSync(join(dir, "in.jsonl"), bytes);
    const r = cli(["score", join(dir, "in.jsonl"), "-s", gsmSpec(dir), "-q"]);
    assert.equal(r.code, 1, r.stderr);
    const out = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as Record<string, any>);
    assert.deepEqual(out.map((o) => [o.id, o.status, o.score]), [
      ["first", "ok", 1],
      ["2", "invalid_input", null],
      ["3", "invalid_input", null],
      ["4", "invalid_input", null],
      ["5", "invalid_input", null],
      ["m", "invalid_input", null],
      ["proto", "invalid_input", null],
      ["last", "ok", 1],
      ["10", "invalid_input", null],
    ]);
    assert.deepEqual(out.slice(1, 7).map((o) => o.reason), [
      "line 2: id: expected a string or a number, got an object",
      "line 3: id: a number too large to represent (write the id as a string)",
      "line 4: id: 12345678901234567000 is beyond 2^53 and was rounded when read (write the id as a string)",
      "line 5: id: expected a string or a number, got boolean",
      "line 6: completion: message 0: content part 0: expected an object, got number",
      "line 7: completion: missing",
    ]);
    assert.equal(out[8]!.reason, "line 10: not valid UTF-8");
  });

  it("a gzip file given as JSONL is refused with exit 2, saying what it is", () => {
    const dir = tmp();
    writeFileSync(join(dir, "in.jsonl"), gzipSync('{"id": "a", "completion": "#### 4"}\n'));
    const r = cli(["score", join(dir, "in.jsonl"), "-s", gsmSpec(dir), "-q"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /input file .*in\.jsonl: not JSON lines: this is a gzip file/);
    assert.equal(r.stdout, "");
  });

  it("a mapped field that is missing is named with its path", () => {
    const dir = tmp();
    writeFileSync(join(dir, "in.jsonl"), '{"id": "a", "text": "x"}\n');
    const r = cli(["score", join(dir, "in.jsonl"), "-s", gsmSpec(dir), "--completion-field", "response.text", "-q"]);
    assert.equal(r.code, 1);
    assert.equal(JSON.parse(r.stdout).reason, 'line 1: completion (field "response.text"): missing');
  });

  it("bad usage: a clear message and exit 2", () => {
    const dir = tmp();
    const spec = gsmSpec(dir);
    writeFileSync(join(dir, "in.jsonl"), "{}\n");
    const cases: [string[], RegExp][] = [
      [["score", join(dir, "nope.jsonl"), "-s", spec], /input file .*nope\.jsonl: no such file/],
      [["score", join(dir, "in.jsonl"), "-s", join(dir, "nospec.yaml")], /nospec\.yaml: cannot read spec: no such file/],
      [["score", join(dir, "in.jsonl")], /missing --spec FILE/],
      [["score", "-s", spec], /missing the input file/],
      [["score", join(dir, "in.jsonl"), "-s", spec, "--workers", "zero"], /--workers: expected a whole number/],
      [["score", join(dir, "in.jsonl"), "-s", spec, "--bogus"], /Unknown option '--bogus'/],
      [["score", join(dir, "in.jsonl"), "-s", spec, "--resume"], /--resume needs --output FILE/],
      [["frobnicate"], /unknown command "frobnicate"/],
      [["score", join(dir, "in.jsonl"), "-s", spec, "-o", join(dir, "no/such/dir/out.jsonl")], /--output .*: the directory .* does not exist/],
      [["score", join(dir, "in.jsonl"), "-s", spec, "-o", dir], /--output .*: is a directory/],
      [["score", join(dir, "in.jsonl"), "-s", spec, "--summary", join(dir, "no/such/s.json")], /--summary .*: the directory .* does not exist/],
    ];
    for (const [args, re] of cases) {
      const r = cli(args);
      assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
      assert.match(r.stderr, re);
    }
  });

  it("a malformed spec and an unknown reward type are reported with path and line; exit 2", () => {
    const dir = tmp();
    writeFileSync(join(dir, "in.jsonl"), "{}\n");
    writeFileSync(join(dir, "bad.yaml"), "rewards:\n  correct:\n    type: mth\n");
    const r = cli(["score", join(dir, "in.jsonl"), "-s", join(dir, "bad.yaml")]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /bad\.yaml:3:11: rewards\.correct\.type: unknown reward type "mth" \(known: /);
    writeFileSync(join(dir, "broken.yaml"), "rewards: [\n");
    const b = cli(["validate", join(dir, "broken.yaml")]);
    assert.equal(b.code, 2);
    assert.match(b.stderr, /broken\.yaml:\d+:\d+: not valid YAML\/JSON/);
  });

  it("loads TypeScript custom rewards (default and named exports, worker and main thread)", () => {
    const dir = tmp();
    const mod = join(repo, "test/fixtures/custom/longer-than.ts");
    writeFileSync(
      join(dir, "spec.yaml"),
      `rewards:\n  w: {type: custom, module: ${mod}, options: {n: 4}}\n  m: {type: custom, module: ${mod}, runs: main}\n  len: {type: custom, module: ${mod}, export: named}\n`,
    );
    const r = cli(["score", "-", "-s", join(dir, "spec.yaml"), "-q"], { input: '{"id":"x","completion":"hello"}\n' });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).components, { w: { score: 1, status: "ok" }, m: { score: 1, status: "ok" }, len: { score: 5, status: "ok" } });
  });

  it("reads stdin and writes stdout", () => {
    const dir = tmp();
    const r = cli(["score", "-", "-s", gsmSpec(dir), "-q"], { input: '{"id":"x","completion":"#### 3","reference":"3"}\n' });
    assert.equal(r.code, 0);
    assert.deepEqual(JSON.parse(r.stdout), { id: "x", score: 1, status: "ok", components: { correct: { score: 1, status: "ok" } } });
  });

  it("--include-input copies the row; --limit stops early; groups are carried", () => {
    const dir = tmp();
    writeFileSync(join(dir, "in.jsonl"), ['{"id":"a","group":"g1","completion":"#### 1","reference":"1","extra":7}', '{"id":"b","completion":"#### 1","reference":"1"}'].join("\n"));
    const r = cli(["score", join(dir, "in.jsonl"), "-s", gsmSpec(dir), "--include-input", "--limit", "1", "-q"]);
    const rows = r.stdout.trim().split("\n").map((l) => JSON.parse(l));
    assert.equal(rows.length, 1);
    assert.equal(rows[0].group, "g1");
    assert.equal(rows[0].input.extra, 7);
  });

  it("records the run in the store", async () => {
    const dir = tmp();
    writeFileSync(join(dir, "in.jsonl"), ['{"id":"a","completion":"#### 1","reference":"1"}', '{"id":"b","completion":"#### 2","reference":"1"}'].join("\n"));
    const r = cli(["score", join(dir, "in.jsonl"), "-s", gsmSpec(dir), "-o", join(dir, "out.jsonl"), "--store", join(dir, "runs.sqlite"), "-q"]);
    assert.equal(r.code, 0, r.stderr);
    const { RunStore } = await import("../../src/store/run-store.ts");
    const store = new RunStore(join(dir, "runs.sqlite"));
    const [run] = store.listRuns();
    assert.equal(run!.kind, "score");
    assert.equal(run!.rows, 2);
    assert.match(run!.spec_text, /type: gsm8k/);
    assert.ok(run!.ended_at);
    assert.deepEqual(store.results(run!.id).map((x) => [x.id, x.score, x.components.correct!.score]), [["a", 1, 1], ["b", 0, 0]]);
    store.close();
  });
});

describe("rewardsmith score --resume", () => {
  it("after SIGKILL mid-run, --resume finishes with exactly one output row per input id", async () => {
    const dir = tmp();
    const n = 200_000;
    const lines: string[] = [];
    for (let i = 0; i < n; i++) lines.push(JSON.stringify({ id: `r${i}`, completion: `step ${i} so #### ${i % 97}`, reference: String(i % 89) }));
    writeFileSync(join(dir, "in.jsonl"), lines.join("\n") + "\n");
    const spec = gsmSpec(dir);
    const out = join(dir, "out.jsonl");
    const child = cliAsync(["score", join(dir, "in.jsonl"), "-s", spec, "-o", out, "--store", join(dir, "runs.sqlite"), "-q", "--batch-size", "256"]);
    // Kill it once it has written something but before it is done.
    await new Promise<void>((resolve, reject) => {
      const t0 = Date.now();
      const poll = setInterval(() => {
        const size = existsSync(out) ? statSync(out).size : 0;
        if (size > 200_000) {
          clearInterval(poll);
          child.kill("SIGKILL");
          resolve();
        } else if (Date.now() - t0 > 60_000) {
          clearInterval(poll);
          reject(new Error("the run wrote nothing within 60 s"));
        }
      }, 5);
    });
    await new Promise((r) => child.once("exit", r));
    const partial = readFileSync(out, "utf8").split("\n").length - 1;
    assert.ok(partial > 0 && partial < n, `killed after ${partial} rows`);
    const r = cli(["score", join(dir, "in.jsonl"), "-s", spec, "-o", out, "--resume", "--store", join(dir, "runs.sqlite")]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /resuming after \d+ rows/);
    const ids = readFileSync(out, "utf8").trim().split("\n").map((l) => (JSON.parse(l) as { id: string }).id);
    assert.equal(ids.length, n);
    assert.equal(new Set(ids).size, n);
    assert.equal(ids[0], "r0");
    assert.equal(ids[n - 1], `r${n - 1}`);
    assert.match(r.stderr, new RegExp(`scored ${n} rows`), "the summary covers the whole output");
    const { RunStore } = await import("../../src/store/run-store.ts");
    const store = new RunStore(join(dir, "runs.sqlite"));
    const runs = store.listRuns();
    assert.equal(runs.length, 1, "the resumed run continues the same store run");
    assert.equal(runs[0]!.rows, n);
    assert.equal(store.results(runs[0]!.id, 1, n - 1)[0]!.id, `r${n - 1}`);
    store.close();
  });

  it("refuses to resume an output made from another input", () => {
    const dir = tmp();
    writeFileSync(join(dir, "a.jsonl"), '{"id":"a1","completion":"1","reference":"1"}\n');
    writeFileSync(join(dir, "b.jsonl"), '{"id":"b1","completion":"1","reference":"1"}\n{"id":"b2","completion":"1","reference":"1"}\n');
    const spec = gsmSpec(dir);
    cli(["score", join(dir, "a.jsonl"), "-s", spec, "-o", join(dir, "out.jsonl"), "-q"]);
    const r = cli(["score", join(dir, "b.jsonl"), "-s", spec, "-o", join(dir, "out.jsonl"), "--resume", "-q"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /output's row 1 has id "a1" but input row 1 has id "b1"/);
  });
});
