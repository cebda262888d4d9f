/** Limits and results shared by the sandboxes (Python in bubblewrap, JavaScript in isolated-vm). */

export type ExecLimits = {
  /** Wall time of the whole job (every test of it), ms. The process tree is SIGKILLed at this deadline. */
  wallMs: number;
  /** Wall time of one test, ms (test jobs); a test past it is a timeout and the next tests go on in a new process. */
  testMs?: number;
  /** CPU seconds per process (RLIMIT_CPU); default: the wall time rounded up, plus one. */
  cpuSeconds?: number;
  /** Address space per process (RLIMIT_AS), and the isolate heap for JavaScript, MiB. */
  memoryMb: number;
  /** Largest file a program may write (RLIMIT_FSIZE), MiB. */
  fileMb: number;
  /** stdout and stderr are each kept up to this many bytes; the rest is counted and dropped. */
  outputBytes: number;
  /** Processes plus threads a program may have at once. */
  processes: number;
  /** Open file descriptors per process (RLIMIT_NOFILE). */
  openFiles: number;
};

export const DEFAULT_LIMITS: ExecLimits = {
  wallMs: 10_000,
  memoryMb: 512,
  fileMb: 16,
  outputBytes: 64 * 1024,
  processes: 32,
  openFiles: 256,
};

/** One program run with its stdin. */
export type RunResult = {
  exitCode: number | null;
  /** Signal name when the process was killed (SIGKILL at the deadline, SIGSEGV, ...). */
  signal: string | null;
  timedOut: boolean;
  /** null when it exited 0 in time; else what went wrong, e.g. "time limit exceeded". */
  reason: string | null;
  stdout: string;
  stderr: string;
  stdoutTruncated: boolean;
  stderrTruncated: boolean;
  wallMs: number;
  cpuMs?: number;
  maxRssKb?: number;
};

export type Verdict = "pass" | "fail" | "error" | "timeout" | "crash";

export type TestVerdict = {
  verdict: Verdict;
  ms: number;
  /** The exception (traceback tail) of a failed test, or why it did not finish. */
  message?: string;
};

/** A program loaded once, then each test run against it. */
export type TestsResult = {
  tests: TestVerdict[];
  /** Processes used: 1, plus one per test that timed out or crashed (the rest resume in a new one). */
  runs: number;
  stdout: string;
  stderr: string;
  stdoutTruncated: boolean;
  stderrTruncated: boolean;
  wallMs: number;
};

/** The sandbox cannot run anything here (bubblewrap missing, namespaces disabled, ...). */
export class SandboxUnavailableError extends Error {
  override readonly name = "SandboxUnavailableError";
}

/** A sandbox broke while running a job for reasons that are not the program's (worth a retry). */
export class SandboxError extends Error {
  override readonly name = "SandboxError";
}
