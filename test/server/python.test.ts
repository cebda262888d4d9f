/**
 * The Python integrations, run with python3 (standard library only) against a live server:
 * verl_reward.compute_score (loaded by file path, as verl does; single and batch forms),
 * trl_reward.rewardsmith_reward (None for non-ok), and the client's retry policy against a fake
 * server: retries 429/5xx with one Idempotency-Key, honours Retry-After and the deadline, never
 * retries a 4xx.
 */
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { createServer as httpServer, type IncomingMessage, type Server } from "node:http";
import { resolve } from "node:path";
import { after, before, describe, it } from "node:test";
import { startFixture, type Fixture } from "./helpers.ts";

const INTEGRATIONS = resolve("integrations/python");
const hasPython = spawnSync("python3", ["-c", "import sys; sys.exit(0 if sys.version_info >= (3, 8) else 1)"]).status === 0;

/** Runs python3 -c CODE without blocking this process (the server under test lives here). */
function py(code: string, env: Record<string, string> = {}): Promise<{ out: any; stderr: string; status: number | null }> {
  return new Promise((res) => {
    const child = spawn("python3", ["-c", code], { env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1", PYTHONPATH: INTEGRATIONS, ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("close", (status) => {
      clearTimeout(timer);
      let out: unknown;
      try {
        out = JSON.parse(stdout.trim().split("\n").pop() ?? "");
      } catch {
        out = undefined;
      }
      res({ out, stderr, status });
    });
  });
}

let f: Fixture;
before(async () => {
  f = await startFixture();
});
after(async () => {
  await f.close();
});

describe("integrations/python against a live server", { skip: !hasPython && "python3 is not installed" }, () => {
  it("verl_reward.compute_score, loaded by path like verl's custom_reward_function: one item and a batch", async () => {
    const r = await py(`
import importlib.util, json
spec = importlib.util.spec_from_file_location("custom_module", "${INTEGRATIONS}/verl_reward.py")
m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)
class FakeNumpy:                      # verl hands parquet cells over as numpy objects
    def __init__(self, v): self.v = v
    def tolist(self): return self.v
one = m.compute_score("openai/gsm8k", "2 + 2 = 4\\n#### 4", "4", {"index": 0, "split": "test"}, url="${f.url}")
batch = m.compute_score(data_sources=["openai/gsm8k", "slow_x"], solution_strs=["#### 5", "x"], ground_truths=[FakeNumpy("4"), "1"], extra_infos=[None, {"index": 2}], url="${f.url}")
floats = m.compute_score("openai/gsm8k", "#### 4", "4", None, url="${f.url}", return_dict=False)
print(json.dumps({"one": one, "batch": batch, "floats": floats}))
`);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.out, {
      one: { correct: 1, format: 1, slow: 0, score: 1.5, status_ok: 1 },
      batch: [
        { correct: 0, format: 1, slow: 0, score: 0.5, status_ok: 1 },
        { correct: 0, format: 0, slow: 1, score: 1, status_ok: 1 },
      ],
      floats: 1.5,
    });
  });

  it("trl_reward: one call per batch, None for non-ok, groups of consecutive prompts, components", async () => {
    const r = await py(
      `
import json
from trl_reward import rewardsmith_reward
f = rewardsmith_reward(reference_key="answer")
prompts = ["2+2?", "2+2?", "3+3?"]
plain = f(prompts, ["#### 4", "#### 5", "#### 6"], answer=["#### 4", "#### 4", None], trainer_state=None, completion_ids=[[1], [2], [3]], log_metric=None)
chat = f([[{"role": "user", "content": "2+2?"}]], [[{"role": "assistant", "content": "#### 4"}]], answer=["#### 4"])
strict = rewardsmith_reward(spec="refonly")(["q", "q"], ["#### 4", "#### 4"], answer=["#### 4", None])
corr = rewardsmith_reward(component="correct")(["q"], ["#### 7"], answer=["#### 7"])
print(json.dumps({"plain": plain, "chat": chat, "strict": strict, "corr": corr, "names": [f.__name__, rewardsmith_reward(component="correct").__name__]}))
`,
      { REWARDSMITH_URL: f.url },
    );
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.out, {
      // "#### 6" has no reference: correct is invalid_input (skipped), the total is the format bonus
      plain: [1.5, 0.5, 0.5],
      chat: [1.5],
      strict: [1, null],
      corr: [1],
      names: ["rewardsmith", "rewardsmith_correct"],
    });
  });

  it("a 4xx raises at once with the server's message naming the field", async () => {
    const r = await py(`
import json
from rewardsmith_client import Client, RewardsmithError
try:
    Client("${f.url}").post("/get_reward", {"query": ["a", "b"], "prompts": ["a"]})
    print(json.dumps({"raised": False}))
except RewardsmithError as e:
    print(json.dumps({"raised": True, "status": e.status, "param": e.param, "message": str(e)}))
`);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.out, { raised: true, status: 400, param: "prompts", message: "POST /get_reward: HTTP 400: prompts: expected 2 items (as many as query), got 1" });
  });
});

