/**
 * A classic-BPF seccomp filter for bubblewrap's `--seccomp FD`. Namespaces already keep a
 * sandboxed program off the network and the host's files; this filter closes the channels a
 * namespace leaves open inside one sandbox, which matter because a warm sandbox runs many jobs
 * one after another: kernel keyrings and SysV/POSIX IPC objects outlive the process that made
 * them, ptrace and process_vm_* could reach the supervisor, and prlimit on another pid could
 * lower the supervisor's own limits. New namespaces (clone/unshare flags) are refused too, as
 * Docker's default profile does, so the sandbox holds even where bubblewrap is too old for
 * `--disable-userns`.
 */

/** struct seccomp_data offsets. */
const NR = 0;
const ARCH = 4;
const ARG0_LO = 16;
const ARG0_HI = 20;

const LD_W_ABS = 0x20;
const JEQ_K = 0x15;
const JGE_K = 0x35;
const RET_K = 0x06;

const RET_ALLOW = 0x7fff0000;
const RET_KILL_PROCESS = 0x80000000;
const RET_ERRNO_EPERM = 0x00050000 | 1;

const AUDIT_ARCH_X86_64 = 0xc000003e;
/** x32 syscalls are x86_64 numbers with this bit set: block them all so none slips past the list. */
const X32_BIT = 0x40000000;

/** Syscalls that fail with EPERM inside the sandbox (x86_64 numbers). */
const BLOCKED_X86_64: Record<string, number> = {
  shmget: 29,
  semget: 64,
  msgget: 68,
  ptrace: 101,
  syslog: 103,
  personality: 135,
  pivot_root: 155,
  chroot: 161,
  acct: 163,
  mount: 165,
  umount2: 166,
  swapon: 167,
  swapoff: 168,
  reboot: 169,
  init_module: 175,
  delete_module: 176,
  quotactl: 179,
  lookup_dcookie: 212,
  mq_open: 240,
  kexec_load: 246,
  add_key: 248,
  request_key: 249,
  keyctl: 250,
  ioprio_set: 251,
  migrate_pages: 256,
  unshare: 272,
  move_pages: 279,
  perf_event_open: 298,
  fanotify_init: 300,
  name_to_handle_at: 303,
  open_by_handle_at: 304,
  setns: 308,
  process_vm_readv: 310,
  process_vm_writev: 311,
  kcmp: 312,
  finit_module: 313,
  kexec_file_load: 320,
  bpf: 321,
  userfaultfd: 323,
  io_uring_setup: 425,
  io_uring_enter: 426,
  io_uring_register: 427,
  open_tree: 428,
  move_mount: 429,
  fsopen: 430,
  fsconfig: 431,
  fsmount: 432,
  fspick: 433,
  pidfd_getfd: 438,
  mount_setattr: 442,
};
/** Allowed only on the caller itself (pid 0): Python's resource.setrlimit goes through it. */
const PRLIMIT64_X86_64 = 302;
/** clone is allowed without namespace flags; clone3 (whose flags BPF cannot read) answers ENOSYS so libc falls back to clone. */
const CLONE_X86_64 = 56;
const CLONE3_X86_64 = 435;
/** CLONE_NEWNS | NEWCGROUP | NEWUTS | NEWIPC | NEWUSER | NEWPID | NEWNET. */
const CLONE_NAMESPACES = 0x7e020000;
const JSET_K = 0x45;
const RET_ERRNO_ENOSYS = 0x00050000 | 38;

type Insn = { code: number; jt: number | string; jf: number | string; k: number };

/** The names of the syscalls the filter blocks, for docs and tests. */
export const blockedSyscalls = (): string[] => Object.keys(BLOCKED_X86_64);

/**
 * The filter as bytes (struct sock_filter[]), or undefined on architectures it does not know
 * (then the sandbox runs without it and says so in its info).
 */
export function seccompFilter(arch: string = process.arch): Buffer | undefined {
  if (arch !== "x64") return undefined;
  const prog: Insn[] = [];
  const labels = new Map<string, number>();
  const emit = (code: number, k: number, jt: number | string = 0, jf: number | string = 0) => prog.push({ code, jt, jf, k });
  const label = (name: string) => labels.set(name, prog.length);

  emit(LD_W_ABS, ARCH);
  emit(JEQ_K, AUDIT_ARCH_X86_64, 0, "kill");
  emit(LD_W_ABS, NR);
  emit(JGE_K, X32_BIT, "deny", 0);
  for (const nr of Object.values(BLOCKED_X86_64)) emit(JEQ_K, nr, "deny", 0);
  emit(JEQ_K, PRLIMIT64_X86_64, "prlimit", 0);
  emit(JEQ_K, CLONE_X86_64, "clone", 0);
  emit(JEQ_K, CLONE3_X86_64, "enosys", 0);
  emit(RET_K, RET_ALLOW);
  label("clone");
  emit(LD_W_ABS, ARG0_LO);
  emit(JSET_K, CLONE_NAMESPACES, "deny", 0);
  emit(RET_K, RET_ALLOW);
  label("prlimit");
  emit(LD_W_ABS, ARG0_LO);
  emit(JEQ_K, 0, 0, "deny");
  emit(LD_W_ABS, ARG0_HI);
  emit(JEQ_K, 0, 0, "deny");
  emit(RET_K, RET_ALLOW);
  label("enosys");
  emit(RET_K, RET_ERRNO_ENOSYS);
  label("deny");
  emit(RET_K, RET_ERRNO_EPERM);
  label("kill");
  emit(RET_K, RET_KILL_PROCESS);

  const buf = Buffer.alloc(prog.length * 8);
  prog.forEach((insn, pc) => {
    const off = (j: number | string) => {
      if (typeof j === "number") return j;
      const target = labels.get(j);
      if (target === undefined) throw new Error(`seccomp: unknown label ${j}`);
      const rel = target - pc - 1;
      if (rel < 0 || rel > 255) throw new Error(`seccomp: jump to ${j} out of range`);
      return rel;
    };
    buf.writeUInt16LE(insn.code, pc * 8);
    buf.writeUInt8(off(insn.jt), pc * 8 + 2);
    buf.writeUInt8(off(insn.jf), pc * 8 + 3);
    buf.writeUInt32LE(insn.k >>> 0, pc * 8 + 4);
  });
  return buf;
}
