/**
 * Load test of `rewardsmith serve` on loopback: npm run bench -- server [--quick]
 *
 * Starts the server as a child process on the bundled GSM8K spec (three rule rewards: gsm8k,
 * regex, length_penalty) with a run store, as `npm start` does, then:
 *   1. batch   POST /v1/score with batches of 256 distinct samples (no cache hits), 8 in flight:
 *              samples/s (goal >= 50,000 on 2 cores);
 *   2. single  single-sample POST /v1/score at 64 concurrent: req/s, p50/p99 latency;
 *   0. pipeline  the same batches scored in-process, without HTTP: the pipeline's own ceiling;
 *   3. soak    100,000 requests at 64 concurrent, round-robin over every protocol (native,
 *              OpenRLHF, verl, NeMo Gym, OpenAI string_check grader): zero failures, and the
 *              server's RSS (sampled from /health) flat after warm-up.
 * The machine is shared, so besides wall-clock rates each phase reports the CPU time it cost
 * (server process, all threads) per sample, and the rate that cost allows on 2 dedicated cores.
 * Each phase is bounded in count and time. Prints one JSON object per line; exits 1 when a goal
 * is missed. `--quick` runs a tenth of everything (a smoke test); `--no-store` serves without the
 * run store.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { Agent, request } from "node:http";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { compileFile } from "../src/engine.ts";

const quick = process.argv.includes("--quick");
/** Without the run store (its SQLite inserts are about a third of the server's CPU per sample). */
const noStore = process.argv.includes("--no-store");
const scale = quick ? 0.1 : 1;
const BATCH = 256;
const BATCHES = Math.round(800 * scale);
const BATCH_INFLIGHT = 8;
const SINGLES = Math.round(20_000 * scale);
const SOAK = Math.round(100_000 * scale);
const CONCURRENT = 64;
const PHASE_LIMIT_MS = 180_000;

function emit(o: Record<string, unknown>): void {
  process.stdout.write(JSON.stringify(o) + "\n");
}

async function startServer(dir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli/serve.ts", "--spec", "examples/gsm8k/reward.yaml", "--port", "0", ...(noStore ? [] : ["--store", join(dir, "serve.db")]), "--reload-ms", "0"], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let err = "";
    const t = setTimeout(() => reject(new Error(`server did not start in 60 s: ${err}`)), 60_000);
    child.stderr!.on("data", (d: Buffer) => {
      err += d.toString();
      const m = /listening on (http:\/\/\S+?)[\s(]/.exec(err);
      if (m) {
        clearTimeout(t);
        resolve(m[1]!);
      }
    });
    child.once("exit", (code) => reject(new Error(`server exited with ${code}: ${err}`)));
  });
  return { child, url };
}

const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENT });

function post(url: string, path: string, body: string): Promise<{ status: number; body: string; ms: number }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(url + path, { method: "POST", agent, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString(), ms: performance.now() - t0 }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

async function get(url: string, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    request(url + path, { agent }, (res) => {
      let s = "";
      res.on("data", (c) => (s += c));
      res.on("end", () => resolve(s));
    })
      .on("error", reject)
      .end();
  });
}

/** Runs `total` tasks with `concurrency` in flight, stopping early at the time limit. */
async function pool(total: number, concurrency: number, task: (i: number) => Promise<void>): Promise<{ done: number; ms: number }> {
  const t0 = performance.now();
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < total && performance.now() - t0 < PHASE_LIMIT_MS) {
      const i = next++;
      await task(i);
      done++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { done, ms: performance.now() - t0 };
}

