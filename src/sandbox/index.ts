/**
 * Sandboxed execution of untrusted code: Python in bubblewrap (a pool of warm sandboxes),
 * JavaScript in isolated-vm, and the process-kill helpers other sandboxes (SQL workers) reuse.
 * Nothing here knows about rewards.
 */
export { PythonSandbox, MISSING_BWRAP, type PythonSandboxOptions, type PythonRunRequest, type PythonTestsRequest, type SandboxInfo } from "./python.ts";
export { JsSandbox, stripAssertRequire, type JsSandboxOptions } from "./js.ts";
export { leasePythonSandbox, leaseJsSandbox, type Lease } from "./shared.ts";
export { isAlive, killPids, killChild, exited, processesOfUid } from "./kill.ts";
export { blockedSyscalls } from "./seccomp.ts";
export {
  DEFAULT_LIMITS,
  SandboxError,
  SandboxUnavailableError,
  type ExecLimits,
  type RunResult,
  type TestsResult,
  type TestVerdict,
  type Verdict,
} from "./types.ts";
