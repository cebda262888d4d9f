import { pathToFileURL } from "node:url";
import { ValidationError } from "../core/errors.ts";
import { createServer, ServerConfigError } from "../server/app.ts";
import { DEFAULT_OPTIONS, type ServerOptions } from "../server/context.ts";
import { intFlag, parse, UsageError } from "./args.ts";

export const SERVE_USAGE = `usage: rewardsmith serve --spec FILE|DIR [--host 127.0.0.1] [--port 8787] [options]

Serves reward specs over HTTP to every trainer's protocol: native POST /v1/score, OpenRLHF
POST /get_reward, verl POST /verl/compute_score, NeMo Gym POST /verify, OpenAI graders
POST /v1/fine_tuning/alpha/graders/run|validate; GET /v1/specs, /health, /metrics.

options:
  -s, --spec FILE|DIR          a spec file, or a directory of them (name = file name; routes.yaml
                               maps verl data_source values to specs). Changed files are reloaded.  (required)
      --host HOST              address to bind (default 127.0.0.1)
      --port N                 port (default 8787; 0 = any free port)
      --token TOKEN            bearer token clients must send (default: $REWARDSMITH_TOKEN);
                               required when --host is not a loopback address
      --store FILE             record every scored request in this SQLite run store
      --max-body-mb N          largest JSON body (default 64)
      --deadline-ms N          per-request deadline (default 120000; X-Deadline-Ms can shorten it)
      --max-concurrent N       scoring requests in flight before 429 + Retry-After (default 512)
      --max-inflight-samples N samples in flight before 429 (default 262144)
      --max-batch N            samples per JSON request (default 100000; more: NDJSON streaming)
      --workers N              worker threads per spec for CPU-bound rewards (default: cores)
      --concurrency N          concurrent main-thread reward calls per spec (default 64)
      --reload-ms N            check spec files for changes every N ms (default 1000; 0 = off)
      --log-level LEVEL        trace|debug|info|warn|error|fatal|silent (default info); JSON lines on stdout

Stops on SIGINT/SIGTERM after answering the requests in flight.`;

const LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"] as const;

export function serveOptions(argv: string[]): ServerOptions | "help" {
  const { values: v, positionals } = parse(argv, {
    spec: { type: "string", short: "s" },
    host: { type: "string" },
    port: { type: "string" },
    token: { type: "string" },
    store: { type: "string" },
    "max-body-mb": { type: "string" },
    "deadline-ms": { type: "string" },
    "max-concurrent": { type: "string" },
    "max-inflight-samples": { type: "string" },
    "max-batch": { type: "string" },
    workers: { type: "string" },
    concurrency: { type: "string" },
    "reload-ms": { type: "string" },
    "log-level": { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  if (v.help) return "help";
  if (positionals.length > 0) throw new UsageError(`unexpected argument: ${positionals.join(" ")}`);
  if (!v.spec) throw new UsageError("missing --spec FILE|DIR");
  const level = v["log-level"] ?? DEFAULT_OPTIONS.logLevel;
  if (!(LEVELS as readonly string[]).includes(level)) throw new UsageError(`--log-level: expected one of ${LEVELS.join(", ")}, got "${level}"`);
  const token = v.token ?? process.env.REWARDSMITH_TOKEN;
  if (token !== undefined && token.trim() === "") throw new UsageError("--token: must not be empty");
  const mb = intFlag(v["max-body-mb"], "--max-body-mb", 1, 4096);
  return {
    ...DEFAULT_OPTIONS,
    spec: v.spec,
    host: v.host ?? DEFAULT_OPTIONS.host,
    port: intFlag(v.port, "--port", 0, 65_535) ?? DEFAULT_OPTIONS.port,
    ...(token ? { token } : {}),
    ...(v.store ? { store: v.store } : {}),
    maxBodyBytes: mb !== undefined ? mb * 1024 * 1024 : DEFAULT_OPTIONS.maxBodyBytes,
    deadlineMs: intFlag(v["deadline-ms"], "--deadline-ms", 1, 3_600_000) ?? DEFAULT_OPTIONS.deadlineMs,
    maxConcurrent: intFlag(v["max-concurrent"], "--max-concurrent", 1, 1_000_000) ?? DEFAULT_OPTIONS.maxConcurrent,
    maxInflightSamples: intFlag(v["max-inflight-samples"], "--max-inflight-samples", 1) ?? DEFAULT_OPTIONS.maxInflightSamples,
    maxBatch: intFlag(v["max-batch"], "--max-batch", 1) ?? DEFAULT_OPTIONS.maxBatch,
    workers: intFlag(v.workers, "--workers", 1, 256),
    concurrency: intFlag(v.concurrency, "--concurrency", 1, 100_000),
    reloadMs: intFlag(v["reload-ms"], "--reload-ms", 0) ?? DEFAULT_OPTIONS.reloadMs,
    logLevel: level as ServerOptions["logLevel"],
  };
}

export async function serveCommand(argv: string[]): Promise<number> {
  const options = serveOptions(argv);
  if (options === "help") {
    process.stdout.write(SERVE_USAGE + "\n");
    return 0;
  }
  let server;
  try {
    server = await createServer(options);
  } catch (err) {
    if (err instanceof ServerConfigError) throw new UsageError(err.message);
    throw err;
  }
  const { specs } = server.ctx;
  server.app.log.info({ url: server.url, specs: specs.list().specs.map((s) => ({ name: s.name, hash: s.hash })), default: specs.defaultName() ?? null, auth: Boolean(options.token), store: options.store ?? null }, "rewardsmith serve listening");
  process.stderr.write(`rewardsmith serve: listening on ${server.url} (specs: ${specs.names().join(", ")}${options.token ? "; token required" : ""})\n`);
  await new Promise<void>((resolve) => {
    const stop = (sig: string) => {
      process.stderr.write(`rewardsmith serve: ${sig}, finishing the requests in flight\n`);
      process.off("SIGINT", onInt);
      process.off("SIGTERM", onTerm);
      resolve();
    };
    const onInt = () => stop("SIGINT");
    const onTerm = () => stop("SIGTERM");
    process.on("SIGINT", onInt);
    process.on("SIGTERM", onTerm);
  });
  await server.close();
  return 0;
}

// `npm start` runs this file directly (through tsx), so a stale dist/ build never matters there.
if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  try {
    process.exitCode = await serveCommand(process.argv.slice(2));
  } catch (err) {
    const msg = err instanceof ValidationError ? `invalid spec\n${err.message}` : err instanceof UsageError ? `${err.message}\n\n${SERVE_USAGE}` : ((err as Error)?.message ?? String(err));
    process.stderr.write(`rewardsmith serve: ${msg}\n`);
    process.exitCode = 2;
  }
}