/** A fake server: each path answers a scripted list of statuses, recording what it was sent. */
function fakeServer(script: Record<string, { status: number; headers?: Record<string, string>; body?: unknown }[]>) {
  const seen: { path: string; headers: IncomingMessage["headers"]; at: number }[] = [];
  const server: Server = httpServer((req, res) => {
    seen.push({ path: req.url!, headers: req.headers, at: Date.now() });
    req.resume();
    req.on("end", () => {
      const list = script[req.url!] ?? [{ status: 404 }];
      const step = list.length > 1 ? list.shift()! : list[0]!;
      res.writeHead(step.status, { "content-type": "application/json", ...(step.headers ?? {}) });
      res.end(JSON.stringify(step.body ?? (step.status < 300 ? { ok: true } : { error: { message: `scripted ${step.status}`, param: null } })));
    });
  });
  return {
    seen,
    start: () => new Promise<string>((r) => server.listen(0, "127.0.0.1", () => r(`http://127.0.0.1:${(server.address() as { port: number }).port}`))),
    stop: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe("rewardsmith_client retry policy", { skip: !hasPython && "python3 is not installed" }, () => {
  it("retries 503 and 429 with one Idempotency-Key, waits at least Retry-After, sends the token and the deadline", async () => {
    const fake = fakeServer({ "/v1/score": [{ status: 503 }, { status: 429, headers: { "Retry-After": "0.3" } }, { status: 200, body: { results: [] } }] });
    const url = await fake.start();
    try {
      const r = await py(`
import json, time
from rewardsmith_client import Client
t = time.monotonic()
out = Client("${url}", token="tok", backoff=0.01).post("/v1/score", {"samples": []}, timeout=20)
print(json.dumps({"out": out, "s": time.monotonic() - t}))
`);
      assert.equal(r.status, 0, r.stderr);
      assert.deepEqual(r.out.out, { results: [] });
      assert.equal(fake.seen.length, 3);
      const keys = new Set(fake.seen.map((x) => x.headers["idempotency-key"]));
      assert.equal(keys.size, 1, "one key for every attempt");
      assert.ok(fake.seen.every((x) => x.headers.authorization === "Bearer tok"));
      const deadlines = fake.seen.map((x) => Number(x.headers["x-deadline-ms"]));
      assert.ok(deadlines.every((d, i) => d > 0 && d <= 20_000 && (i === 0 || d <= deadlines[i - 1]!)), String(deadlines));
      assert.ok(fake.seen[2]!.at - fake.seen[1]!.at >= 290, "waited for Retry-After");
    } finally {
      await fake.stop();
    }
  });

  it("never retries a 4xx", async () => {
    const fake = fakeServer({ "/v1/score": [{ status: 422, body: { error: { message: "idempotency-key: reused", param: "idempotency-key" } } }] });
    const url = await fake.start();
    try {
      const r = await py(`
import json
from rewardsmith_client import Client, RewardsmithError
try:
    Client("${url}").post("/v1/score", {})
except RewardsmithError as e:
    print(json.dumps({"status": e.status, "param": e.param}))
`);
      assert.deepEqual(r.out, { status: 422, param: "idempotency-key" });
      assert.equal(fake.seen.length, 1);
    } finally {
      await fake.stop();
    }
  });

  it("gives up at its deadline, never sleeping past it (a server that always answers 503)", async () => {
    const fake = fakeServer({ "/v1/score": [{ status: 503 }] });
    const url = await fake.start();
    try {
      const r = await py(`
import json, time
from rewardsmith_client import Client, RewardsmithError
t = time.monotonic()
try:
    Client("${url}", backoff=0.2, max_retries=100).post("/v1/score", {}, timeout=1.5)
except RewardsmithError as e:
    print(json.dumps({"s": time.monotonic() - t, "code": e.code, "message": str(e)}))
`);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.out.code, "deadline_exceeded");
      assert.ok(r.out.s < 1.6, `stopped after ${r.out.s} s`);
      assert.match(r.out.message, /last error: HTTP 503/);
      assert.ok(fake.seen.length >= 2);
    } finally {
      await fake.stop();
    }
  });

  it("treats a refused connection as transient and retries it until the deadline", async () => {
    const fake = fakeServer({});
    const url = await fake.start();
    await fake.stop();
    const r = await py(`
import json, time
from rewardsmith_client import Client, RewardsmithError
t = time.monotonic()
try:
    Client("${url}", backoff=0.05).post("/v1/score", {}, timeout=1.0)
except RewardsmithError as e:
    print(json.dumps({"s": time.monotonic() - t, "message": str(e)}))
`);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.out.message, /ConnectionRefusedError/);
    assert.ok(r.out.s < 1.2);
  });
});
