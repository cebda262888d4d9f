import assert from "node:assert/strict";
import { test } from "node:test";
import { extractCode, fencedBlocks } from "../../../src/rewards/code/extract.ts";
import { normalizeOutput, sameOutput } from "../../../src/rewards/code/compare.ts";
import { assembleProgram, parseReference } from "../../../src/rewards/code/reference.ts";

test("fenced blocks: tags, unterminated last block, fence after text on the same line", () => {
  const text = "Plan:\n```python\ndef f(): return 1\n```\nthen ```py\nx = 2\n```\n```\nplain\n```\n```js\nlet y = 3\n";
  assert.deepEqual(
    fencedBlocks(text).map((b) => [b.tag, b.language, b.code]),
    [
      ["python", "python", "def f(): return 1\n"],
      ["py", "python", "x = 2\n"],
      ["", undefined, "plain\n"],
      ["js", "javascript", "let y = 3\n"],
    ],
  );
});

test("extraction picks the last block of the wanted language by default", () => {
  const text = "```python\nfirst = 1\n```\nSome words.\n```python\nsecond = 2\n```\n```output\n2\n```";
  assert.deepEqual(extractCode(text, "auto", "python", "last"), { code: "second = 2\n", language: "python", from: "fence", blocks: 3 });
  assert.equal(extractCode(text, "auto", "python", "first")!.code, "first = 1\n");
  assert.equal(extractCode(text, "auto", "python", "all")!.code, "first = 1\n\n\nsecond = 2\n");
  assert.equal(extractCode("```python\na=1\n```\n```python\nlonger = 22\n```\n```py\nb=2\n```", "python", "python", "longest")!.code, "longer = 22\n");
});

test("auto language comes from the tag; untagged blocks and bare text use the default", () => {
  assert.equal(extractCode("```js\nconsole.log(1)\n```", "auto", "python", "last")!.language, "javascript");
  assert.equal(extractCode("```\nprint(1)\n```", "auto", "python", "last")!.language, "python");
  assert.deepEqual(extractCode("def f():\n    return 1\n", "auto", "python", "last"), { code: "def f():\n    return 1\n", language: "python", from: "text", blocks: 0 });
  // Asked for Python, only a JS block: no program.
  assert.equal(extractCode("```js\nlet x\n```", "python", "python", "last"), undefined);
  assert.equal(extractCode("```bash\nls\n```", "auto", "python", "last"), undefined);
  assert.equal(extractCode("   ", "auto", "python", "last"), undefined);
});

test("references: the three forms, MBPP's own field names, JSON strings, and reasons that name the field", () => {
  assert.deepEqual(parseReference({ test: "def check(c):\n    assert c(1) == 2", entry_point: "inc" }, "python"), {
    kind: "humaneval",
    tests: ["def check(c):\n    assert c(1) == 2\ncheck(inc)\n"],
    names: ["check(inc)"],
    entryPoint: "inc",
  });
  assert.deepEqual(parseReference(JSON.stringify({ test_list: ["assert f(1) == 1"], test_setup_code: "x = 1" }), "python"), {
    kind: "mbpp",
    tests: ["assert f(1) == 1"],
    names: ["assert f(1) == 1"],
    setup: "x = 1",
  });
  assert.deepEqual(parseReference({ io: [{ input: "1 2", output: "3" }] }, "python"), { kind: "io", cases: [{ input: "1 2", output: "3" }] });
  assert.deepEqual(parseReference({ input_output: JSON.stringify({ inputs: ["5\n"], outputs: ["25\n"] }) }, "python"), { kind: "io", cases: [{ input: "5\n", output: "25\n" }] });
  assert.equal(parseReference(undefined, "python"), "reference: missing (expected {test, entry_point}, {tests: [...]} or {io: [...]})");
  assert.equal(parseReference({ test: "def check(c): pass" }, "python"), "reference.entry_point: missing (the function name passed to check)");
  assert.equal(parseReference({ test: "x", entry_point: "a b" }, "python"), "reference.entry_point: expected a function name");
  assert.equal(parseReference({ tests: [] }, "python"), "reference.tests: expected a non-empty list of test statements");
  assert.equal(parseReference({ tests: ["ok", 3] }, "python"), "reference.tests[1]: expected a test statement (a string)");
  assert.equal(parseReference({ io: [{ input: "1" }] }, "python"), "reference.io[0].output: expected a string");
  assert.equal(parseReference({ inputs: ["1"], outputs: [] }, "python"), "reference.inputs/outputs: expected two non-empty lists of the same length");
  assert.equal(parseReference("not json", "python"), "reference: a string that is not JSON (expected {test, entry_point}, {tests: [...]} or {io: [...]})");
  assert.equal(parseReference({ fn_name: "f", inputs: [[1]], outputs: [2] }, "python"), "reference.fn_name: call-based (fn_name) tests are not supported; use {tests: [...]} asserts");
  assert.equal(parseReference({ foo: 1 }, "python"), "reference: expected {test, entry_point} (HumanEval), {tests: [...]} (MBPP) or {io: [{input, output}]}");
});

test("HumanEval programs: a body gets the prompt, a whole function still gets it, an echoed prompt does not", () => {
  const plan = { kind: "humaneval" as const, tests: [], names: [], entryPoint: "f", prompt: "import math\ndef f(x):\n    \"\"\"doc\"\"\"\n" };
  assert.equal(assembleProgram(plan, "    return x\n", "python"), 'import math\ndef f(x):\n    """doc"""\n    return x\n');
  assert.equal(assembleProgram(plan, "def f(x):\n    return x\n", "python"), 'import math\ndef f(x):\n    """doc"""\n\ndef f(x):\n    return x\n');
  assert.equal(assembleProgram(plan, `${plan.prompt}    return x\n`, "python"), `${plan.prompt}    return x\n`);
  const jsPlan = { kind: "humaneval" as const, tests: [], names: [], entryPoint: "f", prompt: "function f(x) {\n" };
  assert.equal(assembleProgram(jsPlan, "  return x;\n}\n", "javascript"), "function f(x) {\n  return x;\n}\n");
  assert.equal(assembleProgram(jsPlan, "function f(x) { return x; }", "javascript"), "function f(x) { return x; }");
  assert.equal(assembleProgram(jsPlan, "const f = (x) => x;", "javascript"), "const f = (x) => x;");
  assert.equal(assembleProgram({ kind: "mbpp", tests: [], names: [], setup: "t = T()", imports: "import re" }, "class T: pass", "python"), "import re\nclass T: pass\nt = T()\n");
});

test("stdout comparison: whitespace normalization and float tolerance", () => {
  assert.deepEqual(normalizeOutput("\n  1   2 \r\n3\t4\n\n"), ["1 2", "3 4"]);
  assert.equal(sameOutput("1 2\n3 4\n", "1  2\r\n3 4", null), true);
  assert.equal(sameOutput("1 2\n3 4", "1 2 3 4", null), false);
  assert.equal(sameOutput("0.3333333", "0.333333333", null), false);
  // |0.3333333 - 0.333333333| = 3.3e-8 <= 1e-6 * max(1, 0.33)
  assert.equal(sameOutput("0.3333333", "0.333333333", 1e-6), true);
  // Relative for large values: |1000000.5 - 1000000| = 0.5 <= 1e-6 * 1e6 = 1
  assert.equal(sameOutput("1000000.5", "1000000", 1e-6), true);
  assert.equal(sameOutput("1000002", "1000000", 1e-6), false);
  assert.equal(sameOutput("abc 1.0", "abd 1.0", 1e-6), false);
  assert.equal(sameOutput("inf nan", "Infinity NaN", 1e-6), true);
});
