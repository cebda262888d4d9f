/** The pure parts: protocol adapters, grader templating and schema, metrics text, idempotency store. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { responseFromQuery, stripEndTokens, suffixPrefixOverlap } from "../../src/server/adapters/openrlhf.ts";
import { verifyToSample } from "../../src/server/adapters/nemo.ts";
import { HttpError } from "../../src/server/errors.ts";
import { parseGrader } from "../../src/server/graders/schema.ts";
import { parseTemplate, renderTemplate, sampleNamespace } from "../../src/server/graders/template.ts";
import { IdempotencyStore } from "../../src/server/idempotency.ts";
import { MetricsRegistry } from "../../src/server/metrics.ts";

describe("OpenRLHF: the response from the query", () => {
  const chatml = "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\n2+2?<|im_end|>\n<|im_start|>assistant\n";
  it("strips the prompt when the query starts with it, and the trailing end-of-turn tokens", () => {
    assert.deepEqual(responseFromQuery(chatml + "It is 4.<|im_end|>", chatml), { response: "It is 4.", how: "prefix" });
    assert.deepEqual(responseFromQuery(chatml + "4<|im_end|>\n<|endoftext|>", chatml), { response: "4", how: "prefix" });
  });
  it("finds the prompt after a BOS the decoder added", () => {
    const llama = "<|start_header_id|>user<|end_header_id|>\n\n2+2?<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n";
    assert.deepEqual(responseFromQuery("<|begin_of_text|>" + llama + "4<|eot_id|>", llama), { response: "4", how: "contains" });
  });
  it("handles a prompt cut on the left (OpenRLHF truncates long prompts)", () => {
    const prompt = "A long preamble that gets truncated. " + "Question: what is two plus two? Answer:";
    const query = prompt.slice(20) + " 4</s>";
    assert.deepEqual(responseFromQuery(query, prompt), { response: " 4", how: "overlap" });
  });
  it("falls back to the last assistant marker of a known template", () => {
    const r = responseFromQuery("<|im_start|>user\nQ<|im_end|>\n<|im_start|>assistant\nA1<|im_end|>\n<|im_start|>user\nQ2<|im_end|>\n<|im_start|>assistant\nA2<|im_end|>", "a different rendering");
    assert.deepEqual(r, { response: "A2", how: "marker" });
    assert.deepEqual(responseFromQuery("<s>[INST] Q [/INST] A</s>", undefined), { response: " A", how: "marker" });
  });
  it("an empty prompt means the whole query is the response; no prompt and no marker is a problem", () => {
    assert.deepEqual(responseFromQuery("#### 4", ""), { response: "#### 4", how: "prefix" });
    assert.ok("problem" in responseFromQuery("just text", "other"));
  });
  it("keeps the response's own trailing whitespace when there is no end token", () => {
    assert.equal(stripEndTokens("answer \n"), "answer \n");
    assert.equal(stripEndTokens("answer<|im_end|>\n<|im_end|>"), "answer");
  });
  it("overlap is the longest suffix of a that prefixes b", () => {
    assert.equal(suffixPrefixOverlap("abcabc", "abcx"), 3);
    assert.equal(suffixPrefixOverlap("hello", "world"), 0);
    assert.equal(suffixPrefixOverlap("aaaa", "aaaaaa"), 4);
  });
});

describe("NeMo Gym: /verify body -> sample", () => {
  it("turns Responses items into messages: text, tool calls, tool outputs; reasoning dropped", () => {
    const s = verifyToSample(
      {
        responses_create_params: { instructions: "sys", input: [{ role: "user", content: [{ type: "input_text", text: "weather?" }] }] },
        response: {
          id: "r",
          output: [
            { type: "reasoning", summary: [] },
            { type: "function_call", call_id: "c1", name: "get_weather", arguments: '{"city":"SF"}' },
            { type: "function_call_output", call_id: "c1", output: "sunny" },
            { type: "message", role: "assistant", content: [{ type: "output_text", text: "It is sunny." }] },
          ],
        },
        ground_truth: "sunny",
        extra: 1,
      },
      undefined,
    );
    assert.deepEqual(s.prompt, [
      { role: "system", content: "sys" },
      { role: "user", content: "weather?" },
    ]);
    assert.deepEqual(s.completion, [
      { role: "assistant", content: null, tool_calls: [{ id: "c1", type: "function", function: { name: "get_weather", arguments: '{"city":"SF"}' } }] },
      { role: "tool", tool_call_id: "c1", content: "sunny" },
      { role: "assistant", content: "It is sunny." },
    ]);
    assert.equal(s.reference, "sunny");
    assert.deepEqual(s.meta, { ground_truth: "sunny", extra: 1 });
    assert.equal(s.id, "r");
  });
  it("a single assistant message is a string completion; the spec's input.reference path wins", () => {
    const s = verifyToSample({ responses_create_params: { input: "q" }, response: { output: [{ type: "message", role: "assistant", content: [{ type: "output_text", text: "x" }] }] }, task: { gold: "y" }, expected_answer: "z" }, "task.gold");
    assert.equal(s.completion, "x");
    assert.equal(s.reference, "y");
  });
});

describe("grader templates", () => {
  const ns = { item: { reference_answer: "Paris", list: [{ k: "v" }], "key with space": 1 }, sample: sampleNamespace('{"name": "Ann", "tags": ["a"]}').sample };
  it("renders item and sample paths with dots, indexes and quoted keys; non-strings as JSON", () => {
    const t = parseTemplate('{{item.reference_answer}}|{{ sample.output_json.name }}|{{item.list[0].k}}|{{item["key with space"]}}|{{sample.output_json.tags}}|{{sample.output_tools}}');
    assert.deepEqual(renderTemplate(t, ns), { text: 'Paris|Ann|v|1|["a"]|[]', missing: [], usesOutputJson: true });
  });
  it("lists missing variables; leaves text without placeholders alone", () => {
    assert.deepEqual(renderTemplate(parseTemplate("a {{item.nope}} b"), ns).missing, ["item.nope"]);
    assert.equal(renderTemplate(parseTemplate("no {braces} here }}"), ns).text, "no {braces} here }}");
  });
  it("rejects other namespaces and bare namespaces", () => {
    assert.throws(() => parseTemplate("{{ model.x }}"), /unknown namespace "model"/);
    assert.throws(() => parseTemplate("{{ item }}"), /name a variable/);
  });
  it("output_json is null when the sample is not JSON", () => {
    const s = sampleNamespace("plain");
    assert.equal(s.sample.output_json, null);
    assert.ok(s.jsonError);
  });
});

describe("grader schema", () => {
  it("parses the three forms of a multi grader's graders", () => {
    const sc = { type: "string_check", name: "a", input: "x", reference: "y", operation: "eq" };
    for (const graders of [{ a: sc }, [sc], sc]) {
      const g = parseGrader({ type: "multi", name: "m", graders, calculate_output: "a * 2" });
      assert.equal(g.type, "multi");
      if (g.type === "multi") assert.deepEqual(Object.keys(g.graders), ["a"]);
    }
  });
  it("names the parameter of every error", () => {
    const err = (x: unknown) => {
      try {
        parseGrader(x);
      } catch (e) {
        return (e as HttpError).param;
      }
      return undefined;
    };
    assert.equal(err({ type: "python", name: "p", source: "x".repeat(300_000) + "def grade(s, i): pass" }), "grader.source");
    assert.equal(err({ type: "score_model", name: "j", model: "m", input: [{ role: "robot", content: "x" }] }), "grader.input[0].role");
    assert.equal(err({ type: "score_model", name: "j", model: "m", input: [], range: [1, 0] }), "grader.range");
    assert.equal(err({ type: "multi", name: "m", graders: { "a-b": { type: "string_check", name: "a", input: "x", reference: "y", operation: "eq" } }, calculate_output: "1" }), "grader.graders.a-b");
    assert.equal(err({ type: "string_check", input: "x", reference: "y", operation: "eq" }), "grader.name");
  });
});

describe("metrics text", () => {
  it("renders counters, histograms and collected families in the exposition format", () => {
    const reg = new MetricsRegistry();
    const c = reg.counter("x_total", "X.", ["a"]);
    c.inc(['q"uote\\'], 2);
    const h = reg.histogram("y_seconds", "Y.", ["r"], [0.1, 1]);
    h.observe(["/p"], 0.05);
    h.observe(["/p"], 0.5);
    h.observe(["/p"], 5);
    reg.collect(() => [{ name: "z", help: "Z.", type: "gauge", samples: [{ value: 3 }, { labels: { k: "v" }, value: Infinity }] }]);
    assert.equal(
      reg.render(),
      [
        "# HELP x_total X.",
        "# TYPE x_total counter",
        'x_total{a="q\\"uote\\\\"} 2',
        "# HELP y_seconds Y.",
        "# TYPE y_seconds histogram",
        'y_seconds_bucket{r="/p",le="0.1"} 1',
        'y_seconds_bucket{r="/p",le="1"} 2',
        'y_seconds_bucket{r="/p",le="+Inf"} 3',
        'y_seconds_sum{r="/p"} 5.55',
        'y_seconds_count{r="/p"} 3',
        "# HELP z Z.",
        "# TYPE z gauge",
        "z 3",
        'z{k="v"} +Inf',
        "",
      ].join("\n"),
    );
  });
});

describe("idempotency store", () => {
  it("runs the work once per key, forgets failures, and refuses a key reused with another body", async () => {
    const st = new IdempotencyStore();
    let n = 0;
    const work = async () => ++n;
    const a = st.run("k", { x: 1 }, 1, work);
    const b = st.run("k", { x: 1 }, 1, work);
    assert.equal(a.replayed, false);
    assert.equal(b.replayed, true);
    assert.equal(await b.promise, 1);
    assert.throws(() => st.run("k", { x: 2 }, 1, work), (e: unknown) => (e as HttpError).status === 422);
    const failing = st.run("f", {}, 1, async () => {
      throw new Error("boom");
    });
    await assert.rejects(failing.promise);
    await new Promise((r) => setImmediate(r));
    const again = st.run("f", {}, 1, work);
    assert.equal(again.replayed, false, "a failure is not stored");
    assert.equal(await again.promise, 2);
  });
  it("evicts finished entries beyond its bounds", async () => {
    const st = new IdempotencyStore({ maxEntries: 2 });
    for (const k of ["a", "b", "c"]) await st.run(k, {}, 1, async () => k).promise;
    await new Promise((r) => setImmediate(r));
    st.run("d", {}, 1, async () => "d");
    assert.ok(st.size <= 3);
    assert.equal(st.run("a", {}, 1, async () => "a2").replayed, false, "the oldest is gone");
  });
});
