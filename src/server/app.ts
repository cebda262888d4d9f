/**
 * The reward server: one fastify app that speaks every trainer's protocol over the same specs.
 * Cross-cutting concerns are hooks around the routes, in this order for each request:
 * request id and timing -> bearer auth -> admission (429 when full) -> body parse (413 past the
 * limit) -> route (deadline, idempotency, scoring) -> one structured log line and the metrics
 * when the response closes.
 *
 * @example
 * const server = await createServer({ ...DEFAULT_OPTIONS, spec: "examples/gsm8k/reward.yaml", port: 0 });
 * console.log(server.url);                  // http://127.0.0.1:PORT
 * await server.close();
 */
import { createHash } from "node:crypto";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Fastify, { LogController, type FastifyInstance } from "fastify";
import { bearerAuth, isLoopback, redactUrl } from "./auth.ts";
import { NdjsonBody, protoKeyPath } from "./check.ts";
import { DEFAULT_OPTIONS, type ServerContext, type ServerOptions } from "./context.ts";
import { errorHandler, HttpError, notFoundHandler } from "./errors.ts";
import { GraderEngine } from "./graders/engine.ts";
import { IDEMPOTENCY_HEADERS, IdempotencyStore } from "./idempotency.ts";
import { Admission } from "./limits.ts";
import { BufferedLog } from "./logging.ts";
import { serverMetrics } from "./metrics.ts";
import { Recorder } from "./recorder.ts";
import { foldRetired, healthRoutes, type Retired } from "./routes/health.ts";
import { nativeRoutes } from "./routes/native.ts";
import { nemoGymRoutes } from "./routes/nemo-gym.ts";
import { openaiGraderRoutes } from "./routes/openai-graders.ts";
import { openrlhfRoutes } from "./routes/openrlhf.ts";
import { verlRoutes } from "./routes/verl.ts";
import { RunStore } from "../store/run-store.ts";
import { SpecRegistry } from "./specs.ts";

export type RewardServer = {
  app: FastifyInstance;
  ctx: ServerContext;
  /** http://HOST:PORT once listening. */
  url: string;
  close(): Promise<void>;
};

/** Thrown before anything starts when the options are unsafe or inconsistent. */
export class ServerConfigError extends Error {
  override readonly name = "ServerConfigError";
}

