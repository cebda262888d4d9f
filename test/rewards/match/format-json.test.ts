import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { formatTags } from "../../../src/rewards/match/format-tags.ts";
import { extractJson, jsonSchema } from "../../../src/rewards/match/json-schema.ts";
import { one, scoreOf, scoreWith } from "../../helpers.ts";

describe("format_tags", () => {
  const good = "<think>\n2+2 is 4\n</think>\n<answer>4</answer>";
  it("strict: exactly the blocks in order, each once, nothing outside", async () => {
    assert.equal(await scoreOf(formatTags, { strict: true }, good), 1);
    assert.equal(await scoreOf(formatTags, { strict: true }, "Sure! " + good), 0);
    assert.equal(await scoreOf(formatTags, { strict: true }, good + " extra"), 0);
    assert.equal(await scoreOf(formatTags, { strict: true }, good + "<answer>5</answer>"), 0);
    assert.equal(await scoreOf(formatTags, { strict: true }, "<answer>4</answer><think>x</think>"), 0);
    const o = await one(formatTags, { strict: true }, "Sure! " + good);
    assert.deepEqual(o.details?.problems, ["text outside the tags before <think>"]);
  });

  it("lenient: blocks present (in order), other text allowed; partial credit", async () => {
    assert.equal(await scoreOf(formatTags, {}, "Sure! " + good + " bye"), 1);
    assert.equal(await scoreOf(formatTags, {}, "<answer>4</answer><think>x</think>"), 0);
    assert.equal(await scoreOf(formatTags, { order: false }, "<answer>4</answer><think>x</think>"), 1);
    assert.equal(await scoreOf(formatTags, { partial: true }, "<think>x</think> 4"), 0.5);
    assert.equal(await scoreOf(formatTags, { partial: true, tags: ["a", "b", "c", "d"] }, "<a>1</a><b>2</b><d>4</d>"), 0.75);
  });

  it("empty blocks do not count unless allowed; prefilled <think>", async () => {
    assert.equal(await scoreOf(formatTags, {}, "<think> </think><answer>4</answer>"), 0);
    assert.equal(await scoreOf(formatTags, { require_nonempty: false }, "<think> </think><answer>4</answer>"), 1);
    assert.equal(await scoreOf(formatTags, { strict: true, prefix: "<think>" }, "reasoning</think><answer>4</answer>"), 1);
  });

  it("edge cases: empty, unicode, huge", async () => {
    assert.equal(await scoreOf(formatTags, {}, ""), 0);
    assert.equal(await scoreOf(formatTags, { strict: true }, "<think>思考</think><answer>答案</answer>"), 1);
    const huge = `<think>${"x".repeat(2_000_000)}</think><answer>1</answer>`;
    assert.equal(await scoreOf(formatTags, { strict: true }, huge), 1);
  });
});

describe("json_schema", () => {
  const schema = { type: "object", required: ["name", "age"], properties: { name: { type: "string" }, age: { type: "integer", minimum: 0 } } };
  it("valid JSON without a schema", async () => {
    assert.equal(await scoreOf(jsonSchema, {}, '{"a": 1}'), 1);
    assert.equal(await scoreOf(jsonSchema, {}, "{a: 1}"), 0);
    assert.equal(await scoreOf(jsonSchema, {}, "[1, 2]"), 1);
    assert.equal(await scoreOf(jsonSchema, {}, ""), 0);
  });

  it("finds JSON in a fence or inside prose (auto), or only where told", async () => {
    const fenced = 'Here you go:\n```json\n{"name": "Ada", "age": 36}\n```\nDone.';
    assert.equal(await scoreOf(jsonSchema, { schema }, fenced), 1);
    assert.equal(await scoreOf(jsonSchema, { schema }, 'Result: {"name": "Ada", "age": 36} ok'), 1);
    assert.equal(await scoreOf(jsonSchema, { schema, extract: "whole" }, fenced), 0);
    assert.deepEqual(extractJson("```\n[1]\n```", "fenced"), { value: [1] });
  });

  it("validates against the schema and lists the errors", async () => {
    const o = await one(jsonSchema, { schema }, '{"name": "Ada", "age": -1}');
    assert.equal(o.score, 0);
    assert.deepEqual(o.details?.errors, ["/age must be >= 0"]);
    const missing = await one(jsonSchema, { schema }, '{"name": 3}');
    assert.equal(missing.score, 0);
    assert.equal((missing.details?.errors as string[]).length, 2);
  });

  it("schema from the reference (per sample) or from a file", async () => {
    const [a, b] = await scoreWith(jsonSchema, { schema_from_reference: true }, [
      { completion: '{"x": 1}', reference: { type: "object", required: ["x"] } },
      { completion: '{"y": 1}', reference: { type: "object", required: ["x"] } },
    ]);
    assert.deepEqual([a!.score, b!.score], [1, 0]);
    assert.equal((await one(jsonSchema, { schema_from_reference: true }, "{}", "not a schema")).status, "invalid_input");
    const dir = mkdtempSync(join(tmpdir(), "rs-json-"));
    writeFileSync(join(dir, "s.json"), JSON.stringify({ type: "array", maxItems: 2 }));
    const [c] = await scoreWith(jsonSchema, { schema_file: "s.json" }, [{ completion: "[1,2,3]" }], dir);
    assert.equal(c!.score, 0);
  });

  it("rows whose reference schemas share an $id are each judged by their own schema", async () => {
    const schema = (required: string) => ({ $id: "http://example.com/s", type: "object", required: [required] });
    const out = await scoreWith(jsonSchema, { schema_from_reference: true }, [
      { completion: '{"a": 1}', reference: schema("a") },
      { completion: '{"b": 1}', reference: schema("b") },
      { completion: '{"b": 1}', reference: schema("a") },
    ]);
    assert.deepEqual(out.map((o) => [o.status, o.score]), [["ok", 1], ["ok", 1], ["ok", 0]]);
  });

  it("a schema_file that is missing, a directory, a device or not JSON fails at start naming the field", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rs-json-"));
    writeFileSync(join(dir, "bad.json"), "root:x:0:0");
    const start = (file: string) => Promise.resolve().then(() => jsonSchema.create(jsonSchema.params.parse({ schema_file: file }), { name: "j", baseDir: dir }));
    await assert.rejects(start("nope.json"), { message: `schema_file: no such file: ${join(dir, "nope.json")}` });
    await assert.rejects(start("."), { message: `schema_file: ${dir} is a directory, expected a file` });
    await assert.rejects(start("/dev/zero"), { message: "schema_file: /dev/zero is not a regular file" });
    await assert.rejects(start("bad.json"), /^Error: schema_file: .*bad\.json is not valid JSON: /);
  });

  it("rejects an invalid schema or two schema sources at validation", () => {
    const bad = jsonSchema.params.safeParse({ schema: { type: "nonsense" } });
    assert.equal(bad.success, false);
    assert.match(bad.error!.issues[0]!.message, /not a valid JSON Schema/);
    assert.equal(jsonSchema.params.safeParse({ schema: {}, schema_from_reference: true }).success, false);
  });

  it("unicode and huge input", async () => {
    assert.equal(await scoreOf(jsonSchema, { schema }, '{"name": "Zoë 🚀", "age": 3}'), 1);
    const big = JSON.stringify({ items: Array.from({ length: 100_000 }, (_, i) => i) });
    assert.equal(await scoreOf(jsonSchema, {}, big), 1);
  });
});
