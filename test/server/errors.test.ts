/**
 * Bad input on every route: a 4xx whose message starts with the field it is about (and whose
 * `error.param` names it), and a server that keeps serving afterwards.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { call, rawJson, startFixture, type Fixture } from "./helpers.ts";

let f: Fixture;
let small: Fixture;
before(async () => {
  f = await startFixture();
  small = await startFixture({ maxBodyBytes: 2048, token: "s3cret" });
});
after(async () => {
  await f.close();
  await small.close();
});

type Case = [label: string, path: string, body: unknown, status: number, param: string, message: RegExp];

const GRADER = "/v1/fine_tuning/alpha/graders/run";
const VALIDATE = "/v1/fine_tuning/alpha/graders/validate";
const sc = { type: "string_check", name: "s", input: "{{sample.output_text}}", reference: "x", operation: "eq" };

const CASES: Case[] = [
  // native
  ["score: body is a list", "/v1/score", [1, 2], 400, "body", /expected a JSON object, got a list/],
  ["score: samples missing", "/v1/score", {}, 400, "samples", /missing/],
  ["score: samples not a list", "/v1/score", { samples: "abc" }, 400, "samples", /expected a list, got string/],
  ["score: spec not a string", "/v1/score", { spec: 3, samples: [] }, 400, "spec", /expected a string, got number/],
  ["score: unknown spec", "/v1/score", { spec: "nope", samples: [] }, 404, "spec", /unknown spec "nope" \(served: gsm8k, refonly, slow\)/],
  ["score: details not a boolean", "/v1/score", { samples: [], details: "yes" }, 400, "details", /expected true or false/],
  ["score: chunk_size out of range", "/v1/score", { samples: [], stream: true, chunk_size: 0 }, 400, "chunk_size", /whole number from 1/],
  // OpenRLHF
  ["get_reward: query missing", "/get_reward", { prompts: [] }, 400, "query", /missing/],
  ["get_reward: query not a list", "/get_reward", { query: "a" }, 400, "query", /expected a list, got string/],
  ["get_reward: query item not a string", "/get_reward", { query: ["a", 5] }, 400, "query[1]", /expected a string, got number/],
  ["get_reward: prompts shorter than query", "/get_reward", { query: ["a", "b"], prompts: ["a"] }, 400, "prompts", /expected 2 items \(as many as query\), got 1/],
  ["get_reward: labels longer than query", "/get_reward", { query: ["a"], prompts: ["a"], labels: ["1", "2"] }, 400, "labels", /expected 1 items \(as many as query\), got 2/],
  ["get_reward: unknown spec", "/get_reward", { query: ["a"], spec: "nope" }, 404, "spec", /unknown spec "nope"/],
  ["get_reward: null_score not a number", "/get_reward", { query: ["a"], null_score: "zero" }, 400, "null_score", /expected a finite number, got string/],
  // verl
  ["verl: data_source missing", "/verl/compute_score", { solution_str: "x" }, 400, "data_source", /missing/],
  ["verl: solution_str not a string", "/verl/compute_score", { data_source: "a", solution_str: 42 }, 400, "solution_str", /expected a string, got number/],
  ["verl: extra_info not an object", "/verl/compute_score", { data_source: "a", solution_str: "x", extra_info: "i" }, 400, "extra_info", /expected an object, got string/],
  ["verl: batch lists of different lengths", "/verl/compute_score", { data_sources: ["a", "a"], solution_strs: ["x", "y"], ground_truths: ["1"] }, 400, "ground_truths", /expected 2 items \(as many as solution_strs\), got 1/],
  ["verl: batch data_sources item not a string", "/verl/compute_score", { data_sources: ["a", null], solution_strs: ["x", "y"] }, 400, "data_sources[1]", /expected a string, got null/],
  ["verl: batch extra_infos item not an object", "/verl/compute_score", { data_sources: ["a"], solution_strs: ["x"], extra_infos: [[1]] }, 400, "extra_infos[0]", /expected an object, got a list/],
  ["verl: unknown spec", "/verl/compute_score", { data_source: "a", solution_str: "x", spec: "nope" }, 404, "spec", /unknown spec "nope"/],
  // NeMo Gym
  ["verify: responses_create_params missing", "/verify", { response: { output: [] } }, 400, "responses_create_params", /missing/],
  ["verify: response.output not a list", "/verify", { responses_create_params: { input: "q" }, response: { output: {} } }, 400, "response.output", /expected a list, got an object/],
  ["verify: input of the wrong type", "/verify", { responses_create_params: { input: 3 }, response: { output: [] } }, 400, "responses_create_params.input", /expected a string or a list of items, got number/],
  ["verify: output item not an object", "/verify", { responses_create_params: { input: "q" }, response: { output: ["x"] } }, 400, "response.output[0]", /expected an item object, got string/],
  // OpenAI graders
  ["graders: grader missing", GRADER, { model_sample: "x" }, 400, "grader", /missing/],
  ["graders: unknown grader type", GRADER, { grader: { ...sc, type: "regex_check" }, model_sample: "x" }, 400, "grader.type", /unknown grader type "regex_check" \(known: string_check, text_similarity, python, score_model, label_model, multi\)/],
  ["graders: model_sample missing", GRADER, { grader: sc }, 400, "model_sample", /missing/],
  ["graders: model_sample not a string", GRADER, { grader: sc, model_sample: { a: 1 } }, 400, "model_sample", /expected a string, got an object/],
  ["graders: item not an object", GRADER, { grader: sc, model_sample: "x", item: "i" }, 400, "item", /expected an object, got string/],
  ["graders: unknown body parameter", GRADER, { grader: sc, model_sample: "x", temperature: 1 }, 400, "temperature", /unknown parameter/],
  ["graders: bad operation", GRADER, { grader: { ...sc, operation: "contains" }, model_sample: "x" }, 400, "grader.operation", /"contains" is not one of eq, ne, like, ilike/],
  ["graders: unknown template namespace", GRADER, { grader: { ...sc, input: "{{ model.output }}" }, model_sample: "x" }, 400, "grader.input", /unknown namespace "model" \(only item and sample exist\)/],
  ["graders: unknown grader parameter", GRADER, { grader: { ...sc, weight: 2 }, model_sample: "x" }, 400, "grader.weight", /unknown parameter for a string_check grader/],
  ["graders: formula syntax error", GRADER, { grader: { type: "multi", name: "m", graders: { a: sc }, calculate_output: "(a + " }, model_sample: "x" }, 400, "grader.calculate_output", /at column 6/],
  ["graders: formula names an unknown grader", GRADER, { grader: { type: "multi", name: "m", graders: { a: sc }, calculate_output: "a + b" }, model_sample: "x" }, 400, "grader.calculate_output", /unknown variable "b" \(known: a\)/],
  ["graders: multi inside multi", GRADER, { grader: { type: "multi", name: "m", graders: { a: { type: "multi", name: "n", graders: { b: sc }, calculate_output: "b" } }, calculate_output: "a" }, model_sample: "x" }, 400, "grader.graders.a.type", /cannot contain another multi/],
  ["graders: sub-grader field", GRADER, { grader: { type: "multi", name: "m", graders: { a: { ...sc, reference: 5 } }, calculate_output: "a" }, model_sample: "x" }, 400, "grader.graders.a.reference", /expected a string, got number/],
  ["graders: python without grade()", GRADER, { grader: { type: "python", name: "p", source: "def score(s, i):\n  return 1\n" }, model_sample: "x" }, 400, "grader.source", /defines no function grade/],
  ["graders: cosine needs a model", GRADER, { grader: { type: "text_similarity", name: "t", input: "a", reference: "b", evaluation_metric: "cosine" }, model_sample: "x" }, 400, "grader.evaluation_metric", /embedding model/],
  ["graders: label_model does not run", GRADER, { grader: { type: "label_model", name: "l", model: "m", input: [{ role: "user", content: "x" }], labels: ["a", "b"], passing_labels: ["a"] }, model_sample: "x" }, 400, "grader.type", /model backend/],
  ["validate: bad passing label", VALIDATE, { grader: { type: "label_model", name: "l", model: "m", input: [{ role: "user", content: "x" }], labels: ["a"], passing_labels: ["z"] } }, 400, "grader.passing_labels", /"z" is not one of labels/],
  ["validate: unknown body parameter", VALIDATE, { grader: sc, model_sample: "x" }, 400, "model_sample", /unknown parameter \(known: grader\)/],
  ["validate: grader not an object", VALIDATE, { grader: [sc] }, 400, "grader", /expected a grader object, got a list/],
];

describe("bad requests get a 4xx naming the field", () => {
  for (const [label, path, body, status, param, message] of CASES) {
    it(label, async () => {
      const r = await call(f.url, path, body);
      assert.equal(r.status, status, r.text);
      assert.equal(r.body.error.param, param);
      assert.ok(r.body.error.message.startsWith(param), `message "${r.body.error.message}" starts with "${param}"`);
      assert.match(r.body.error.message, message);
      assert.equal(r.body.error.type, status === 404 || status === 400 ? "invalid_request_error" : r.body.error.type);
    });
  }

  for (const path of ["/v1/score", "/get_reward", "/verl/compute_score", "/verify", GRADER, VALIDATE]) {
    it(`${path}: malformed JSON says where it broke`, async () => {
      const r = await rawJson(f.url, path, '{"samples": [1, 2');
      assert.equal(r.status, 400);
      assert.equal(r.body.error.param, "body");
      assert.match(r.body.error.message, /^body: not valid JSON: .*(position|end of JSON)/);
    });
    it(`${path}: a body that is not JSON at all is a 415`, async () => {
      const r = await call(f.url, path, "a=1", { "content-type": "application/x-www-form-urlencoded" });
      assert.equal(r.status, 415);
      assert.equal(r.body.error.param, "content-type");
    });
    it(`${path}: JSON sent as text/plain is a 415 saying what to send`, async () => {
      const r = await call(f.url, path, "{}", { "content-type": "text/plain" });
      assert.equal(r.status, 415);
      assert.equal(r.body.error.param, "content-type");
      assert.match(r.body.error.message, /send application\/json/);
    });
    it(`${path}: a "__proto__" key is a 400 naming where it is`, async () => {
      const r = await rawJson(f.url, path, '{"a": [{"b": 1}, {"c": {"__proto__": {"x": 1}}}]}');
      assert.equal(r.status, 400);
      assert.equal(r.body.error.param, "a[1].c.__proto__");
      assert.equal(r.body.error.message, 'a[1].c.__proto__: the key "__proto__" is not allowed');
    });
    it(`${path}: a body over the limit is a 413`, async () => {
      const r = await call(small.url, path, { pad: "x".repeat(4096) }, { authorization: "Bearer s3cret" });
      assert.equal(r.status, 413);
      assert.equal(r.body.error.param, "body");
      assert.match(r.body.error.message, /larger than the server's limit/);
    });
    it(`${path}: a missing or wrong token is a 401; the right one passes`, async () => {
      const none = await call(small.url, path, {});
      assert.equal(none.status, 401);
      assert.equal(none.body.error.param, "authorization");
      assert.match(none.body.error.message, /missing token/);
      assert.match(none.headers.get("www-authenticate")!, /^Bearer/);
      const wrong = await call(small.url, path, {}, { authorization: "Bearer nope" });
      assert.equal(wrong.status, 401);
      assert.match(wrong.body.error.message, /wrong token/);
      const right = await call(small.url, path, {}, { authorization: "Bearer s3cret" });
      assert.equal(right.status, 400, right.text);
      const query = await call(small.url, `${path}?token=s3cret`, {});
      assert.equal(query.status, 400, "?token= is accepted for clients that cannot set headers (OpenRLHF)");
    });
  }

  it("a one-sample body nested 50,000 deep (graders, /verify) is a 400 naming the field, not a stack overflow", async () => {
    // Built as text: the test's own JSON.stringify would overflow on such an object.
    const deep = '{"a":'.repeat(50_000) + "1" + "}".repeat(50_000);
    const scJson = JSON.stringify(sc);
    const cases: [string, string, string][] = [
      [GRADER, `{"grader": ${scJson}, "model_sample": "x", "item": ${deep}}`, "item"],
      [GRADER, `{"grader": ${scJson.slice(0, -1)}, "extra": ${deep}}, "model_sample": "x"}`, "grader"],
      [VALIDATE, `{"grader": ${scJson.slice(0, -1)}, "extra": ${deep}}}`, "grader"],
      ["/verify", `{"responses_create_params": {"input": "q"}, "response": {"output": []}, "ground_truth": ${deep}}`, "ground_truth"],
    ];
    for (const [path, text, param] of cases) {
      const r = await rawJson(f.url, path, text);
      assert.equal(r.status, 400, `${path} ${param}: ${r.text}`);
      assert.equal(r.body.error.param, param);
      assert.match(r.body.error.message, new RegExp(`^${param}: nested more than 200 levels deep \\(at ${param}\\.`));
    }
  });

  it("GET routes need the token too, except /health", async () => {
    assert.equal((await call(small.url, "/v1/specs")).status, 401);
    assert.equal((await call(small.url, "/metrics")).status, 401);
    assert.equal((await call(small.url, "/health")).status, 200);
  });

  it("an unknown route is a 404 that lists the routes", async () => {
    const r = await call(f.url, "/score", { samples: [] });
    assert.equal(r.status, 404);
    assert.match(r.body.error.message, /POST \/v1\/score/);
  });

  it("X-Deadline-Ms must be a positive number", async () => {
    const r = await call(f.url, "/v1/score", { samples: [] }, { "x-deadline-ms": "soon" });
    assert.equal(r.status, 400);
    assert.equal(r.body.error.param, "x-deadline-ms");
  });

  it("the server keeps serving after all of that", async () => {
    assert.equal((await call(f.url, "/health")).status, 200);
    const r = await call(f.url, "/v1/score", { samples: [{ id: "a", completion: "#### 4", reference: "#### 4" }] });
    assert.equal(r.status, 200);
    assert.equal(r.body.results[0].score, 1.5);
    const m = await call(f.url, "/metrics");
    assert.match(m.text, /^rewardsmith_http_requests_total\{route="\/get_reward",method="POST",status="400"\} [1-9]\d*$/m);
  });
});
