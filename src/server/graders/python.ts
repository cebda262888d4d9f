/**
 * The python grader: `grade(sample, item) -> float` run in the bubblewrap sandbox (no network,
 * rlimits, killed at the deadline). The source and the namespaces travel on stdin as JSON; the
 * harness keeps the grader's own prints off stdout, so its last line is always the result.
 * OpenAI's rules: an exception or a value that is not a finite number scores 0 and is flagged.
 * Unlike OpenAI's image, only the standard library is available (no numpy, rapidfuzz...).
 */
import { randomBytes } from "node:crypto";
import { leasePythonSandbox, type Lease } from "../../sandbox/shared.ts";
import type { PythonSandbox } from "../../sandbox/python.ts";
import { SandboxUnavailableError } from "../../sandbox/types.ts";

const HARNESS = String.raw`
import io as _io, json as _json, math as _math, sys as _sys, traceback as _tb
def _rewardsmith_main():
    req = _json.loads(_sys.stdin.read())
    real = _sys.stdout
    _sys.stdout = _io.StringIO()
    out = {}
    try:
        ns = {"__name__": "grader", "__builtins__": __builtins__}
        exec(compile(req["source"], "grader.py", "exec"), ns)
        fn = ns.get("grade")
        if not callable(fn):
            raise NameError("the source defines no function grade(sample, item)")
        value = fn(req["sample"], req["item"])
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise TypeError("grade() returned %r (%s), expected a float" % (value, type(value).__name__))
        value = float(value)
        if not _math.isfinite(value):
            raise ValueError("grade() returned %r, expected a finite float" % value)
        out["reward"] = value
    except BaseException:
        lines = _tb.format_exc().splitlines()
        out["error"] = "\n".join(l for l in lines if "_rewardsmith_main" not in l)[-4000:]
    printed = _sys.stdout.getvalue()
    if printed:
        out["stdout"] = printed[-2000:]
    real.write("\n" + req["marker"] + _json.dumps(out) + "\n")
    real.flush()
_rewardsmith_main()
`;

export type PythonResult =
  | { ok: true; reward: number; stdout?: string }
  | { ok: false; kind: "runtime"; details: string; stdout?: string }
  | { ok: false; kind: "timeout"; details: string }
  | { ok: false; kind: "server"; type: string; details: string };

export class PythonGraders {
  private lease?: Lease<PythonSandbox>;

  private sandbox(): PythonSandbox {
    const bwrap = process.env.REWARDSMITH_BWRAP;
    this.lease ??= leasePythonSandbox({ ...(bwrap ? { bwrap } : {}) });
    return this.lease.sandbox;
  }

  async run(source: string, sample: unknown, item: unknown, wallMs: number, signal?: AbortSignal): Promise<PythonResult> {
    const marker = `@@rewardsmith-${randomBytes(12).toString("hex")}@@`;
    const stdin = JSON.stringify({ source, sample, item, marker });
    let res;
    try {
      // OpenAI's limits: 2 GB of memory and 2 minutes (the request deadline may be shorter).
      res = await this.sandbox().run({ code: HARNESS, stdin, limits: { wallMs: Math.max(100, Math.min(wallMs, 120_000)), memoryMb: 2048, outputBytes: 256 * 1024 } }, { signal });
    } catch (err) {
      if (err instanceof SandboxUnavailableError) return { ok: false, kind: "server", type: "sandbox_unavailable", details: err.message };
      const name = (err as Error)?.name;
      if (name === "AbortError") return { ok: false, kind: "timeout", details: "the request's deadline passed" };
      return { ok: false, kind: "server", type: "sandbox_error", details: (err as Error)?.message ?? String(err) };
    }
    if (res.timedOut) return { ok: false, kind: "timeout", details: `grade() did not finish in ${Math.round(res.wallMs)} ms` };
    const at = res.stdout.lastIndexOf(marker);
    if (at < 0) {
      const why = res.reason ?? (res.signal ? `killed by ${res.signal}` : `exited with status ${res.exitCode}`);
      return { ok: false, kind: "runtime", details: `the grader process ended without a result (${why})${res.stderr ? `: ${res.stderr.slice(-2000)}` : ""}` };
    }
    let out: { reward?: number; error?: string; stdout?: string };
    try {
      out = JSON.parse(res.stdout.slice(at + marker.length).trim().split("\n", 1)[0]!) as typeof out;
    } catch {
      return { ok: false, kind: "server", type: "bad_harness_output", details: "the grader's result could not be read" };
    }
    if (typeof out.reward === "number") return { ok: true, reward: out.reward, ...(out.stdout ? { stdout: out.stdout } : {}) };
    return { ok: false, kind: "runtime", details: out.error ?? "no result", ...(out.stdout ? { stdout: out.stdout } : {}) };
  }

  /** Whether the sandbox can run here (for /health). */
  available(): { ok: true } | { ok: false; reason: string } {
    return this.sandbox().check();
  }

  async close(): Promise<void> {
    await this.lease?.release();
    this.lease = undefined;
  }
}
