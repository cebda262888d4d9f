/** JavaScript in isolated-vm: normal programs, limits, and hostile ones (escape attempts, prototype pollution). */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { JsSandbox, stripAssertRequire } from "../../src/sandbox/js.ts";

const js = new JsSandbox({ limits: { wallMs: 2000, memoryMb: 32 } });

describe("js sandbox", () => {
  test("runs a program with stdin and captures console output", async () => {
    const r = await js.run({ code: "const [a, b] = readline().split(' ').map(Number);\nconsole.log(a + b);\nprint('rest:', readline(), readline());\nconsole.error('warn')", stdin: "2 3\nx\n" });
    assert.equal(r.stdout, "5\nrest: x null\n");
    assert.equal(r.stderr, "warn\n");
    assert.equal(r.exitCode, 0);
  });

  test("formats values roughly as console.log does", async () => {
    const r = await js.run({ code: "console.log([1, 'a', [2]], {x: 1}, null, undefined, 1.5, true)" });
    assert.equal(r.stdout, `[ 1, "a", [ 2 ] ] { x: 1 } null undefined 1.5 true\n`);
  });

  test("an exception is a failed run with its message", async () => {
    const r = await js.run({ code: "throw new TypeError('nope')" });
    assert.equal(r.exitCode, 1);
    assert.match(r.reason!, /TypeError: nope/);
  });

  test("tests: verdicts per test with assert, and a MultiPL-E style require line is accepted", async () => {
    const test = stripAssertRequire("const assert = require('node:assert');\nfunction test() {\n  assert.deepEqual(add(1, 2), 3);\n}\ntest();");
    const r = await js.runTests({
      code: "function add(a, b) { return a + b; }",
      tests: [test, "assert.strictEqual(add(2, 2), 5)", "assert.deepStrictEqual([add(1, 1)], [2])", "while (true) {}", "assert(add(0, 0) === 0)"],
      limits: { testMs: 200 },
    });
    assert.deepEqual(r.tests.map((t) => t.verdict), ["pass", "fail", "pass", "timeout", "pass"]);
    assert.match(r.tests[1]!.message!, /AssertionError: 4 === 5/);
  });

  test("tests: a program that fails to load fails every test", async () => {
    const r = await js.runTests({ code: "function (", tests: ["assert(true)", "assert(true)"] });
    assert.deepEqual(r.tests.map((t) => t.verdict), ["error", "error"]);
    assert.match(r.tests[0]!.message!, /SyntaxError/);
  });

  test("infinite loop: killed at the deadline", async () => {
    const t = performance.now();
    const r = await js.run({ code: "for (;;) {}", limits: { wallMs: 200 } });
    assert.equal(r.timedOut, true);
    assert.ok(performance.now() - t < 1500);
  });

  test("memory bomb: the isolate is disposed, the host is fine", async () => {
    const r = await js.run({ code: "const a = []; for (;;) a.push(new Array(1e6).fill(7));", limits: { wallMs: 5000 } });
    assert.equal(r.exitCode, null);
    assert.match(r.reason!, /memory limit/);
    assert.equal((await js.run({ code: "print(1 + 1)" })).stdout, "2\n");
  });

  test("huge output is capped and flagged", async () => {
    const r = await js.run({ code: "for (let i = 0; i < 1e5; i++) console.log('x'.repeat(100))", limits: { outputBytes: 500 } });
    assert.equal(r.stdout.length, 500);
    assert.equal(r.stdoutTruncated, true);
  });

  test("no require, process, host globals or dynamic import", async () => {
    const r = await js.run({
      code: [
        "print(typeof require, typeof process, typeof module, typeof Buffer, typeof setTimeout, typeof fetch, typeof globalThis.global)",
        "const F = this.constructor.constructor; print(F('return typeof process')(), F('return typeof require')())",
        "try { print(typeof ({}).constructor.constructor('return process')()) } catch (e) { print('threw') }",
        "print(typeof Function('return this')().process)",
        "import('fs').then(() => print('IMPORTED'), (e) => print('import failed'))",
      ].join("\n"),
    });
    assert.equal(r.stdout.split("\n")[0], "undefined undefined undefined undefined undefined undefined undefined");
    assert.equal(r.stdout.split("\n")[1], "undefined undefined");
    assert.doesNotMatch(r.stdout, /IMPORTED|object|function/);
  });

  test("escape attempts through stack traces, prepareStackTrace and the output hook", async () => {
    const r = await js.run({
      code: [
        "Error.prepareStackTrace = (e, frames) => frames.map((f) => typeof f.getThis()).join(',');",
        "try { null.x } catch (e) { print('stack', typeof e.stack) }",
        "__rewardsmith_output__ = () => '{\"stdout\":\"FORGED\"}';",
        "globalThis.console = { log() {} };",
        "assert.ok = () => {};",
        "print('after', console.log === print, String(assert.ok).includes('falsy'))",
      ].join("\n"),
    });
    assert.equal(r.stdout, "stack string\nafter true true\n");
    assert.doesNotMatch(r.stdout, /FORGED/);
  });

  test("prototype pollution stays in its isolate: the next run and the host are clean", async () => {
    const r = await js.run({
      code: "Object.prototype.polluted = 'yes'; Array.prototype.map = () => 'hacked'; JSON.stringify = () => 'x'; print('done', ({}).polluted)",
    });
    assert.equal(r.stdout, "done yes\n");
    const next = await js.run({ code: "print(({}).polluted, [1, 2].map((x) => x * 2))" });
    assert.equal(next.stdout, "undefined [ 2, 4 ]\n");
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(JSON.stringify([1]), "[1]");
  });

  test("pollution cannot make a failing test pass", async () => {
    const r = await js.runTests({
      code: [
        "function f() { return 1; }",
        "Object.is = () => true; Object.keys = () => []; Array.isArray = () => false;",
        "Object.prototype.hasOwnProperty = () => true; Function.prototype.call = function () { return true; };",
        "try { assert.deepStrictEqual = () => {}; } catch (e) {}",
      ].join("\n"),
      tests: ["assert.strictEqual(f(), 2)", "assert.deepStrictEqual([f()], [2])", "assert.deepEqual({a: f()}, {a: 2})"],
    });
    assert.deepEqual(r.tests.map((t) => t.verdict), ["fail", "fail", "fail"]);
  });

  test("the abort signal disposes the isolate", async () => {
    const ctrl = new AbortController();
    setTimeout(() => ctrl.abort(new Error("stop")), 100);
    await assert.rejects(js.run({ code: "for (;;) {}", limits: { wallMs: 5000 } }, { signal: ctrl.signal }), /stop/);
    assert.equal((await js.run({ code: "print('ok')" })).stdout, "ok\n");
  });
});
