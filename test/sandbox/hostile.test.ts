/**
 * Hostile Python programs against the bubblewrap sandbox. Each one asserts what it tried did
 * not work, that the host is unchanged (sentinel files in a directory under the host's /tmp,
 * the repository, /etc/shadow, /root, /usr, /etc, a listener on 127.0.0.1; the host's /tmp
 * itself is not compared, other processes write there) and that nothing of its process tree
 * is left; at the end the same pool still scores normal programs.
 */
import assert from "node:assert/strict";
import { createSocket } from "node:dgram";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { processesOfUid } from "../../src/sandbox/kill.ts";
import { PythonSandbox } from "../../src/sandbox/python.ts";
import type { ExecLimits, RunResult, TestsResult } from "../../src/sandbox/types.ts";
import { HAVE_BWRAP, hostState, settleStray, type HostState } from "./helpers.ts";

const repo = process.cwd();
const canary = `rs-canary-${Math.random().toString(36).slice(2)}`;
const shadowHead = (() => {
  try {
    return readFileSync("/etc/shadow", "utf8").split(":")[0] ?? "";
  } catch {
    return "";
  }
})();

type Hostile = {
  name: string;
  code: string;
  tests?: string[];
  limits?: Partial<ExecLimits>;
  check: (r: RunResult & Partial<TestsResult>) => void;
};

