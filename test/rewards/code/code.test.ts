/**
 * The `code` reward end to end through compile(): the three reference forms with worked
 * scores, per-test details, JavaScript, invalid references, deadlines, and the missing-sandbox
 * path. Fixtures: test/fixtures/code (HumanEval and MBPP excerpts, see its README).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, describe, test } from "node:test";
import { compile } from "../../../src/index.ts";
import type { Sample } from "../../../src/core/types.ts";
import type { Pipeline } from "../../../src/pipeline/pipeline.ts";
import { HAVE_BWRAP } from "../../sandbox/helpers.ts";

const fixture = (name: string) =>
  readFileSync(new URL(`../../fixtures/code/${name}`, import.meta.url), "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
const humaneval = fixture("humaneval.jsonl");
const mbpp = fixture("mbpp.jsonl");

const samples = (rows: Partial<Sample>[]): Sample[] => rows.map((r, i) => ({ id: String(i), prompt: "", completion: "", ...r }));
type Details = { passed: number; total: number; language: string; from: string; sandbox: string; tests: { name: string; verdict: string; time_ms: number; stderr?: string; expected?: string; got?: string }[] };

async function withPipeline<T>(params: Record<string, unknown>, f: (p: Pipeline) => Promise<T>, deadline_ms?: number): Promise<T> {
  const p = await compile({ rewards: { tests: { type: "code", ...params, ...(deadline_ms ? { deadline_ms } : {}) } }, defaults: { retries: 0 } });
  try {
    return await f(p);
  } finally {
    await p.close();
  }
}

test("a reference that is missing or malformed is invalid_input naming the field (no sandbox needed)", async () => {
  await withPipeline({}, async (p) => {
    const rs = await p.score(samples([{ completion: "print(1)" }, { completion: "print(1)", reference: { test: "def check(c): pass" } }, { completion: "x", reference: { io: [{ input: "1" }] } }]));
    assert.deepEqual(
      rs.map((r) => [r.components.tests!.status, r.components.tests!.reason]),
      [
        ["invalid_input", "reference: missing (expected {test, entry_point}, {tests: [...]} or {io: [...]})"],
        ["invalid_input", "reference.entry_point: missing (the function name passed to check)"],
        ["invalid_input", "reference.io[0].output: expected a string"],
      ],
    );
  });
});

test("without bubblewrap a Python sample is status error with the install hint, never an unsandboxed run", async () => {
  const saved = process.env.REWARDSMITH_BWRAP;
  process.env.REWARDSMITH_BWRAP = "/nonexistent/bwrap";
  try {
    await withPipeline({}, async (p) => {
      const [r] = await p.score(samples([{ completion: "```python\nprint(1)\n```", reference: { io: [{ input: "", output: "1" }] } }]));
      assert.equal(r!.components.tests!.status, "error");
      assert.equal(r!.components.tests!.score, null);
      assert.equal(r!.components.tests!.reason, "sandbox unavailable: install bubblewrap (apt-get install -y bubblewrap)");
    });
    // unsafe_no_sandbox: true is the only way to run without it.
    await withPipeline({ unsafe_no_sandbox: true }, async (p) => {
      const [r] = await p.score(samples([{ completion: "print(6 * 7)", reference: { io: [{ input: "", output: "42" }] } }]));
      assert.equal(r!.components.tests!.status, "ok");
      assert.equal(r!.components.tests!.score, 1);
      assert.equal((r!.components.tests!.details as Details).sandbox, "none");
    });
  } finally {
    if (saved === undefined) delete process.env.REWARDSMITH_BWRAP;
    else process.env.REWARDSMITH_BWRAP = saved;
  }
});

test("JavaScript (isolated-vm): HumanEval-style, MBPP-style and stdin/stdout tests", async () => {
  await withPipeline({}, async (p) => {
    const rs = await p.score(
      samples([
        {
          completion: "```js\nfunction add(a, b) {\n  return a + b;\n}\n```",
          reference: { test: "const assert = require('node:assert');\nfunction check(candidate) {\n  assert.deepEqual(candidate(1, 2), 3);\n}", entry_point: "add" },
        },
        { completion: "```javascript\nconst sq = (x) => x * x;\n```", reference: { tests: ["assert(sq(3) === 9)", "assert.strictEqual(sq(-2), 4)", "assert.strictEqual(sq(2), 5)"] } },
        { completion: "```js\nconst n = Number(readline());\nprint(n * 2);\n```", reference: { io: [{ input: "21\n", output: "42\n" }, { input: "5", output: "11" }] } },
      ]),
    );
    assert.deepEqual(
      rs.map((r) => r.components.tests!.score),
      [1, 2 / 3, 0.5],
    );
    const d = rs[1]!.components.tests!.details as Details;
    assert.equal(d.language, "javascript");
    assert.equal(d.sandbox, "isolated-vm");
    assert.deepEqual(d.tests.map((t) => t.verdict), ["pass", "pass", "fail"]);
    assert.match(d.tests[2]!.stderr!, /AssertionError: 4 === 5/);
    const io = rs[2]!.components.tests!.details as Details;
    assert.deepEqual(io.tests[1], { name: "case 2", verdict: "fail", time_ms: io.tests[1]!.time_ms, stderr: "wrong answer", expected: "11", got: "10\n" });
  });
});

describe("python code reward", { skip: !HAVE_BWRAP && "bubblewrap is not installed" }, () => {
  let p: Pipeline;
  const ready = compile({ rewards: { tests: { type: "code", timeout_ms: 3000 } }, defaults: { retries: 0 } }).then((x) => (p = x));
  after(async () => (await ready).close());
  const score = async (rows: Partial<Sample>[]) => (await (await ready).score(samples(rows))).map((r) => r.components.tests!);

  test("HumanEval fixtures: canonical bodies score 1, `return None` scores 0, a fenced whole function scores 1", async () => {
    const ref = (t: Record<string, unknown>) => ({ prompt: t.prompt, test: t.test, entry_point: t.entry_point });
    const canonical = await score(humaneval.map((t) => ({ completion: String(t.canonical_solution), reference: ref(t) })));
    assert.deepEqual(canonical.map((o) => o.score), [1, 1, 1, 1, 1]);
    const none = await score(humaneval.map((t) => ({ completion: "    return None\n", reference: ref(t) })));
    assert.deepEqual(none.map((o) => [o.status, o.score]), humaneval.map(() => ["ok", 0]));
    const d = none[0]!.details as Details;
    assert.deepEqual([d.passed, d.total, d.tests[0]!.name, d.tests[0]!.verdict], [0, 1, "check(has_close_elements)", "fail"]);
    assert.match(d.tests[0]!.stderr!, /AssertionError|TypeError/);
    // HumanEval/53 (add) answered with a whole function in a fence, after some prose.
    const add = humaneval.find((t) => t.task_id === "HumanEval/53")!;
    const [whole] = await score([{ completion: "Here it is:\n```python\ndef add(x: int, y: int):\n    return x + y\n```\nDone.", reference: ref(add) }]);
    assert.equal(whole!.score, 1);
    assert.equal((whole!.details as Details).from, "fence");
  });

  test("MBPP fixtures: reference solutions score 1 (with test_setup_code using the program's class); a wrong one gets the fraction", async () => {
    const ref = (t: Record<string, unknown>) => ({ test_list: t.test_list, test_setup_code: t.test_setup_code });
    const outs = await score(mbpp.map((t) => ({ completion: String(t.code), reference: ref(t) })));
    assert.deepEqual(outs.map((o) => o.score), [1, 1, 1, 1]);
    // Task 17: square_perimeter(a) == 4 * a; tests a = 10, 5, 4. Returning a * a passes only a = 4.
    const t17 = mbpp.find((t) => t.task_id === 17)!;
    const [wrong] = await score([{ completion: "def square_perimeter(a):\n    return a * a", reference: ref(t17) }]);
    assert.equal(wrong!.score, 1 / 3);
    const d = wrong!.details as Details;
    assert.deepEqual(d.tests.map((t) => [t.name, t.verdict]), [
      ["assert square_perimeter(10)==40", "fail"],
      ["assert square_perimeter(5)==20", "fail"],
      ["assert square_perimeter(4)==16", "pass"],
    ]);
    assert.ok(d.tests.every((t) => typeof t.time_ms === "number"));
  });

  test("stdin/stdout: 2 of 3 cases, float tolerance and all_or_nothing change the score as expected", async () => {
    const completion = "```python\nimport sys\na, b = map(float, sys.stdin.read().split())\nprint(a / b)\n```";
    const reference = { io: [{ input: "1 4", output: "0.25" }, { input: "1 3", output: "0.333333" }, { input: "  6\n 3 ", output: "2.0\n\n" }] };
    const [plain] = await score([{ completion, reference }]);
    assert.equal(plain!.score, 2 / 3);
    const d = plain!.details as Details;
    assert.deepEqual(d.tests.map((t) => t.verdict), ["pass", "fail", "pass"]);
    assert.equal(d.tests[1]!.got, "0.3333333333333333\n");
    await withPipeline({ float_tolerance: 1e-5 }, async (q) => {
      const [r] = await q.score(samples([{ completion, reference }]));
      assert.equal(r!.components.tests!.score, 1);
    });
    await withPipeline({ all_or_nothing: true }, async (q) => {
      const [r] = await q.score(samples([{ completion, reference }]));
      assert.equal(r!.components.tests!.score, 0);
      assert.equal((r!.components.tests!.details as Details).tests[2]!.stderr, "not run: an earlier case failed (all_or_nothing)");
    });
  });

  test("runtime errors, crashes and timeouts are verdicts with a stderr tail, and score 0 for those tests", async () => {
    const [r] = await score([
      {
        completion: "def f(x):\n    if x == 1:\n        raise ValueError('one')\n    if x == 2:\n        while True: pass\n    if x == 3:\n        import ctypes; ctypes.string_at(0)\n    return x",
        reference: { tests: ["assert f(1) == 1", "assert f(2) == 2", "assert f(3) == 3", "assert f(4) == 4"] },
      },
    ]);
    assert.equal(r!.score, 0.25);
    const d = r!.details as Details;
    assert.deepEqual(d.tests.map((t) => t.verdict), ["fail", "timeout", "crash", "pass"]);
    assert.match(d.tests[0]!.stderr!, /ValueError: one/);
    assert.equal(d.tests[1]!.stderr, "time limit exceeded");
    assert.equal(d.tests[2]!.stderr, "killed by SIGSEGV");
  });

  test("no code in the completion is a real 0, with the reason in details", async () => {
    const [r] = await score([{ completion: "I don't know.\n```text\nnothing\n```", reference: { tests: ["assert f() == 1"] } }]);
    assert.equal(r!.status, "ok");
    assert.equal(r!.score, 0);
    assert.equal((r!.details as Record<string, unknown>).reason, "no code found in the completion");
  });

  test("a chat completion: the last assistant message is the answer", async () => {
    const [r] = await score([
      {
        completion: [
          { role: "assistant", content: "```python\ndef f(): return 0\n```" },
          { role: "user", content: "try again" },
          { role: "assistant", content: "```python\ndef f(): return 1\n```" },
        ],
        reference: { tests: ["assert f() == 1"] },
      },
    ]);
    assert.equal(r!.score, 1);
  });

  test("the pipeline deadline aborts the run, kills it, and the reward keeps working", async () => {
    await withPipeline(
      { timeout_ms: 30_000 },
      async (q) => {
        const t = performance.now();
        const [slow] = await q.score(samples([{ completion: "import time\ntime.sleep(60)", reference: { io: [{ input: "", output: "" }] } }]));
        assert.equal(slow!.components.tests!.status, "timeout");
        assert.ok(performance.now() - t < 5000);
        const [fast] = await q.score(samples([{ completion: "print('ok')", reference: { io: [{ input: "", output: "ok" }] } }]));
        assert.equal(fast!.components.tests!.score, 1);
      },
      800,
    );
  });
});
