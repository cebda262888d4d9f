/**
 * Safety under load and change: auth policy, the concurrency limit (429 + Retry-After),
 * deadlines (504), idempotency keys, atomic hot reload, request coalescing that keeps GRPO groups
 * apart, default-spec rules, and the run store.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { connect } from "node:net";
import { join } from "node:path";
import { describe, it } from "node:test";
import { isLoopback } from "../../src/server/auth.ts";
import { createServer, ServerConfigError } from "../../src/server/app.ts";
import { RunStore } from "../../src/store/run-store.ts";
import { call, slowCalls, slowSpec, startFixture } from "./helpers.ts";

const SLOW = (ms: number) => ({ "slow.yaml": slowSpec(1, ms) });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const one = (id = "x") => ({ spec: "slow", samples: [{ id, completion: "c" }] });

describe("auth policy", () => {
  it("refuses to bind a non-loopback address without a token", async () => {
    await assert.rejects(createServer({ spec: "examples/gsm8k/reward.yaml", host: "0.0.0.0", logLevel: "silent" }, false), (e: unknown) => e instanceof ServerConfigError && /token is required/.test((e as Error).message));
    const s = await createServer({ spec: "examples/gsm8k/reward.yaml", host: "0.0.0.0", token: "t", logLevel: "silent", workers: 1, reloadMs: 0 }, false);
    await s.close();
  });

  it("knows loopback addresses", () => {
    for (const h of ["127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]", "::ffff:127.0.0.1"]) assert.equal(isLoopback(h), true, h);
    for (const h of ["0.0.0.0", "10.0.0.1", "::", "example.com", "192.168.1.2"]) assert.equal(isLoopback(h), false, h);
  });
});

describe("limits", () => {
  it("answers 429 with Retry-After when the concurrent-request limit is reached, and serves again after", async () => {
    const f = await startFixture({ maxConcurrent: 1 }, SLOW(400));
    try {
      const first = call(f.url, "/v1/score", one());
      await sleep(100);
      const busy = await call(f.url, "/v1/score", one());
      assert.equal(busy.status, 429);
      assert.equal(busy.headers.get("retry-after"), "1");
      assert.equal(busy.body.error.type, "rate_limit_error");
      assert.match(busy.body.error.message, /--max-concurrent/);
      assert.equal((await call(f.url, "/health")).status, 200, "health is not a scoring request");
      assert.equal((await first).status, 200);
      assert.equal((await call(f.url, "/v1/score", one())).status, 200);
    } finally {
      await f.close();
    }
  });

  it("clients that send headers and then trickle their body (slowloris) hold no scoring slot", async () => {
    const f = await startFixture({ maxConcurrent: 1 });
    const port = Number(new URL(f.url).port);
    const slow = Array.from({ length: 3 }, () => {
      const s = connect(port, "127.0.0.1", () => s.write('POST /v1/score HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"samples": ['));
      s.on("error", () => {});
      return s;
    });
    try {
      await Promise.all(slow.map((s) => new Promise((r) => (s.connecting ? s.once("connect", r) : r(undefined)))));
      await sleep(100);
      const r = await call(f.url, "/v1/score", { spec: "gsm8k", samples: [{ id: "a", completion: "#### 4", reference: "4" }] });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.results[0].score, 1.5);
      assert.equal((await call(f.url, "/health")).body.in_flight.requests, 0);
    } finally {
      for (const s of slow) s.destroy();
      await f.close();
    }
  });

  it("answers 429 when the samples in flight would pass the limit", async () => {
    const f = await startFixture({ maxInflightSamples: 2 }, SLOW(400));
    try {
      const first = call(f.url, "/v1/score", { spec: "slow", samples: [{ id: "a", completion: "c" }, { id: "b", completion: "d" }] });
      await sleep(100);
      const busy = await call(f.url, "/v1/score", one());
      assert.equal(busy.status, 429);
      assert.match(busy.body.error.message, /--max-inflight-samples/);
      assert.equal((await first).status, 200);
    } finally {
      await f.close();
    }
  });

  it("refuses a JSON batch over --max-batch (413) and points to streaming", async () => {
    const f = await startFixture({ maxBatch: 2 });
    try {
      const r = await call(f.url, "/v1/score", { samples: [1, 2, 3] });
      assert.equal(r.status, 413);
      assert.equal(r.body.error.param, "samples");
      assert.match(r.body.error.message, /stream/);
    } finally {
      await f.close();
    }
  });
});

describe("deadlines and idempotency keys", () => {
  it("a 504 at the client's deadline; a retry with the same key gets the first computation's result", async () => {
    const f = await startFixture({}, SLOW(500));
    try {
      const before = slowCalls();
      const late = await call(f.url, "/v1/score", one("d1"), { "x-deadline-ms": "100", "idempotency-key": "k-deadline" });
      assert.equal(late.status, 504);
      assert.equal(late.body.error.code, "deadline_exceeded");
      assert.equal(late.body.error.type, "timeout_error");
      const retry = await call(f.url, "/v1/score", one("d1"), { "idempotency-key": "k-deadline" });
      assert.equal(retry.status, 200);
      assert.equal(retry.headers.get("idempotent-replayed"), "true");
      assert.equal(retry.body.results[0].score, 1);
      assert.equal(slowCalls() - before, 1, "scored once");
    } finally {
      await f.close();
    }
  });

  it("the same key returns the stored result (sequential and concurrent); a different body is a 422", async () => {
    const f = await startFixture({}, SLOW(150));
    try {
      const before = slowCalls();
      const [a, b] = await Promise.all([call(f.url, "/v1/score", one("i1"), { "idempotency-key": "k1" }), call(f.url, "/v1/score", one("i1"), { "idempotency-key": "k1" })]);
      const c = await call(f.url, "/v1/score", one("i1"), { "idempotency-key": "k1" });
      assert.deepEqual([a.status, b.status, c.status], [200, 200, 200]);
      assert.deepEqual(b.body.results, a.body.results);
      assert.equal(c.headers.get("idempotent-replayed"), "true");
      assert.equal(slowCalls() - before, 1, "three requests, one computation");
      const other = await call(f.url, "/v1/score", one("i2"), { "idempotency-key": "k1" });
      assert.equal(other.status, 422);
      assert.equal(other.body.error.param, "idempotency-key");
      // Keys are per route: the same key on another route is a new request.
      const verl = await call(f.url, "/verl/compute_score", { data_source: "slow_x", solution_str: "s" }, { "idempotency-key": "k1" });
      assert.equal(verl.status, 200);
      assert.equal(slowCalls() - before, 2);
      const m = await call(f.url, "/metrics");
      assert.match(m.text, /^rewardsmith_idempotent_replays_total\{route="\/v1\/score"\} 2$/m);
    } finally {
      await f.close();
    }
  });

  it("a keyed request whose body nests 50,000 deep is scored (its row invalid_input) and replayed, not a 500", async () => {
    const f = await startFixture();
    try {
      const text = `{"spec": "gsm8k", "samples": [{"id": "d", "completion": "#### 4", "reference": ${"[".repeat(50_000)}${"]".repeat(50_000)}}]}`;
      const first = await call(f.url, "/v1/score", text, { "content-type": "application/json", "idempotency-key": "deep" });
      assert.equal(first.status, 200, first.text);
      assert.equal(first.body.results[0].reason, "reference: nested more than 200 levels deep");
      const again = await call(f.url, "/v1/score", text, { "content-type": "application/json", "idempotency-key": "deep" });
      assert.equal(again.headers.get("idempotent-replayed"), "true");
      assert.deepEqual(again.body.results, first.body.results);
    } finally {
      await f.close();
    }
  });
});

describe("hot reload", () => {
  it("swaps a changed spec atomically: the batch in flight finishes on its version, the next uses the new one", async () => {
    const f = await startFixture({}, { "slow.yaml": slowSpec(1, 500) });
    try {
      const specs = f.server.ctx.specs;
      const h1 = (await call(f.url, "/v1/specs")).body.specs.find((s: { name: string }) => s.name === "slow").hash;
      const inFlight = call(f.url, "/v1/score", one("old"));
      await sleep(150);
      writeFileSync(join(f.dir, "slow.yaml"), slowSpec(2, 0));
      await specs.check();
      const listed = (await call(f.url, "/v1/specs")).body.specs.find((s: { name: string }) => s.name === "slow");
      assert.notEqual(listed.hash, h1);
      const fresh = await call(f.url, "/v1/score", one("new"));
      assert.equal(fresh.body.results[0].score, 2);
      assert.equal(fresh.body.spec_hash, listed.hash);
      const old = await inFlight;
      assert.equal(old.body.results[0].score, 1, "finished on the version it started with");
      assert.equal(old.body.spec_hash, h1);
      const m = await call(f.url, "/metrics");
      assert.match(m.text, /^rewardsmith_spec_reloads_total\{spec="slow",result="ok"\} 1$/m);
      // Outcome counters survive the swap (the old pipeline's are folded in once it closes).
      assert.match(m.text, /^rewardsmith_reward_outcomes_total\{spec="slow",reward="slow",status="ok"\} 2$/m);
    } finally {
      await f.close();
    }
  });

  it("keeps the old version when the new file is invalid, and says why in /v1/specs", async () => {
    const f = await startFixture();
    try {
      writeFileSync(join(f.dir, "gsm8k.yaml"), "rewards:\n  correct:\n    type: gsm8kk\n");
      await f.server.ctx.specs.check();
      const s = (await call(f.url, "/v1/specs")).body.specs.find((x: { name: string }) => x.name === "gsm8k");
      assert.match(s.error.message, /rewards\.correct\.type: unknown reward type "gsm8kk"/);
      const r = await call(f.url, "/v1/score", { samples: [{ id: "a", completion: "#### 4", reference: "#### 4" }] });
      assert.equal(r.body.results[0].score, 1.5, "still the previous version");
      const m = await call(f.url, "/metrics");
      assert.match(m.text, /^rewardsmith_spec_reloads_total\{spec="gsm8k",result="error"\} 1$/m);
    } finally {
      await f.close();
    }
  });

  it("serves a new spec file and stops serving a removed one", async () => {
    const f = await startFixture();
    try {
      writeFileSync(join(f.dir, "extra.json"), JSON.stringify({ rewards: { m: { type: "exact_match" } } }));
      unlinkSync(join(f.dir, "refonly.yaml"));
      await f.server.ctx.specs.check();
      const names = (await call(f.url, "/v1/specs")).body.specs.map((s: { name: string }) => s.name);
      assert.deepEqual(names, ["extra", "gsm8k", "slow"]);
      const r = await call(f.url, "/v1/score", { spec: "extra", samples: [{ id: "a", completion: "yes", reference: "yes" }] });
      assert.equal(r.body.results[0].score, 1);
      assert.equal((await call(f.url, "/v1/score", { spec: "refonly", samples: [] })).status, 404);
    } finally {
      await f.close();
    }
  });
});

describe("request coalescing", () => {
  it("concurrent requests share a pipeline batch but never a GRPO group", async () => {
    const f = await startFixture({}, { "diverse.yaml": "rewards:\n  d:\n    type: distinct_n\n    n: 2\n" });
    try {
      const req = () => call(f.url, "/v1/score", { spec: "diverse", samples: [{ id: "s", group: "g", completion: "the same four words" }] });
      const rs = await Promise.all([req(), req(), req(), req()]);
      // Alone in its group every bigram is its own: 1. Had the four "g" groups been merged, 0.
      for (const r of rs) assert.equal(r.body.results[0].score, 1);
      const both = await call(f.url, "/v1/score", { spec: "diverse", samples: [{ id: "a", group: "g", completion: "the same four words" }, { id: "b", group: "g", completion: "the same four words" }] });
      assert.deepEqual(both.body.results.map((r: { score: number }) => r.score), [0, 0], "within one request the group is shared");
    } finally {
      await f.close();
    }
  });
});

describe("default spec", () => {
  it("with several specs and no default, a request must name one; verl needs a route", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rs-nodefault-"));
    writeFileSync(join(dir, "a.yaml"), "rewards:\n  m:\n    type: exact_match\n");
    writeFileSync(join(dir, "b.yaml"), "rewards:\n  m:\n    type: exact_match\n");
    const s = await createServer({ spec: dir, port: 0, logLevel: "silent", workers: 1, reloadMs: 0 });
    try {
      const r = await call(s.url, "/v1/score", { samples: [] });
      assert.equal(r.status, 400);
      assert.equal(r.body.error.param, "spec");
      assert.match(r.body.error.message, /several specs \(a, b\)/);
      const v = await call(s.url, "/verl/compute_score", { data_source: "c", solution_str: "x" });
      assert.equal(v.status, 404);
      assert.equal(v.body.error.param, "data_source");
      const byName = await call(s.url, "/verl/compute_score", { data_source: "b", solution_str: "x", ground_truth: "x" });
      assert.equal(byName.body.score, 1, "a spec named like the data_source serves it");
    } finally {
      await s.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a bad routes.yaml stops the server from starting, naming the key", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rs-badroutes-"));
    writeFileSync(join(dir, "a.yaml"), "rewards:\n  m:\n    type: exact_match\n");
    writeFileSync(join(dir, "routes.yaml"), "data_sources:\n  openai/gsm8k: missing\n");
    try {
      await assert.rejects(createServer({ spec: dir, port: 0, logLevel: "silent", workers: 1, reloadMs: 0 }), /data_sources\.openai\/gsm8k: unknown spec "missing" \(known: a\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("run store", () => {
  it("records every scored request with its spec hash, and grader runs with the grader's hash", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rs-store-"));
    const db = join(dir, "runs.db");
    const f = await startFixture({ store: db });
    let hash = "";
    try {
      const r = await call(f.url, "/v1/score", { samples: [{ id: "a", completion: "#### 4", reference: "#### 4", group: "g1" }, { id: "b", completion: "#### 3", reference: "#### 4" }] });
      hash = r.body.spec_hash;
      await call(f.url, "/get_reward", { query: ["#### 4"], prompts: [""], labels: ["#### 4"] });
      await call(f.url, "/v1/fine_tuning/alpha/graders/run", { grader: { type: "string_check", name: "s", input: "{{sample.output_text}}", reference: "a", operation: "eq" }, model_sample: "a" });
    } finally {
      await f.close();
    }
    const store = new RunStore(db);
    try {
      const runs = store.listRuns();
      const serve = runs.find((x) => x.kind === "serve")!;
      assert.equal(serve.spec_hash, hash);
      assert.equal(serve.spec_name, "gsm8k");
      assert.equal(serve.rows, 3);
      assert.ok(serve.ended_at, "finished when the server closed");
      const rows = store.results(serve.id);
      assert.deepEqual(rows.map((x) => [x.id, x.score, x.status, x.group ?? null]), [
        ["a", 1.5, "ok", "g1"],
        ["b", 0.5, "ok", null],
        ["0", 1.5, "ok", null],
      ]);
      assert.equal(rows[0]!.components.correct!.score, 1);
      const grader = runs.find((x) => x.kind === "grader")!;
      assert.match(grader.spec_hash, /^[0-9a-f]{64}$/);
      assert.equal(store.results(grader.id)[0]!.score, 1);
    } finally {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