describe("hostile programs", { skip: !HAVE_BWRAP && "bubblewrap is not installed" }, () => {
  const py = new PythonSandbox({ size: 2, limits: { wallMs: 2000, memoryMb: 256, processes: 32 } });
  const uids = new Set<number>();
  let hostDir = "";
  let watched: string[] = [];
  let tcpPort = 0;
  let udpPort = 0;
  let tcpConnections = 0;
  let udpPackets = 0;
  const server = createServer((s) => {
    tcpConnections++;
    s.destroy();
  });
  const udp = createSocket("udp4");
  udp.on("message", () => udpPackets++);

  before(async () => {
    process.env.RS_HOST_CANARY = canary;
    hostDir = mkdtempSync(join(tmpdir(), "rs-hostile-"));
    writeFileSync(join(hostDir, "sentinel.txt"), "do not touch");
    watched = [hostDir, join(hostDir, "sentinel.txt"), join(repo, "package.json"), repo, "/etc/shadow", "/etc/passwd", "/root", "/usr", "/usr/bin", "/etc", "/"];
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    tcpPort = (server.address() as AddressInfo).port;
    await new Promise<void>((r) => udp.bind(0, "127.0.0.1", r));
    udpPort = udp.address().port;
  });
  after(async () => {
    await py.close();
    server.close();
    udp.close();
    rmSync(hostDir, { recursive: true, force: true });
    delete process.env.RS_HOST_CANARY;
    for (const u of uids) assert.deepEqual(processesOfUid(u), [], `processes of sandbox uid ${u} after close`);
  });

  const py3 = (lines: string[]) => lines.join("\n");
  const cases = (): Hostile[] => [
    {
      name: "connect to a TCP listener the test opened on 127.0.0.1",
      code: py3([
        "import socket",
        `for host in ('127.0.0.1', 'localhost', '::1'):`,
        "    try:",
        `        socket.create_connection((host, ${tcpPort}), timeout=1); print('CONNECTED')`,
        "    except Exception as e: print(type(e).__name__)",
      ]),
      check: (r) => {
        assert.doesNotMatch(r.stdout, /CONNECTED/);
        assert.equal(tcpConnections, 0);
      },
    },
    {
      name: "send UDP to the host's loopback",
      code: py3(["import socket", "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)", "for i in range(20):", `    try: s.sendto(b'x', ('127.0.0.1', ${udpPort}))`, "    except OSError as e: pass", "print('sent')"]),
      check: (r) => {
        assert.equal(r.stdout, "sent\n");
        assert.equal(udpPackets, 0);
      },
    },
    {
      name: "DNS lookups",
      code: py3(["import socket", "for h in ('example.com', 'localhost', 'pypi.org'):", "    try: print(socket.getaddrinfo(h, 80)[0][4])", "    except OSError as e: print('no', h)"]),
      check: (r) => assert.equal(r.stdout, "no example.com\nno localhost\nno pypi.org\n"),
    },
    {
      name: "read /etc/shadow and other host secrets",
      code: py3(["for p in ('/etc/shadow', '/etc/passwd', '/etc/hosts', '/etc/ssh/ssh_host_rsa_key', '/proc/1/root/etc/shadow'):", "    try: print(open(p).read()[:100])", "    except OSError as e: print(p, e.strerror)"]),
      check: (r) => {
        if (shadowHead) assert.ok(!r.stdout.includes(`${shadowHead}:`));
        assert.match(r.stdout, /\/etc\/shadow No such file or directory/);
        assert.match(r.stdout, /\/proc\/1\/root\/etc\/shadow (No such file or directory|Permission denied)/);
      },
    },
    {
      name: "list /root, /home and the host's /tmp",
      code: py3(["import os", "for p in ('/root', '/home', '/var', '/srv', '/mnt'):", "    print(p, os.path.exists(p))", "print(sorted(os.listdir('/tmp')))"]),
      check: (r) => assert.equal(r.stdout, "/root False\n/home False\n/var False\n/srv False\n/mnt False\n['main.py']\n"),
    },
    {
      name: "read the repository",
      code: py3(["import os", `for p in (${JSON.stringify(repo)}, ${JSON.stringify(join(repo, "package.json"))}, '/work', '/usr/local/lib'):`, "    print(p, os.path.exists(p))"]),
      check: (r) => assert.equal(r.stdout, `${repo} False\n${join(repo, "package.json")} False\n/work False\n/usr/local/lib False\n`),
    },
    {
      name: "read the host's environment (a canary the test set)",
      code: py3([
        "import os, glob",
        "print(dict(os.environ))",
        "for p in glob.glob('/proc/*/environ'):",
        "    try: print(open(p, 'rb').read())",
        "    except OSError: pass",
      ]),
      check: (r) => {
        assert.ok(!r.stdout.includes(canary) && !r.stderr.includes(canary));
        assert.doesNotMatch(r.stdout, /RS_HOST_CANARY/);
      },
    },
    {
      name: "write outside the work dir",
      code: py3([
        `targets = ['/usr/pwned', '/etc/pwned', '/pwned', '/bin/pwned', '/proc/sys/kernel/hostname', '/dev/pwned', ${JSON.stringify(join(hostDir, "sentinel.txt"))}, ${JSON.stringify(join(hostDir, "new.txt"))}]`,
        "for t in targets:",
        "    try:",
        "        open(t, 'w').write('x'); print('WROTE', t)",
        "    except OSError as e: print('no', e.errno)",
      ]),
      check: (r) => assert.doesNotMatch(r.stdout, /WROTE/),
    },
    {
      name: "fork bomb",
      code: py3(["import os, time", "n = 0", "while True:", "    try:", "        if os.fork() == 0:", "            time.sleep(30)", "        n += 1", "    except OSError:", "        break", "print('forked', n)"]),
      check: (r) => {
        const n = Number(/forked (\d+)/.exec(r.stdout)?.[1]);
        assert.ok(n > 0 && n <= 32, r.stdout);
      },
    },
    {
      name: "thread bomb",
      code: py3(["import threading, time", "n = 0", "try:", "    while True:", "        threading.Thread(target=time.sleep, args=(30,), daemon=True).start(); n += 1", "except RuntimeError:", "    pass", "print('threads', n)"]),
      check: (r) => {
        const n = Number(/threads (\d+)/.exec(r.stdout)?.[1]);
        assert.ok(n >= 0 && n <= 32, r.stdout);
      },
    },
    {
      name: "memory bomb",
      code: py3(["blocks = []", "try:", "    while True: blocks.append(bytearray(16 << 20))", "except MemoryError:", "    print('MemoryError at', len(blocks) * 16, 'MiB')"]),
      check: (r) => {
        const mb = Number(/at (\d+) MiB/.exec(r.stdout)?.[1]);
        assert.ok(mb > 0 && mb <= 256, r.stdout);
      },
    },
    {
      name: "memory bomb across forked processes",
      code: py3([
        "import os, time",
        "for i in range(64):",
        "    try:",
        "        if os.fork() == 0:",
        "            try: x = bytearray(200 << 20)",
        "            except MemoryError: pass",
        "            time.sleep(30); os._exit(0)",
        "    except OSError: break",
        "time.sleep(30)",
      ]),
      limits: { wallMs: 1500 },
      check: (r) => assert.equal(r.timedOut, true),
    },
    {
      name: "infinite loop",
      code: "while True:\n    pass",
      limits: { wallMs: 700 },
      check: (r) => {
        assert.equal(r.timedOut, true);
        assert.equal(r.signal, "SIGKILL");
      },
    },
    {
      name: "sleep past the deadline in a detached child",
      code: py3(["import os, subprocess, time", "subprocess.Popen(['sleep', '100'], start_new_session=True)", "time.sleep(100)"]),
      limits: { wallMs: 500 },
      check: (r) => {
        assert.equal(r.timedOut, true);
        assert.ok(r.wallMs < 1500, String(r.wallMs));
      },
    },
    {
      name: "huge stdout",
      code: py3(["import sys", "chunk = 'z' * (1 << 20)", "while True: sys.stdout.write(chunk)"]),
      limits: { wallMs: 1000, outputBytes: 4096 },
      check: (r) => {
        assert.equal(r.stdout.length, 4096);
        assert.equal(r.stdoutTruncated, true);
      },
    },
    {
      name: "kill the parent",
      code: py3(["import os, signal", "for pid in (1, os.getppid(), -1):", "    for s in (signal.SIGKILL, signal.SIGTERM, signal.SIGSTOP, signal.SIGINT):", "        try: os.kill(pid, s)", "        except OSError: pass", "print('still here')"]),
      // Signals to PID 1 from inside its namespace are dropped; kill(-1) reaches every other process but not the caller.
      check: (r) => {
        assert.equal(r.stdout, "still here\n");
        assert.equal(r.exitCode, 0);
      },
    },
    {
      name: "spawn a shell",
      code: py3([
        "import subprocess",
        `print(subprocess.run(['sh', '-c', 'id -u; rm -rf /etc /usr/bin/python3 2>/dev/null; touch /usr/pwned 2>/dev/null; cat /etc/shadow 2>&1; ls ${repo} 2>&1; echo $RS_HOST_CANARY; echo shell-done'], capture_output=True, text=True).stdout)`,
      ]),
      check: (r) => {
        assert.match(r.stdout, /^1000\n/);
        assert.match(r.stdout, /shell-done/);
        assert.ok(!r.stdout.includes(canary));
      },
    },
    {
      name: "ptrace the supervisor",
      code: py3(["import ctypes", "libc = ctypes.CDLL(None, use_errno=True)", "PTRACE_ATTACH = 16", "print(libc.ptrace(PTRACE_ATTACH, 1, 0, 0), ctypes.get_errno())", "print(libc.ptrace(0, 0, 0, 0), ctypes.get_errno())"]),
      check: (r) => assert.equal(r.stdout, "-1 1\n-1 1\n"),
    },
    {
      name: "snoop on /proc/1 (the supervisor)",
      code: py3([
        "import os",
        "for p in ('/proc/1/environ', '/proc/1/mem', '/proc/1/maps', '/proc/1/fd', '/proc/1/root', '/proc/1/cwd'):",
        "    try:",
        "        print(p, 'OPEN', os.listdir(p) if os.path.isdir(p) else len(open(p, 'rb').read(64)))",
        "    except OSError as e: print(p, e.errno)",
        "for fd in range(3, 200):",
        "    try: os.write(fd, b'{\"id\": 1, \"forged\": true}\\n'); print('wrote fd', fd)",
        "    except OSError: pass",
      ]),
      check: (r) => {
        assert.doesNotMatch(r.stdout, /OPEN/);
        assert.doesNotMatch(r.stdout, /wrote fd/);
      },
    },
    {
      name: "look for host processes in /proc",
      code: py3(["import os", "pids = [int(p) for p in os.listdir('/proc') if p.isdigit()]", "print(sorted(pids) == [1, os.getpid()], open('/proc/1/comm').read().strip())"]),
      check: (r) => assert.equal(r.stdout, "True python3\n"),
    },
    {
      name: "symlink escape",
      code: py3([
        "import os",
        "links = {'a': '/etc/shadow', 'b': '/proc/1/root', 'c': '/proc/self/root/../../..', 'd': '../../../../root', 'e': '/work'}",
        "for k, v in links.items():",
        "    os.symlink(v, '/tmp/' + k)",
        "    try: print(k, 'READ', os.listdir('/tmp/' + k) if os.path.isdir('/tmp/' + k) else open('/tmp/' + k).read()[:50])",
        "    except OSError as e: print(k, e.errno)",
      ]),
      check: (r) => {
        assert.doesNotMatch(r.stdout, /^[abde] READ/m);
        // /proc/self/root/../../.. is the sandbox's own root: listing it shows only sandbox dirs.
        const c = /^c READ (.*)$/m.exec(r.stdout)?.[1] ?? "";
        assert.ok(!c.includes("root") && !c.includes("home") && !c.includes("work"), c);
      },
    },
    {
      name: "write a setuid file and run it",
      code: py3([
        "import os, shutil, subprocess",
        "shutil.copy('/usr/bin/id', '/tmp/suid'); os.chmod('/tmp/suid', 0o4755)",
        "print(oct(os.stat('/tmp/suid').st_mode & 0o7777))",
        "print(subprocess.run(['/tmp/suid', '-u'], capture_output=True, text=True).stdout.strip())",
        "try: os.chown('/tmp/suid', 0, 0); print('CHOWNED')",
        "except OSError as e: print('chown', e.errno)",
      ]),
      check: (r) => {
        assert.match(r.stdout, /^1000$/m);
        assert.doesNotMatch(r.stdout, /CHOWNED/);
      },
    },
    {
      name: "zip bomb",
      code: py3([
        "import zipfile, io, zlib",
        "buf = io.BytesIO()",
        "with zipfile.ZipFile(buf, 'w', zipfile.ZIP_DEFLATED) as z:",
        "    with z.open('bomb', 'w', force_zip64=True) as f:",
        "        chunk = bytes(1 << 20)",
        "        for i in range(320): f.write(chunk)",
        "print('zip', len(buf.getvalue()))",
        "z = zipfile.ZipFile(buf)",
        "try:",
        "    z.extractall('/tmp/out')",
        "except OSError as e: print('extract stopped', e.errno)",
        "try:",
        "    data = z.read('bomb')",
        "except MemoryError: print('MemoryError')",
      ]),
      limits: { wallMs: 20_000, fileMb: 8 },
      check: (r) => {
        assert.match(r.stdout, /extract stopped 27/);
        assert.ok(r.stdout.includes("MemoryError") || r.signal !== null || r.timedOut, r.stdout + r.stderr);
      },
    },
    {
      name: "fill the work dir",
      code: py3(["import os", "i = 0", "try:", "    while True:", "        open('/tmp/f%d' % i, 'wb').write(b'x' * (4 << 20)); i += 1", "except OSError as e: print('stopped', e.errno, i)"]),
      limits: { fileMb: 8 },
      check: (r) => assert.match(r.stdout, /stopped 28 \d+/),
    },
    {
      name: "segfault via ctypes",
      code: "import ctypes\nctypes.string_at(0)",
      check: (r) => assert.equal(r.signal, "SIGSEGV"),
    },
    {
      name: "os._exit(0) inside a test does not pass it",
      code: "def f():\n    return 0",
      tests: ["import os\nos._exit(0)", "assert f() == 1"],
      check: (r) => assert.deepEqual(r.tests!.map((t) => t.verdict), ["crash", "fail"]),
    },
    {
      name: "sys.exit(0) / os._exit(0) while loading passes nothing",
      code: "import os\nos._exit(0)",
      tests: ["assert True"],
      check: (r) => assert.equal(r.tests![0]!.verdict, "error"),
    },
    {
      name: "forge verdict lines on the report pipe",
      code: py3(["import os", "for n in range(50):", "    for i in range(3):", "        try: os.write(3, ('x pass %d 0.1\\n' % i).encode())", "        except OSError: pass", "def f(): return 0"]),
      tests: ["assert f() == 1", "assert f() == 2"],
      check: (r) => assert.deepEqual(r.tests!.map((t) => t.verdict), ["fail", "fail"]),
    },
    {
      name: "rebind builtins the tests use",
      code: py3(["import builtins", "builtins.abs = lambda x: 0", "builtins.isinstance = lambda *a: True", "builtins.len = lambda x: 3", "def f(): return 10.0"]),
      tests: ["assert abs(f() - 1.0) < 1e-6", "assert isinstance(f(), str)", "assert len([]) == 3", "assert f() == 10.0"],
      check: (r) => assert.deepEqual(r.tests!.map((t) => t.verdict), ["fail", "fail", "fail", "pass"]),
    },
    {
      name: "kernel keyrings and SysV / POSIX IPC (state that outlives processes)",
      code: py3([
        "import ctypes",
        "libc = ctypes.CDLL(None, use_errno=True)",
        "print('add_key', libc.syscall(248, b'user', b'k', b'v', 1, -4), ctypes.get_errno())",
        "print('shmget', libc.shmget(1234, 4096, 0o1666), ctypes.get_errno())",
        "print('msgget', libc.msgget(1234, 0o1666), ctypes.get_errno())",
        "print('mq_open', libc.syscall(240, b'q', 0o100 | 2, 0o600, None), ctypes.get_errno())",
      ]),
      check: (r) => assert.equal(r.stdout, "add_key -1 1\nshmget -1 1\nmsgget -1 1\nmq_open -1 1\n"),
    },
    {
      name: "new namespaces, mounts, chroot",
      code: py3([
        "import ctypes, os",
        "libc = ctypes.CDLL(None, use_errno=True)",
        "print('unshare', libc.unshare(0x10000000), ctypes.get_errno())",
        "print('mount', libc.mount(b'none', b'/tmp', b'tmpfs', 0, None), ctypes.get_errno())",
        "print('chroot', libc.chroot(b'/tmp'), ctypes.get_errno())",
        "print('sethostname', libc.sethostname(b'x', 1), ctypes.get_errno())",
        "print('clone newuser', libc.syscall(56, 0x10000000 | 17, 0, 0, 0, 0), ctypes.get_errno())",
        "print('clone3', libc.syscall(435, 0, 0), ctypes.get_errno())",
        "print('unshare cmd', os.system('unshare -U true 2>/dev/null') != 0)",
      ]),
      check: (r) =>
        assert.equal(r.stdout, "unshare -1 1\nmount -1 1\nchroot -1 1\nsethostname -1 1\nclone newuser -1 1\nclone3 -1 38\nunshare cmd True\n"),
    },
    {
      name: "lower the supervisor's limits with prlimit",
      code: py3(["import resource", "for r in (resource.RLIMIT_NOFILE, resource.RLIMIT_AS, resource.RLIMIT_NPROC):", "    try: resource.prlimit(1, r, (1, 1)); print('CHANGED')", "    except OSError as e: print(e.errno)"]),
      check: (r) => assert.equal(r.stdout, "1\n1\n1\n"),
    },
    {
      name: "a daemon that outlives the job",
      code: py3(["import os, time", "if os.fork() == 0:", "    os.setsid()", "    if os.fork() == 0:", "        time.sleep(0.3)", "        open('/tmp/from-daemon', 'w').write('x')", "        time.sleep(100)", "    os._exit(0)", "print('bye')"]),
      check: (r) => assert.equal(r.stdout, "bye\n"),
    },
    {
      name: "stop itself",
      code: "import os, signal\nos.kill(os.getpid(), signal.SIGSTOP)",
      limits: { wallMs: 500 },
      check: (r) => assert.equal(r.timedOut, true),
    },
    {
      name: "devices and sysfs",
      code: py3(["import os", "print(sorted(os.listdir('/dev')))", "for p in ('/dev/mem', '/dev/kmsg', '/dev/sda', '/sys/kernel', '/dev/tty0'):", "    print(p, os.path.exists(p))"]),
      check: (r) => {
        assert.match(r.stdout, /\/dev\/mem False\n\/dev\/kmsg False\n\/dev\/sda False\n\/sys\/kernel False\n\/dev\/tty0 False\n$/);
      },
    },
  ];

  test("there are at least 25 hostile programs", () => {
    assert.ok(cases().length >= 25, String(cases().length));
  });

  for (const name of cases().map((c) => c.name)) {
    test(name, async () => {
      const c = cases().find((x) => x.name === name)!;
      const before: HostState = hostState(watched);
      const r = c.tests
        ? await py.runTests({ code: c.code, tests: c.tests, limits: c.limits ?? {} })
        : await py.run({ code: c.code, limits: c.limits ?? {} });
      c.check(r as RunResult & Partial<TestsResult>);
      assert.ok(!JSON.stringify(r).includes(canary), "the host canary leaked");
      const now = hostState(watched);
      assert.deepEqual(
        watched.filter((p) => now[p] !== before[p]),
        [],
        "host paths changed",
      );
      assert.deepEqual(await settleStray(py, uids), [], "processes left behind");
      // The next job in the same pool starts clean.
      const next = await py.run({ code: "import os\nprint(sorted(os.listdir('/tmp')), os.listdir('/dev/shm'))" });
      assert.equal(next.stdout, "['main.py'] []\n");
    });
  }

  test("the sandbox still works after all of them", async () => {
    const r = await py.runTests({ code: "def add(a, b):\n    return a + b", tests: ["assert add(2, 3) == 5"] });
    assert.equal(r.tests[0]!.verdict, "pass");
    assert.equal((await py.run({ code: "print(sum(range(10)))" })).stdout, "45\n");
  });
});