export async function createServer(partial: Partial<ServerOptions> & { spec: string }, listen = true): Promise<RewardServer> {
  const options: ServerOptions = { ...DEFAULT_OPTIONS, ...partial };
  if (!options.token && !isLoopback(options.host)) {
    throw new ServerConfigError(`--host ${options.host} is not a loopback address: anyone who can reach it could score (and flood) this server, so a token is required (--token or REWARDSMITH_TOKEN)`);
  }

  const logStream = options.logLevel === "silent" ? undefined : new BufferedLog();
  const app = Fastify({
    logger: logStream ? { level: options.logLevel, stream: logStream } : false,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: options.maxBodyBytes,
    // A request (headers and body) must arrive within 5 minutes, as Node's own default (fastify
    // turns it off): a trickled body cannot keep its connection and buffer forever.
    requestTimeout: 300_000,
    requestIdHeader: "x-request-id",
    return503OnClosing: true,
  });
  const metrics = serverMetrics();
  const retired: Retired = new Map();
  let recorder: Recorder | undefined;

  // Stateful combine pieces read and write their state synchronously: a connection of their own
  // (results go through the recorder's writer thread).
  let state: RunStore | undefined;
  if (options.store) {
    mkdirSync(dirname(options.store), { recursive: true });
    state = new RunStore(options.store);
  }
  const specs = await SpecRegistry.open(options.spec, {
    state,
    workers: options.workers,
    concurrency: options.concurrency,
    reloadMs: options.reloadMs,
    log: (level, obj, msg) => app.log[level](obj, msg),
    onBatch: (spec, n, ms) => {
      metrics.batchLatency.observe([spec], ms / 1000);
      metrics.batchSize.observe([spec], n);
    },
    onRetire: (v) => {
      foldRetired(retired, v);
      recorder?.finish(`spec\u0000${v.name}\u0000${v.spec.hash}\u0000${v.loadedAt.getTime()}`);
    },
    onReload: (spec, result) => metrics.reloads.inc([spec, result]),
  });

  if (options.store) {
    try {
      mkdirSync(dirname(options.store), { recursive: true });
      recorder = await Recorder.open(options.store, `serve ${options.host}:${options.port}`, (message) => app.log.error({ error: message }, "run store write failed"));
    } catch (err) {
      await specs.close();
      state?.close();
      logStream?.close();
      throw err;
    }
  }

  const ctx: ServerContext = {
    options,
    specs,
    metrics,
    admission: new Admission({ maxRequests: options.maxConcurrent, maxSamples: options.maxInflightSamples }),
    idempotency: new IdempotencyStore(),
    recorder,
    graders: new GraderEngine(),
    startedAt: Date.now(),
  };

  app.decorateRequest("rs", null as unknown as FastifyRequestRs);
  app.decorateRequest("ticket", undefined);
  const auth = bearerAuth(options.token);

  app.addHook("onRequest", async (req, reply) => {
    req.rs = {};
    const t0 = performance.now();
    const route = req.routeOptions.url ?? "unmatched";
    void reply.header("x-request-id", req.id);
    reply.raw.once("close", () => {
      req.ticket?.end();
      const status = reply.raw.statusCode;
      const s = (performance.now() - t0) / 1000;
      metrics.requests.inc([route, req.method, String(status)]);
      metrics.latency.observe([route], s);
      const reason = status === 401 ? "auth" : status === 429 ? "limit" : status === 504 ? "deadline" : status === 413 ? "size" : undefined;
      if (reason) metrics.rejected.inc([reason]);
      const line = {
        method: req.method,
        url: redactUrl(req.url),
        route,
        status,
        ms: Math.round(s * 1e6) / 1000,
        ...(req.rs.samples !== undefined ? { samples: req.rs.samples } : {}),
        ...(req.rs.spec ? { spec: req.rs.spec, spec_hash: req.rs.hash } : {}),
        ...(req.rs.replayed ? { replayed: true } : {}),
        ...(reply.raw.writableFinished ? {} : { aborted: true }),
      };
      if (status >= 500) req.log.error(line, "request");
      else if (status >= 400) req.log.warn(line, "request");
      else req.log.info(line, "request");
    });
    auth?.(req);
    if (req.routeOptions.config?.scoring) ctx.admission.check();
  });
  // The slot itself is taken once the body is in (an NDJSON body: once it starts streaming), so
  // clients that send headers and then trickle a body (slowloris) cannot hold every slot.
  app.addHook("preHandler", async (req, reply) => {
    if (!req.routeOptions.config?.scoring) return;
    req.ticket = ctx.admission.enter();
    // Closed already (the client left while its body was parsed): the close handler has run.
    if (reply.raw.closed) req.ticket.end();
  });

  // Our own JSON parser, for messages that say where the JSON broke (fastify's drops the reason).
  app.removeContentTypeParser("application/json");
  // No route reads plain text: a JSON body sent as text/plain gets the 415 saying what to send,
  // not "expected a JSON object, got string".
  app.removeContentTypeParser("text/plain");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (req, body, done) => {
    const text = body as string;
    // An idempotent request is recognised by its body text (only hashed when a key is sent).
    if (IDEMPOTENCY_HEADERS.some((h) => req.headers[h] !== undefined)) req.rs.bodyHash = createHash("sha256").update(text).digest("base64");
    if (text.length === 0) return done(new HttpError(400, "empty body: expected a JSON object", "body", "invalid_json"), undefined);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      return done(new HttpError(400, `not valid JSON: ${(err as Error).message}`, "body", "invalid_json"), undefined);
    }
    // A "__proto__" key would become a prototype if any code downstream merged this object; the
    // text test only spares the walk (the string "__proto__" as a value is fine).
    const proto = text.includes('"__proto__"') ? protoKeyPath(value) : undefined;
    if (proto !== undefined) return done(new HttpError(400, 'the key "__proto__" is not allowed', proto.replace(/^body\.?/, "") || "body", "invalid_json"), undefined);
    done(null, value);
  });
  app.addContentTypeParser("application/x-ndjson", (_req, payload, done) => done(null, new NdjsonBody(payload)));
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(notFoundHandler);

  healthRoutes(app, ctx, retired);
  nativeRoutes(app, ctx);
  openrlhfRoutes(app, ctx);
  verlRoutes(app, ctx);
  nemoGymRoutes(app, ctx);
  openaiGraderRoutes(app, ctx);

  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await app.close();
    await specs.close();
    await ctx.graders.close();
    await recorder?.close();
    state?.close();
    logStream?.close();
  };

  let url = "";
  if (listen) {
    try {
      await app.listen({ host: options.host, port: options.port });
    } catch (err) {
      await close();
      throw err;
    }
    const addr = app.server.address();
    const port = typeof addr === "object" && addr ? addr.port : options.port;
    const host = options.host.includes(":") ? `[${options.host}]` : options.host;
    url = `http://${host}:${port}`;
  } else {
    await app.ready();
  }
  return { app, ctx, url, close };
}

type FastifyRequestRs = { samples?: number; spec?: string; hash?: string; replayed?: boolean; bodyHash?: string };

