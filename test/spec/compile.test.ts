import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { registry } from "../../src/rewards/index.ts";
import { compileSpec, describeSpec } from "../../src/spec/compile.ts";
import { loadSpecFile, parseSpecText } from "../../src/spec/load.ts";
import { ValidationError } from "../../src/core/errors.ts";
import { compileText, issuesOf } from "./helpers.ts";

describe("spec compile", () => {
  it("a minimal spec compiles with defaults", () => {
    const s = compileText("rewards:\n  correct:\n    type: gsm8k\n");
    assert.equal(s.rewards.length, 1);
    assert.deepEqual(
      { ...s.rewards[0], params: undefined, description: undefined },
      { name: "correct", type: "gsm8k", params: undefined, weight: 1, onError: "skip", deadlineMs: 10_000, cache: true, retries: 2, runs: "worker", granularity: "sample", uses: ["completion", "reference"], description: undefined },
    );
    assert.deepEqual(s.rewards[0]!.params, { strict: false, format_score: 0, correct_score: 1 });
    assert.match(s.hash, /^[0-9a-f]{64}$/);
  });

  it("JSON specs work too and the hash ignores formatting and comments", () => {
    const a = compileText("# comment\nrewards: {correct: {type: gsm8k}}\n");
    const b = compileSpec(parseSpecText('{"rewards": {"correct": {"type": "gsm8k"}}}', "s.json"), { registry });
    assert.equal(a.hash, b.hash);
    const c = compileText("rewards: {correct: {type: gsm8k, strict: true}}\n");
    assert.notEqual(a.hash, c.hash);
  });

  it("unknown reward type names the path, the line and the known types", () => {
    const [msg] = issuesOf("rewards:\n  correct:\n    type: mth\n");
    assert.match(msg!, /^spec\.yaml:3:11: rewards\.correct\.type: unknown reward type "mth" \(known: .*gsm8k.*\)$/);
  });

  it("every problem is reported, each with its path", () => {
    const msgs = issuesOf(
      [
        "rewards:",
        "  a:",
        "    type: gsm8k",
        "    strict: maybe",
        "  b:",
        "    type: regex",
        "    pattern: '('",
        "  c:",
        "    type: exact_match",
        "    colour: red",
        "  d: {}",
        "combine:",
        "  formula: a + zz",
        "gates:",
        "  - reward: nope",
        "    below: 1",
        "bogus: 1",
      ].join("\n"),
    );
    const text = msgs.join("\n");
    assert.match(text, /bogus: unknown key "bogus"/);
    // The top-level problem stops the rest; fix it and look again.
    const msgs2 = issuesOf(
      ["rewards:", "  a:", "    type: gsm8k", "    strict: maybe", "  b:", "    type: regex", "    pattern: '('", "  c:", "    type: exact_match", "    colour: red", "  d: {}", "combine:", "  formula: a + zz", "gates:", "  - reward: nope", "    below: 1"].join("\n"),
    ).join("\n");
    assert.match(msgs2, /spec\.yaml:4:\d+: rewards\.a\.strict: /);
    assert.match(msgs2, /rewards\.b\.pattern: not a valid regular expression/);
    assert.match(msgs2, /rewards\.c\.colour: unknown key "colour"/);
    assert.match(msgs2, /rewards\.d: missing `type`/);
    assert.match(msgs2, /combine\.formula: unknown variable "zz"/);
    assert.match(msgs2, /gates\.0\.reward: unknown reward "nope"/);
  });

  it("malformed YAML gives the line", () => {
    const [msg] = issuesOf("rewards:\n  a: {type: gsm8k\n");
    assert.match(msg!, /^spec\.yaml:\d+:\d+: not valid YAML\/JSON/);
  });

  it("a spec that is not a mapping, or has no rewards", () => {
    assert.match(issuesOf("- 1\n- 2\n")[0]!, /a spec must be a mapping/);
    assert.match(issuesOf("rewards: {}\n")[0]!, /rewards: at least one reward is required/);
    assert.match(issuesOf("name: x\n")[0]!, /rewards: /);
  });

  it("a __proto__ key (a reward name or a param, YAML or JSON) is refused where it is, never silently dropped or inherited", () => {
    assert.deepEqual(issuesOf("rewards:\n  __proto__: {type: gsm8k}\n  ok: {type: gsm8k}\n"), ['spec.yaml:2:14: rewards.__proto__: "__proto__" cannot be used as a key (it is reserved in JavaScript)']);
    assert.deepEqual(issuesOf("rewards:\n  a: {type: gsm8k, __proto__: {strict: true}}\n"), ['spec.yaml:2:31: rewards.a.__proto__: "__proto__" cannot be used as a key (it is reserved in JavaScript)']);
    assert.match(issuesOf('{"rewards": {"a": {"type": "contains", "values": ["x"]}}, "combine": {"__proto__": {"formula": "a * 2"}}}')[0]!, /combine\.__proto__: "__proto__" cannot be used as a key/);
    // A parsed object handed to compile() directly.
    assert.throws(() => compileSpec(JSON.parse('{"rewards": {"__proto__": {"type": "gsm8k"}, "b": {"type": "gsm8k"}}}'), { registry }), /rewards\.__proto__: "__proto__" cannot be used/);
  });

  it("a YAML alias bomb and a structure nested too deeply are spec errors, not crashes", () => {
    const laughs = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (const [k, prev] of [["b", "a"], ["c", "b"], ["d", "c"], ["e", "d"], ["f", "e"], ["g", "f"]]) laughs.push(`${k}: &${k} [${Array(9).fill(`*${prev}`).join(",")}]`);
    laughs.push("rewards:\n  x: {type: contains, values: *g}");
    assert.deepEqual(issuesOf(laughs.join("\n") + "\n"), ["spec.yaml: not valid YAML/JSON: too many aliases (an alias bomb?): at most 100 alias expansions"]);
    assert.match(issuesOf(`rewards:\n  a: {type: contains, values: ${"[".repeat(100_000)}${"]".repeat(100_000)}}\n`)[0]!, /^spec\.yaml:2:\d+: not valid YAML\/JSON: nested too deeply$/);
  });

  it("a spec path that is a device is refused after 64 MB instead of being read until memory runs out", async () => {
    await assert.rejects(loadSpecFile("/dev/zero"), (e: Error) => e instanceof ValidationError && e.message === "/dev/zero: cannot read spec: larger than 64 MB");
  });

  it("reward names must be identifiers; weights and a formula do not mix", () => {
    assert.match(issuesOf("rewards:\n  my-reward: {type: gsm8k}\n")[0]!, /must be identifiers/);
    assert.match(issuesOf("rewards:\n  a: {type: gsm8k, weight: 2}\ncombine: {formula: a}\n")[0]!, /rewards\.a\.weight: `weight` has no effect/);
  });

  it("deadline precedence: reward > spec defaults > built-in", () => {
    const s = compileText("defaults: {deadline_ms: 500}\nrewards:\n  a: {type: gsm8k}\n  b: {type: gsm8k, deadline_ms: 50}\n");
    assert.deepEqual(s.rewards.map((r) => r.deadlineMs), [500, 50]);
  });

  it("describeSpec says what will be computed", () => {
    const s = compileText("rewards:\n  correct: {type: gsm8k, weight: 0.9}\n  fmt: {type: format_tags, weight: 0.1}\ngates:\n  - {reward: fmt, below: 1, total: -1, skip_rest: true}\n");
    const d = describeSpec(s);
    assert.match(d, /total = 0\.9 \* correct \+ 0\.1 \* fmt/);
    assert.match(d, /gate: if fmt < 1 then total = -1 and (later gates' and )?the other rewards are not computed/);
  });
});
