import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { PythonSandbox, MISSING_BWRAP } from "../../src/sandbox/python.ts";
import { SandboxUnavailableError } from "../../src/sandbox/types.ts";
import { HAVE_BWRAP, settleStray } from "./helpers.ts";

test("without bubblewrap the pool refuses with the install hint, and never runs unsandboxed", async () => {
  const py = new PythonSandbox({ bwrap: "/nonexistent/bwrap" });
  assert.deepEqual(py.check(), { ok: false, reason: MISSING_BWRAP });
  assert.match(MISSING_BWRAP, /^sandbox unavailable: install bubblewrap/);
  await assert.rejects(py.run({ code: "print(1)" }), (e: Error) => e instanceof SandboxUnavailableError && e.message === MISSING_BWRAP);
  assert.equal(py.info().isolation, "none");
  await py.close();
});

describe("python sandbox", { skip: !HAVE_BWRAP && "bubblewrap is not installed" }, () => {
  // One sandbox, so consecutive jobs are guaranteed to share it (the no-leak tests rely on that).
  const py = new PythonSandbox({ size: 1, limits: { wallMs: 3000 } });
  const uids = new Set<number>();
  after(() => py.close());

  test("reports its isolation", () => {
    const info = py.info();
    assert.equal(info.isolation, "bubblewrap");
    assert.equal(info.seccomp, process.arch === "x64");
  });

  test("runs a program with stdin and returns its output, exit code and times", async () => {
    const r = await py.run({ code: "import sys\nname = input()\nprint('hello', name)\nprint('err', file=sys.stderr)\nsys.exit(3)", stdin: "ada\n" });
    assert.equal(r.stdout, "hello ada\n");
    assert.equal(r.stderr, "err\n");
    assert.equal(r.exitCode, 3);
    assert.equal(r.signal, null);
    assert.equal(r.timedOut, false);
    assert.equal(r.reason, "exited with code 3");
    assert.ok(r.wallMs > 0);
  });

  test("an uncaught exception prints a traceback of the program's own lines and exits 1", async () => {
    const r = await py.run({ code: "x = 1\nraise ValueError('bad value')" });
    assert.equal(r.exitCode, 1);
    assert.match(r.stderr, /File "\/tmp\/main.py", line 2/);
    assert.match(r.stderr, /ValueError: bad value/);
    assert.doesNotMatch(r.stderr, /supervisor|run_child/);
  });

  test("runs as __main__ with exit() and a large stdin", async () => {
    const big = "x".repeat(300_000);
    const r = await py.run({ code: "import sys\nif __name__ == '__main__':\n    data = sys.stdin.read()\n    print(len(data))\n    exit(0)", stdin: big });
    assert.equal(r.stdout, "300000\n");
    assert.equal(r.exitCode, 0);
  });

  test("the program sees uid 1000, its own PID namespace, an empty environment and /tmp as its cwd", async () => {
    const r = await py.run({ code: "import os\nprint(os.getuid(), os.getgid(), os.getcwd(), os.getpid() < 10)\nprint(sorted(os.environ))" });
    assert.equal(r.stdout, "1000 1000 /tmp True\n['HOME', 'LANG', 'LOGNAME', 'MALLOC_ARENA_MAX', 'PATH', 'PWD', 'TMPDIR', 'USER']\n");
  });

  test("threads fit in the address-space limit", async () => {
    const r = await py.run({
      code: "from concurrent.futures import ThreadPoolExecutor\nwith ThreadPoolExecutor(16) as ex:\n    print(sum(ex.map(lambda i: len(bytearray(1 << 20)) // (1 << 20), range(64))))",
      limits: { memoryMb: 256 },
    });
    assert.equal(r.stdout, "64\n");
  });

  test("tests: each verdict, with the failing line in the message", async () => {
    const r = await py.runTests({
      code: "def add(a, b):\n    return a + b\nprint('loaded')",
      tests: ["assert add(1, 2) == 3", "assert add(2, 2) == 5", "raise KeyError('k')", "assert add('a', 'b') == 'ab'"],
    });
    assert.deepEqual(r.tests.map((t) => t.verdict), ["pass", "fail", "fail", "pass"]);
    assert.match(r.tests[1]!.message!, /<test 1>", line 1[\s\S]*assert add\(2, 2\) == 5[\s\S]*AssertionError/);
    assert.match(r.tests[2]!.message!, /KeyError: 'k'/);
    assert.equal(r.stdout, "loaded\n");
    assert.equal(r.runs, 1);
  });

  test("tests: a hanging or crashing test costs only itself; the rest resume in a new process", async () => {
    const r = await py.runTests({
      code: "def f(x):\n    return x",
      tests: ["assert f(1) == 1", "while True: pass", "import os; os._exit(0)", "import ctypes; ctypes.string_at(0)", "assert f(2) == 2"],
      limits: { testMs: 300, wallMs: 5000 },
    });
    assert.deepEqual(r.tests.map((t) => t.verdict), ["pass", "timeout", "crash", "crash", "pass"]);
    assert.equal(r.tests[2]!.message, "exited with code 0");
    assert.equal(r.tests[3]!.message, "killed by SIGSEGV");
    assert.equal(r.runs, 4);
  });

  test("tests: a program that fails to load fails every test with its error", async () => {
    const r = await py.runTests({ code: "def f(:\n  pass", tests: ["assert True", "assert True"] });
    assert.deepEqual(r.tests.map((t) => t.verdict), ["error", "error"]);
    assert.match(r.tests[0]!.message!, /SyntaxError/);
    const exits = await py.runTests({ code: "import sys\nsys.exit(0)", tests: ["assert True"] });
    assert.equal(exits.tests[0]!.verdict, "error");
    assert.match(exits.tests[0]!.message!, /SystemExit/);
  });

  test("tests share one namespace: an import in one test is seen by the next", async () => {
    const r = await py.runTests({ code: "def f(x):\n    return x ** 0.5", tests: ["import math", "assert math.isclose(f(2), math.sqrt(2))"] });
    assert.deepEqual(r.tests.map((t) => t.verdict), ["pass", "pass"]);
  });

  test("tests: `if __name__ == '__main__'` blocks do not run (as in HumanEval's harness)", async () => {
    const r = await py.runTests({ code: "def f():\n    return 1\nif __name__ == '__main__':\n    input()", tests: ["assert f() == 1"] });
    assert.equal(r.tests[0]!.verdict, "pass");
  });

  test("no state crosses jobs: files, /dev/shm, environment, modules, builtins, leftover processes", async () => {
    const dirty = await py.run({
      code: [
        "import os, sys, builtins, json, subprocess, time",
        "open('/tmp/left.txt', 'w').write('secret')",
        "os.makedirs('/tmp/deep/er', exist_ok=True); os.chmod('/tmp/deep', 0)",
        "open('/dev/shm/shm.txt', 'w').write('secret')",
        "os.environ['LEAK'] = '1'",
        "json.dumps = lambda *a, **k: 'hacked'",
        "builtins.len = lambda x: 42",
        "sys.modules['leaked_module'] = object()",
        "subprocess.Popen(['sleep', '30'], start_new_session=True)",
        "if os.fork() == 0:\n    os.setsid()\n    time.sleep(30)\n    os._exit(0)",
        "print('done')",
      ].join("\n"),
    });
    assert.equal(dirty.stdout, "done\n");
    const clean = await py.run({
      code: [
        "import os, sys, json, builtins",
        "print(sorted(os.listdir('/tmp')), os.listdir('/dev/shm'))",
        "print('LEAK' in os.environ, json.dumps([1]), len([1, 2]), 'leaked_module' in sys.modules)",
        "print(sorted(int(p) for p in os.listdir('/proc') if p.isdigit()) == [1, os.getpid()])",
      ].join("\n"),
    });
    assert.equal(clean.stdout, "['main.py'] []\nFalse [1] 2 False\nTrue\n");
    assert.deepEqual(await settleStray(py, uids), []);
  });

  test("the process tree is killed at the wall deadline, and the sandbox is reused", async () => {
    const t = performance.now();
    const r = await py.run({ code: "import subprocess, time\nsubprocess.Popen(['sleep', '60'])\ntime.sleep(60)", limits: { wallMs: 400 } });
    const took = performance.now() - t;
    assert.equal(r.timedOut, true);
    assert.equal(r.signal, "SIGKILL");
    assert.equal(r.reason, "time limit exceeded");
    assert.ok(took < 2500, `took ${took} ms`);
    assert.deepEqual(await settleStray(py, uids), []);
    assert.equal((await py.run({ code: "print(2 + 2)" })).stdout, "4\n");
  });

  test("CPU time is limited per process", async () => {
    const r = await py.run({ code: "while True: pass", limits: { wallMs: 8000, cpuSeconds: 1 } });
    assert.equal(r.timedOut, false);
    assert.equal(r.signal, "SIGXCPU");
    assert.equal(r.reason, "CPU time limit exceeded");
  });

  test("output beyond the limit is dropped and flagged; the program keeps running", async () => {
    const r = await py.run({ code: "import sys\nfor i in range(100000): print('y' * 99)\nprint('end', file=sys.stderr)", limits: { outputBytes: 1000 } });
    assert.equal(r.stdout.length, 1000);
    assert.equal(r.stdoutTruncated, true);
    assert.equal(r.stderr, "end\n");
    assert.equal(r.exitCode, 0);
  });

  test("file size is limited", async () => {
    const r = await py.run({ code: "try:\n    open('big', 'wb').write(b'x' * (3 << 20))\nexcept OSError as e:\n    print(e.errno)", limits: { fileMb: 1 } });
    assert.equal(r.stdout, "27\n");
  });

  test("an aborted call kills its sandbox and the pool carries on", async () => {
    const ctrl = new AbortController();
    setTimeout(() => ctrl.abort(new Error("deadline")), 200);
    const t = performance.now();
    await assert.rejects(py.run({ code: "import time\ntime.sleep(30)" }, { signal: ctrl.signal }), /deadline/);
    assert.ok(performance.now() - t < 2000);
    assert.deepEqual(await settleStray(py, uids), []);
    assert.equal((await py.run({ code: "print('again')" })).stdout, "again\n");
  });

  test("concurrent jobs on a larger pool", async () => {
    const pool = new PythonSandbox({ size: 4 });
    try {
      const rs = await Promise.all(Array.from({ length: 16 }, (_, i) => pool.run({ code: `print(${i} * ${i})` })));
      assert.deepEqual(rs.map((r) => r.stdout), Array.from({ length: 16 }, (_, i) => `${i * i}\n`));
      assert.ok(pool.stats.started <= 4);
    } finally {
      await pool.close();
    }
  });
});
