/**
 * Every route with the exact request and response shapes of the protocol it speaks
 * (../shared/research/reward-protocols.md): native, OpenRLHF, verl, NeMo Gym, OpenAI graders.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { PythonSandbox } from "../../src/sandbox/python.ts";
import { call, startFixture, type Fixture } from "./helpers.ts";

const sandbox = new PythonSandbox({ size: 1 });
const SANDBOX = sandbox.check();
void sandbox.close();

let f: Fixture;
before(async () => {
  f = await startFixture();
});
after(async () => {
  await f.close();
});

const A = { id: "a", prompt: "2+2?", completion: "2 + 2 = 4\n#### 4", reference: "#### 4" };
const B = { id: "b", prompt: "2+2?", completion: "#### 5", reference: "#### 4" };

describe("GET /v1/specs", () => {
  it("lists every spec with its hash, rewards, the default and the data_source routes", async () => {
    const r = await call(f.url, "/v1/specs");
    assert.equal(r.status, 200);
    assert.deepEqual(Object.keys(r.body).sort(), ["default", "routes", "specs"]);
    assert.deepEqual(r.body.specs.map((s: { name: string }) => s.name), ["gsm8k", "refonly", "slow"]);
    assert.equal(r.body.default, "gsm8k");
    assert.deepEqual(r.body.routes.data_sources, { "openai/gsm8k": "gsm8k", "slow_*": "slow" });
    const g = r.body.specs[0];
    assert.match(g.hash, /^[0-9a-f]{64}$/);
    assert.equal(g.default, true);
    assert.deepEqual(
      g.rewards.map((x: { name: string; type: string; weight: number }) => [x.name, x.type, x.weight]),
      [
        ["correct", "gsm8k", 1],
        ["format", "regex", 0.5],
      ],
    );
  });
});

describe("POST /v1/score (native)", () => {
  it("answers {spec, spec_hash, results, usage}; a bad sample is one invalid_input result", async () => {
    const r = await call(f.url, "/v1/score", { samples: [A, B, { id: "c", completion: 7 }] });
    assert.equal(r.status, 200);
    assert.deepEqual(Object.keys(r.body), ["spec", "spec_hash", "results", "usage"]);
    assert.equal(r.body.spec, "gsm8k");
    assert.deepEqual(r.body.results[0], { id: "a", score: 1.5, status: "ok", components: { correct: { score: 1, status: "ok" }, format: { score: 1, status: "ok" } } });
    assert.deepEqual(r.body.results[1], { id: "b", score: 0.5, status: "ok", components: { correct: { score: 0, status: "ok" }, format: { score: 1, status: "ok" } } });
    assert.equal(r.body.results[2].status, "invalid_input");
    assert.equal(r.body.results[2].score, null);
    assert.match(r.body.results[2].reason, /^completion: expected a string or a list of messages, got number/);
    const { ms, ...usage } = r.body.usage;
    assert.equal(typeof ms, "number");
    assert.deepEqual(usage, { samples: 3, ok: 2, not_applicable: 0, invalid_input: 1, timeout: 0, error: 0 });
  });

  it("picks a spec by name and returns component details on request", async () => {
    const r = await call(f.url, "/v1/score", { spec: "refonly", samples: [A], details: true });
    assert.equal(r.body.spec, "refonly");
    assert.equal(r.body.results[0].score, 1);
    assert.equal(typeof r.body.results[0].components.correct.details, "object");
    const noRef = await call(f.url, "/v1/score", { spec: "refonly", samples: [{ id: "x", completion: "#### 4" }] });
    assert.equal(noRef.body.results[0].status, "invalid_input");
  });

  it("streams NDJSON in input order with a final done line (stream: true, chunk_size 2)", async () => {
    const samples = Array.from({ length: 5 }, (_, i) => ({ id: `s${i}`, completion: `#### ${i}`, reference: "#### 3" }));
    const r = await call(f.url, "/v1/score", { samples, stream: true, chunk_size: 2 });
    assert.equal(r.status, 200);
    assert.match(r.headers.get("content-type")!, /application\/x-ndjson/);
    const lines = r.text.trim().split("\n").map((l) => JSON.parse(l));
    assert.equal(lines.length, 6);
    assert.deepEqual(lines.slice(0, 5).map((l) => [l.id, l.components.correct.score]), [
      ["s0", 0],
      ["s1", 0],
      ["s2", 0],
      ["s3", 1],
      ["s4", 0],
    ]);
    assert.equal(lines[5].done, true);
    assert.equal(lines[5].usage.samples, 5);
    assert.equal(lines[5].spec, "gsm8k");
  });

  it("reads an NDJSON request body as it arrives; a line that is not JSON is one invalid_input result", async () => {
    const body = [JSON.stringify(A), "{not json", JSON.stringify(B), ""].join("\n");
    const r = await call(f.url, "/v1/score?spec=gsm8k", body, { "content-type": "application/x-ndjson" });
    assert.equal(r.status, 200);
    const lines = r.text.trim().split("\n").map((l) => JSON.parse(l));
    assert.deepEqual(lines.map((l) => l.id ?? "done"), ["a", "2", "b", "done"]);
    assert.equal(lines[1].status, "invalid_input");
    assert.match(lines[1].reason, /^line 2: not valid JSON/);
    assert.equal(lines[0].score, 1.5);
    assert.deepEqual(lines[3].usage.invalid_input, 1);
  });

  it("a sample with a __proto__ key is one invalid_input result naming it (NDJSON); the string \"__proto__\" as a value is just text", async () => {
    const body = [JSON.stringify(A), '{"id": "p", "completion": "x", "meta": {"__proto__": {"a": 1}}}', JSON.stringify(B)].join("\n");
    const r = await call(f.url, "/v1/score?spec=gsm8k", body, { "content-type": "application/x-ndjson" });
    const lines = r.text.trim().split("\n").map((l) => JSON.parse(l));
    assert.deepEqual(lines.map((l) => [l.id ?? "done", l.status ?? "done"]), [["a", "ok"], ["2", "invalid_input"], ["b", "ok"], ["done", "done"]]);
    assert.equal(lines[1].reason, 'line 2: meta.__proto__: the key "__proto__" is not allowed');
    const v = await call(f.url, "/v1/score", { spec: "gsm8k", samples: [{ id: "v", completion: "__proto__", reference: ["__proto__"] }, A] });
    assert.equal(v.status, 200, v.text);
    assert.deepEqual(v.body.results.map((x: { id: string }) => x.id), ["v", "a"]);
  });
});

describe("POST /get_reward (OpenRLHF)", () => {
  const prompt = "<|im_start|>user\nWhat is 2+2?<|im_end|>\n<|im_start|>assistant\n";
  it("answers {rewards, scores, extra_logs}, recovering the response from query", async () => {
    const r = await call(f.url, "/get_reward", {
      query: [prompt + "2 + 2 = 4\n#### 4<|im_end|>", prompt + "#### 5<|im_end|><|endoftext|>"],
      prompts: [prompt, prompt],
      labels: ["#### 4", "#### 4"],
    });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, { rewards: [1.5, 0.5], scores: [1.5, 0.5], extra_logs: { correct: [1, 0], format: [1, 1], status_ok: [1, 1] } });
  });

  it("gives null_score and status_ok 0 to a sample it cannot score, never a silent 0", async () => {
    const r = await call(f.url, "/get_reward?null_score=-1&spec=refonly", { query: [prompt + "#### 4<|im_end|>", "unrelated text"], prompts: [prompt, "a prompt not in the query"], labels: [null, "#### 4"] });
    assert.deepEqual(r.body, { rewards: [-1, -1], scores: [-1, -1], extra_logs: { correct: [-1, -1], status_ok: [0, 0] } });
  });
});

describe("POST /verl/compute_score (verl)", () => {
  it("one item -> {score, ...components, status_ok} with every served component as a key", async () => {
    const r = await call(f.url, "/verl/compute_score", { data_source: "openai/gsm8k", solution_str: "#### 4", ground_truth: "4", extra_info: { index: 7, split: "test" } });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, { correct: 1, format: 1, slow: 0, score: 1.5, status_ok: 1 });
  });

  it("a batch routes each item by data_source and keeps the order", async () => {
    const r = await call(f.url, "/verl/compute_score", {
      data_sources: ["openai/gsm8k", "slow_math", "unknown_source"],
      solution_strs: ["#### 5", "anything", "#### 4"],
      ground_truths: ["4", "4", "#### 4"],
      extra_infos: [null, { index: 1 }, null],
    });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, [
      { correct: 0, format: 1, slow: 0, score: 0.5, status_ok: 1 },
      { correct: 0, format: 0, slow: 1, score: 1, status_ok: 1 },
      { correct: 1, format: 1, slow: 0, score: 1.5, status_ok: 1 },
    ]);
  });

  it("return_dict: false answers bare floats", async () => {
    const one = await call(f.url, "/verl/compute_score", { data_source: "x", solution_str: "#### 4", ground_truth: "4", return_dict: false });
    assert.equal(one.body, 1.5);
    const many = await call(f.url, "/verl/compute_score", { data_sources: ["x", "x"], solution_strs: ["#### 4", "no"], ground_truths: ["4", "4"], return_dict: false });
    assert.deepEqual(many.body, [1.5, 0]);
  });
});

describe("POST /verify (NeMo Gym)", () => {
  const body = {
    responses_create_params: { input: [{ role: "user", content: "What is 2+2?" }], instructions: "Answer with #### N." },
    response: { id: "resp_1", object: "response", output: [{ type: "reasoning", summary: [] }, { type: "message", role: "assistant", content: [{ type: "output_text", text: "2 + 2 = 4\n#### 4", annotations: [] }] }] },
    expected_answer: "#### 4",
    task_id: 12,
  };
  it("answers the request plus reward, reward_components and mask_sample", async () => {
    const r = await call(f.url, "/verify", body);
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, { ...body, reward: 1.5, reward_components: { correct: 1, format: 1 }, mask_sample: false });
  });

  it("masks a sample whose reward is not a valid measurement, with failure_kind and failure_reason", async () => {
    const { expected_answer: _, ...noRef } = body;
    const r = await call(f.url, "/verify?spec=refonly", noRef);
    assert.equal(r.body.reward, 0);
    assert.equal(r.body.mask_sample, true);
    assert.equal(r.body.failure_kind, "rewardsmith:invalid_input");
    assert.match(r.body.failure_reason, /reference/);
    assert.deepEqual(r.body.reward_components, { correct: 0 });
  });
});

describe("POST /v1/fine_tuning/alpha/graders/run and /validate (OpenAI graders)", () => {
  // rapidfuzz fuzz.ratio("Jon Smith", "John Smith") = 100 * 2*9/19 (Indel), divided by 100
  const JON = (100 * 18) / 19 / 100;
  const NO_ERRORS = {
    formula_parse_error: false,
    invalid_variable_error: false,
    model_grader_parse_error: false,
    model_grader_refusal_error: false,
    model_grader_server_error: false,
    model_grader_server_error_details: null,
    other_error: false,
    python_grader_runtime_error: false,
    python_grader_runtime_error_details: null,
    python_grader_server_error: false,
    python_grader_server_error_type: null,
    sample_parse_error: false,
    truncated_observation_error: false,
    unresponsive_reward_error: false,
  };
  const run = (grader: unknown, model_sample: string, item?: unknown) => call(f.url, "/v1/fine_tuning/alpha/graders/run", { grader, model_sample, ...(item === undefined ? {} : { item }) });
  const check = (op: string, input: string, reference: string) => ({ type: "string_check", name: "s", input, reference, operation: op });

  it("string_check: the documented response shape, eq/ne/like/ilike", async () => {
    const r = await run(check("eq", "{{sample.output_text}}", "{{item.reference_answer}}"), "Paris", { reference_answer: "Paris" });
    assert.equal(r.status, 200);
    assert.deepEqual(Object.keys(r.body).sort(), ["metadata", "model_grader_token_usage_per_model", "reward", "sub_rewards"]);
    const { execution_time, ...meta } = r.body.metadata;
    assert.equal(typeof execution_time, "number");
    assert.deepEqual(meta, { name: "s", type: "string_check", errors: NO_ERRORS, scores: {}, token_usage: null, sampled_model_name: null });
    assert.equal(r.body.reward, 1);
    const cases: [string, string, string, number][] = [
      ["eq", "Paris", "paris", 0],
      ["ne", "Paris", "paris", 1],
      ["like", "It is Paris.", "Paris", 1],
      ["like", "It is paris.", "Paris", 0],
      ["ilike", "It is PARIS.", "paris", 1],
    ];
    for (const [op, out, ref, want] of cases) {
      const x = await run(check(op, "{{ sample.output_text }}", "{{ item.ref }}"), out, { ref });
      assert.equal(x.body.reward, want, `${op} ${out} ${ref}`);
    }
  });

  it("text_similarity: fuzzy_match is rapidfuzz ratio/100; bleu of an identical sentence is 1; rouge_1 F", async () => {
    const sim = (metric: string, out: string, ref: string) => run({ type: "text_similarity", name: "t", input: "{{sample.output_text}}", reference: "{{item.r}}", evaluation_metric: metric, pass_threshold: 0.5 }, out, { r: ref });
    assert.equal((await sim("fuzzy_match", "Jon Smith", "John Smith")).body.reward, JON);
    assert.equal((await sim("bleu", "the cat sat on the mat", "the cat sat on the mat")).body.reward, 1);
    // unigrams: 3 of 4 predicted tokens in the 3-token target: P 3/4, R 3/3 -> F 6/7
    assert.ok(Math.abs((await sim("rouge_1", "the cat sat down", "the cat sat")).body.reward - 6 / 7) < 1e-12);
    assert.equal((await sim("rouge_l", "a b c", "a b c")).body.reward, 1);
    assert.equal((await sim("gleu", "a b c d", "a b c d")).body.reward, 1);
  });

  it("multi: named graders, calculate_output, sub_rewards and scores; output_json templating", async () => {
    const grader = {
      type: "multi",
      name: "m",
      graders: {
        name: { type: "text_similarity", name: "n", input: "{{sample.output_json.name}}", reference: "{{item.name}}", evaluation_metric: "fuzzy_match" },
        email: { type: "string_check", name: "e", input: "{{sample.output_json.email}}", reference: "{{item.email}}", operation: "eq" },
      },
      calculate_output: "(name + email) / 2",
    };
    const r = await run(grader, JSON.stringify({ name: "Jon Smith", email: "j@x.io" }), { name: "John Smith", email: "j@x.io" });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.sub_rewards, { name: JON, email: 1 });
    assert.deepEqual(r.body.metadata.scores, { name: JON, email: 1 });
    assert.equal(r.body.reward, (JON + 1) / 2);
    assert.equal(r.body.metadata.type, "multi");
    // The SDKs' list form of `graders` (openai-java #647) is accepted, keyed by name.
    const asList = await run({ ...grader, graders: [{ ...grader.graders.email, name: "email" }], calculate_output: "email * 2" }, JSON.stringify({ email: "j@x.io" }), { email: "j@x.io" });
    assert.equal(asList.body.reward, 2);
  });

  it("flags a missing variable (invalid_variable_error) and a sample that is not JSON (sample_parse_error) with reward 0", async () => {
    const missing = await run(check("eq", "{{sample.output_text}}", "{{item.nope}}"), "x", { other: 1 });
    assert.equal(missing.status, 200);
    assert.equal(missing.body.reward, 0);
    assert.equal(missing.body.metadata.errors.invalid_variable_error, true);
    const notJson = await run(check("eq", "{{sample.output_json.a}}", "1"), "not json");
    assert.equal(notJson.body.metadata.errors.sample_parse_error, true);
    assert.equal(notJson.body.reward, 0);
    // The whole output_json of a sample that is not JSON is missing too, not the text "null".
    const whole = await run(check("eq", "{{sample.output_json}}", "null"), "not json");
    assert.deepEqual([whole.body.reward, whole.body.metadata.errors.sample_parse_error], [0, true]);
    // JSON nested deeper than 200 levels is not parsed (stringifying it would overflow the stack).
    const deep = await run(check("eq", "{{sample.output_json}}", "x"), "[".repeat(50_000) + "]".repeat(50_000));
    assert.equal(deep.status, 200, deep.text);
    assert.deepEqual([deep.body.reward, deep.body.metadata.errors.sample_parse_error], [0, true]);
  });

  it("python: grade(sample, item) in the sandbox; an exception scores 0 with python_grader_runtime_error", { skip: !SANDBOX.ok && `no sandbox here: ${"reason" in SANDBOX ? SANDBOX.reason : ""}` }, async () => {
    const src = 'def grade(sample, item):\n    print("noise")\n    return 1.0 if sample["output_text"].strip() == item["answer"] else 0.25\n';
    const ok = await run({ type: "python", name: "p", source: src, image_tag: "2025-05-08" }, " 42 ", { answer: "42" });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.reward, 1);
    assert.deepEqual(ok.body.metadata.errors, NO_ERRORS);
    assert.equal((await run({ type: "python", name: "p", source: src }, "41", { answer: "42" })).body.reward, 0.25);
    const boom = await run({ type: "python", name: "p", source: "def grade(sample, item):\n    return 1 / 0\n" }, "x");
    assert.equal(boom.body.reward, 0);
    assert.equal(boom.body.metadata.errors.python_grader_runtime_error, true);
    assert.match(boom.body.metadata.errors.python_grader_runtime_error_details, /ZeroDivisionError/);
    const notFloat = await run({ type: "python", name: "p", source: "def grade(sample, item):\n    return 'high'\n" }, "x");
    assert.equal(notFloat.body.metadata.errors.python_grader_runtime_error, true);
    assert.match(notFloat.body.metadata.errors.python_grader_runtime_error_details, /expected a float/);
  });

  it("validate echoes the grader; score_model validates but does not run (no model backend yet)", async () => {
    const judge = { type: "score_model", name: "j", model: "o4-mini", input: [{ role: "user", content: "Rate {{sample.output_text}}" }], range: [0, 1] };
    const v = await call(f.url, "/v1/fine_tuning/alpha/graders/validate", { grader: judge });
    assert.equal(v.status, 200);
    assert.deepEqual(v.body, { grader: judge });
    const r = await run(judge, "x");
    assert.equal(r.status, 400);
    assert.equal(r.body.error.param, "grader.type");
    assert.match(r.body.error.message, /model backend/);
  });
});

describe("GET /health and /metrics", () => {
  it("health is ok; metrics is Prometheus text with requests, latency, samples and per-reward outcomes", async () => {
    const h = await call(f.url, "/health");
    assert.equal(h.status, 200);
    assert.equal(h.body.status, "ok");
    const m = await call(f.url, "/metrics");
    assert.match(m.headers.get("content-type")!, /text\/plain; version=0\.0\.4/);
    assert.match(m.text, /^rewardsmith_http_requests_total\{route="\/v1\/score",method="POST",status="200"\} \d+$/m);
    assert.match(m.text, /^rewardsmith_http_request_duration_seconds_bucket\{route="\/v1\/score",le="\+Inf"\} \d+$/m);
    assert.match(m.text, /^rewardsmith_samples_total\{spec="gsm8k",status="invalid_input"\} [1-9]\d*$/m);
    assert.match(m.text, /^rewardsmith_reward_outcomes_total\{spec="gsm8k",reward="correct",status="ok"\} [1-9]\d*$/m);
    assert.match(m.text, /^rewardsmith_reward_cache_hits_total\{spec="gsm8k",reward="correct"\} \d+$/m);
    assert.match(m.text, /^rewardsmith_reward_seconds_total\{spec="gsm8k",reward="format"\} [\d.e-]+$/m);
    if (SANDBOX.ok) assert.match(m.text, /^rewardsmith_grader_runs_total\{type="python",outcome="python_grader_runtime_error"\} [1-9]$/m);
    assert.match(m.text, /^rewardsmith_grader_runs_total\{type="string_check",outcome="ok"\} [1-9]\d*$/m);
    assert.match(m.text, /^process_resident_memory_bytes \d+$/m);
    // Every sample line is NAME{labels} VALUE or NAME VALUE.
    for (const line of m.text.split("\n")) if (line && !line.startsWith("#")) assert.match(line, /^[a-z_]+(\{[^}]*\})? [-+\dNaInfe.]+$/, line);
  });
});
