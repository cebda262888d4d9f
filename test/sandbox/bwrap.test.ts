import assert from "node:assert/strict";
import { test } from "node:test";
import { bwrapArgs } from "../../src/sandbox/bwrap.ts";
import { blockedSyscalls, seccompFilter } from "../../src/sandbox/seccomp.ts";

test("the bubblewrap command line: namespaces, no host paths beyond read-only system dirs, sized tmpfs", () => {
  const args = bwrapArgs({ python: "/usr/bin/python3", workBytes: 1 << 20, shmBytes: 1 << 10, features: { disableUserns: true, tmpfsSize: true }, seccompFd: 3 }, ["/usr/bin/python3", "-I"]);
  const end = args.indexOf("--");
  const opts = args.slice(0, end);
  for (const flag of ["--unshare-all", "--unshare-user", "--disable-userns", "--die-with-parent", "--new-session", "--as-pid-1", "--clearenv"]) assert.ok(opts.includes(flag), flag);
  assert.deepEqual(opts.slice(opts.indexOf("--cap-drop"), opts.indexOf("--cap-drop") + 2), ["--cap-drop", "ALL"]);
  assert.deepEqual(opts.slice(opts.indexOf("--uid"), opts.indexOf("--uid") + 2), ["--uid", "1000"]);
  // Every bind is read-only and comes from /usr, /etc/ld.so.cache, /etc/localtime or a merged-/usr dir.
  const binds: string[] = [];
  opts.forEach((a, i) => {
    if (a === "--bind" || a === "--dev-bind") assert.fail(`writable bind of ${opts[i + 1]}`);
    if (a === "--ro-bind" || a === "--ro-bind-try") binds.push(opts[i + 1]!);
  });
  for (const b of binds) assert.ok(/^\/(usr|etc\/ld\.so\.cache|etc\/localtime|bin|sbin|lib|lib64|lib32|libx32)$/.test(b), b);
  assert.ok(!opts.some((a) => /shadow|\/root|\/home|\/work/.test(a)));
  assert.deepEqual(opts.slice(opts.lastIndexOf("--size"), opts.lastIndexOf("--size") + 4), ["--size", String(1 << 20), "--tmpfs", "/tmp"]);
  assert.ok(opts.indexOf("--remount-ro") > 0 && opts.includes("/usr/local"));
  assert.deepEqual(opts.slice(-2), ["--seccomp", "3"]);
  assert.deepEqual(args.slice(end + 1), ["/usr/bin/python3", "-I"]);
});

test("older bubblewrap without --disable-userns and tmpfs --size still gets a valid command line", () => {
  const args = bwrapArgs({ python: "/usr/bin/python3", workBytes: 1, shmBytes: 1, features: { disableUserns: false, tmpfsSize: false } }, ["x"]);
  assert.ok(!args.includes("--disable-userns") && !args.includes("--size") && !args.includes("--seccomp"));
});

test("the seccomp filter: x86_64 only, 8-byte instructions, ends in the deny and kill returns", () => {
  assert.equal(seccompFilter("arm64"), undefined);
  const f = seccompFilter("x64")!;
  assert.equal(f.length % 8, 0);
  const last = f.length - 8;
  assert.equal(f.readUInt16LE(last), 0x06); // BPF_RET|BPF_K
  assert.equal(f.readUInt32LE(last + 4), 0x80000000); // SECCOMP_RET_KILL_PROCESS (wrong architecture)
  assert.equal(f.readUInt32LE(last - 8 + 4), 0x00050001); // SECCOMP_RET_ERRNO | EPERM
  for (const name of ["ptrace", "keyctl", "add_key", "shmget", "mq_open", "unshare", "setns", "mount", "bpf", "io_uring_setup", "process_vm_readv"]) {
    assert.ok(blockedSyscalls().includes(name), name);
  }
});