/** The server's CPU seconds so far (all threads), from its /metrics. */
async function serverCpu(url: string): Promise<number> {
  const m = /^process_cpu_seconds_total ([\d.e+-]+)$/m.exec(await get(url, "/metrics"));
  return m ? Number(m[1]) : NaN;
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

function sample(i: number): Record<string, unknown> {
  const a = i % 1000;
  const b = (i * 7) % 997;
  return { id: String(i), prompt: `What is ${a} + ${b}?`, completion: `We add ${a} and ${b} to get ${a + b}.\n#### ${a + b + (i % 5 === 0 ? 1 : 0)}`, reference: `#### ${a + b}` };
}

async function main(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), "rs-bench-server-"));
  const { child, url } = await startServer(dir);
  const failures: string[] = [];
  emit({ bench: "server", machine: { cores: cpus().length, loadavg_1m: round(loadavg()[0]!) }, url, quick, store: !noStore });
  try {
    // Warm-up: workers, JIT, sandbox-free paths.
    await pool(200, 16, async (i) => void (await post(url, "/v1/score", JSON.stringify({ samples: [sample(10_000_000 + i)] }))));

    // 0. The pipeline alone, in this process: the same work without HTTP, JSON or the store.
    {
      const p = await compileFile("examples/gsm8k/reward.yaml");
      await p.score([sample(20_000_000) as never]);
      const c0 = process.cpuUsage();
      const r0 = await pool(BATCHES, BATCH_INFLIGHT, async (b) => {
        await p.score(Array.from({ length: BATCH }, (_, k) => sample(30_000_000 + b * BATCH + k)) as never);
      });
      const c = process.cpuUsage(c0);
      await p.close();
      const us = (c.user + c.system) / (r0.done * BATCH);
      emit({ phase: "pipeline", in_process: true, batch: BATCH, in_flight: BATCH_INFLIGHT, samples: r0.done * BATCH, seconds: round(r0.ms / 1000), samples_per_s: Math.round((r0.done * BATCH) / (r0.ms / 1000)), cpu_us_per_sample: round(us, 1), samples_per_s_on_2_free_cores: Math.round(2e6 / us), loadavg_1m: round(loadavg()[0]!) });
    }

    // 1. Batches of 256 distinct samples.
    const bodies = Array.from({ length: BATCHES }, (_, b) => JSON.stringify({ samples: Array.from({ length: BATCH }, (_, k) => sample(b * BATCH + k)) }));
    let bad = 0;
    const lat: number[] = [];
    const cpu1 = await serverCpu(url);
    const r1 = await pool(BATCHES, BATCH_INFLIGHT, async (i) => {
      const r = await post(url, "/v1/score", bodies[i]!);
      lat.push(r.ms);
      if (r.status !== 200) bad++;
    });
    lat.sort((a, b) => a - b);
    const sps = (r1.done * BATCH) / (r1.ms / 1000);
    const us1 = ((await serverCpu(url)) - cpu1) * 1e6 / (r1.done * BATCH);
    emit({ phase: "batch", route: "/v1/score", batch: BATCH, in_flight: BATCH_INFLIGHT, batches: r1.done, samples: r1.done * BATCH, seconds: round(r1.ms / 1000), samples_per_s: Math.round(sps), batch_p50_ms: round(pct(lat, 50)), batch_p99_ms: round(pct(lat, 99)), non_200: bad, server_cpu_us_per_sample: round(us1, 1), samples_per_s_on_2_free_cores: Math.round(2e6 / us1), goal_samples_per_s: 50_000, loadavg_1m: round(loadavg()[0]!) });
    if (sps < 50_000) failures.push(`batch: ${Math.round(sps)} samples/s < 50000`);
    if (bad > 0) failures.push(`batch: ${bad} non-200`);

    // 2. Single-sample requests at 64 concurrent.
    const singles = Array.from({ length: SINGLES }, (_, i) => JSON.stringify({ samples: [sample(1_000_000 + i)] }));
    const sl: number[] = [];
    let sbad = 0;
    const cpu2 = await serverCpu(url);
    const r2 = await pool(SINGLES, CONCURRENT, async (i) => {
      const r = await post(url, "/v1/score", singles[i]!);
      sl.push(r.ms);
      if (r.status !== 200) sbad++;
    });
    sl.sort((a, b) => a - b);
    const us2 = ((await serverCpu(url)) - cpu2) * 1e6 / r2.done;
    emit({ phase: "single", route: "/v1/score", concurrent: CONCURRENT, requests: r2.done, seconds: round(r2.ms / 1000), requests_per_s: Math.round(r2.done / (r2.ms / 1000)), server_cpu_us_per_request: round(us2, 1), p50_ms: round(pct(sl, 50)), p99_ms: round(pct(sl, 99)), max_ms: round(sl[sl.length - 1] ?? NaN), non_200: sbad, loadavg_1m: round(loadavg()[0]!) });
    if (sbad > 0) failures.push(`single: ${sbad} non-200`);

    // 3. Soak over every protocol.
    const grader = { type: "string_check", name: "s", input: "{{sample.output_text}}", reference: "{{item.answer}}", operation: "eq" };
    const kinds = [
      (i: number) => ["/v1/score", JSON.stringify({ samples: [sample(2_000_000 + i)] })],
      (i: number) => {
        const s = sample(2_000_000 + i);
        const prompt = `<|im_start|>user\n${s.prompt}<|im_end|>\n<|im_start|>assistant\n`;
        return ["/get_reward", JSON.stringify({ query: [prompt + s.completion + "<|im_end|>"], prompts: [prompt], labels: [s.reference] })];
      },
      (i: number) => {
        const s = sample(2_000_000 + i);
        return ["/verl/compute_score", JSON.stringify({ data_source: "openai/gsm8k", solution_str: s.completion, ground_truth: s.reference, extra_info: { index: i } })];
      },
      (i: number) => {
        const s = sample(2_000_000 + i);
        return ["/verify", JSON.stringify({ responses_create_params: { input: [{ role: "user", content: s.prompt }] }, response: { id: `r${i}`, output: [{ type: "message", role: "assistant", content: [{ type: "output_text", text: s.completion }] }] }, expected_answer: s.reference })];
      },
      (i: number) => ["/v1/fine_tuning/alpha/graders/run", JSON.stringify({ grader, model_sample: String(i % 10), item: { answer: "3" } })],
    ];
    const rss: { requests: number; rss_mb: number }[] = [];
    const readRss = async (n: number) => {
      const h = JSON.parse(await get(url, "/health")) as { memory: { rss_bytes: number } };
      rss.push({ requests: n, rss_mb: round(h.memory.rss_bytes / 2 ** 20, 1) });
    };
    await readRss(0);
    let sfail = 0;
    const firstErrors: string[] = [];
    const step = Math.max(1, Math.floor(SOAK / 10));
    const soakLat: number[] = [];
    const r3 = await pool(SOAK, CONCURRENT, async (i) => {
      const [path, body] = kinds[i % kinds.length]!(i);
      try {
        const r = await post(url, path!, body!);
        if (i % 10 === 0) soakLat.push(r.ms);
        if (r.status !== 200) {
          sfail++;
          if (firstErrors.length < 3) firstErrors.push(`${path} ${r.status} ${r.body.slice(0, 200)}`);
        }
      } catch (err) {
        sfail++;
        if (firstErrors.length < 3) firstErrors.push(`${path} ${(err as Error).message}`);
      }
      if ((i + 1) % step === 0) await readRss(i + 1);
    });
    soakLat.sort((a, b) => a - b);
    // Flat: after the first tenth (warm-up: JIT, caches filling), RSS grows by less than 64 MiB and 25%.
    const base = rss.find((x) => x.requests >= step) ?? rss[0]!;
    const peak = Math.max(...rss.filter((x) => x.requests >= step).map((x) => x.rss_mb));
    const last = rss[rss.length - 1]!;
    const flat = peak - base.rss_mb < 64 && peak < base.rss_mb * 1.25;
    emit({ phase: "soak", requests: r3.done, concurrent: CONCURRENT, routes: ["/v1/score", "/get_reward", "/verl/compute_score", "/verify", "/v1/fine_tuning/alpha/graders/run"], seconds: round(r3.ms / 1000), requests_per_s: Math.round(r3.done / (r3.ms / 1000)), p50_ms: round(pct(soakLat, 50)), p99_ms: round(pct(soakLat, 99)), failures: sfail, first_errors: firstErrors, rss_mb: rss.map((x) => x.rss_mb), rss_after_warmup_mb: base.rss_mb, rss_peak_mb: peak, rss_end_mb: last.rss_mb, rss_flat: flat, loadavg_1m: round(loadavg()[0]!) });
    if (r3.done < SOAK) failures.push(`soak: only ${r3.done} of ${SOAK} requests in ${PHASE_LIMIT_MS / 1000} s`);
    if (sfail > 0) failures.push(`soak: ${sfail} failures`);
    if (!flat) failures.push(`soak: RSS grew from ${base.rss_mb} to ${peak} MiB`);
    const metrics = await get(url, "/metrics");
    const m = /rewardsmith_http_requests_total\{route="\/v1\/score",method="POST",status="200"\} (\d+)/.exec(metrics);
    emit({ phase: "metrics", v1_score_200: m ? Number(m[1]) : null });
  } finally {
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
    agent.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
  emit({ bench: "server", ok: failures.length === 0, failures });
  return failures.length === 0 ? 0 : 1;
}

process.exitCode = await main();
