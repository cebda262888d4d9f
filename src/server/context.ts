/**
 * What every route shares, and the one path by which any protocol scores samples: lease the
 * spec version, score through its batcher, count the statuses, record the results.
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import type { Sample, Status } from "../core/types.ts";
import type { ScoredSample } from "../pipeline/pipeline.ts";
import type { GraderEngine } from "./graders/engine.ts";
import { IdempotencyStore, idempotencyKey } from "./idempotency.ts";
import { Admission, deadlineOf, withDeadline, type Ticket } from "./limits.ts";
import type { ServerMetrics } from "./metrics.ts";
import type { Recorder } from "./recorder.ts";
import type { SpecRegistry, SpecVersion } from "./specs.ts";

export type ServerOptions = {
  /** A spec file, or a directory of them (see specs.ts). */
  spec: string;
  host: string;
  port: number;
  /** Bearer token; required when `host` is not a loopback address. */
  token?: string;
  /** SQLite run store path. */
  store?: string;
  maxBodyBytes: number;
  /** Per-request deadline (a client's `X-Deadline-Ms` can only shorten it). */
  deadlineMs: number;
  /** Scoring requests in flight at once; more get 429 + Retry-After. */
  maxConcurrent: number;
  /** Samples in flight at once over all requests; more get 429. */
  maxInflightSamples: number;
  /** Samples per JSON request (bigger batches: NDJSON streaming). */
  maxBatch: number;
  workers?: number;
  concurrency?: number;
  /** Poll spec files for changes every this many ms (0 = no hot reload). */
  reloadMs: number;
  logLevel: "trace" | "debug" | "info" | "warn" | "error" | "fatal" | "silent";
};

export const DEFAULT_OPTIONS: Omit<ServerOptions, "spec"> = {
  host: "127.0.0.1",
  port: 8787,
  maxBodyBytes: 64 * 1024 * 1024,
  deadlineMs: 120_000,
  maxConcurrent: 512,
  maxInflightSamples: 262_144,
  maxBatch: 100_000,
  reloadMs: 1000,
  logLevel: "info",
};

export type ServerContext = {
  options: ServerOptions;
  specs: SpecRegistry;
  metrics: ServerMetrics;
  admission: Admission;
  idempotency: IdempotencyStore;
  recorder?: Recorder;
  graders: GraderEngine;
  startedAt: number;
};

declare module "fastify" {
  interface FastifyRequest {
    /** The admission slot of a scoring request. */
    ticket?: Ticket;
    /** For the log line: samples in the request, the spec and version it ran on. */
    rs: { samples?: number; spec?: string; hash?: string; replayed?: boolean; bodyHash?: string };
  }
  interface FastifyContextConfig {
    /** Counts against the concurrency limit and gets a deadline. */
    scoring?: boolean;
  }
}

export type Scored = { spec: string; hash: string; version: SpecVersion; results: ScoredSample[] };

/**
 * Scores samples on a spec (by name, or the default), recording and counting them. The version
 * is leased for the whole call: a reload meanwhile does not change what this batch runs on.
 */
export async function scoreOnSpec(ctx: ServerContext, req: FastifyRequest, specName: string | undefined, samples: Sample[], param = "spec"): Promise<Scored> {
  const lease = ctx.specs.lease(specName, param);
  const v = lease.version;
  req.rs.spec = v.name;
  req.rs.hash = v.spec.hash;
  try {
    const results = await v.batcher.score(samples);
    account(ctx, v, samples, results);
    return { spec: v.name, hash: v.spec.hash, version: v, results };
  } finally {
    lease.release();
  }
}

/** A sample to score, or why a request item could not become one (it is reported invalid_input). */
export type Item = { sample: Sample } | { id: string; problem: string };

/** scoreOnSpec for items some of which are not samples: those get invalid_input results naming the field. */
export async function scoreItems(ctx: ServerContext, req: FastifyRequest, specName: string | undefined, items: readonly Item[], param = "spec"): Promise<Scored> {
  if (items.every((i) => "sample" in i)) return scoreOnSpec(ctx, req, specName, items.map((i) => (i as { sample: Sample }).sample), param);
  const lease = ctx.specs.lease(specName, param);
  const v = lease.version;
  req.rs.spec = v.name;
  req.rs.hash = v.spec.hash;
  try {
    const samples = items.flatMap((i) => ("sample" in i ? [i.sample] : []));
    const scored = await v.batcher.score(samples);
    let k = 0;
    const results = items.map((i): ScoredSample => {
      if ("sample" in i) return scored[k++]!;
      const o = { score: null, status: "invalid_input" as const, reason: i.problem };
      return { id: i.id, score: null, status: "invalid_input", reason: i.problem, components: Object.fromEntries(v.spec.rewards.map((r) => [r.name, o])) };
    });
    account(ctx, v, items.map((i) => ("sample" in i ? i.sample : ({ id: i.id } as Sample))), results);
    return { spec: v.name, hash: v.spec.hash, version: v, results };
  } finally {
    lease.release();
  }
}

/** Metrics and the run store for results of one version. */
export function account(ctx: ServerContext, v: SpecVersion, samples: readonly Sample[], results: readonly ScoredSample[]): void {
  const counts: Partial<Record<Status, number>> = {};
  for (const r of results) counts[r.status] = (counts[r.status] ?? 0) + 1;
  for (const [s, n] of Object.entries(counts)) ctx.metrics.samples.inc([v.name, s], n);
  ctx.recorder?.record(
    { key: `spec\u0000${v.name}\u0000${v.spec.hash}\u0000${v.loadedAt.getTime()}`, kind: "serve", specHash: v.spec.hash, specName: v.name, specText: v.spec.text },
    results,
    samples.map((s) => (s && typeof s === "object" && typeof s.group === "string" ? s.group : undefined)),
  );
}

export function usageOf(results: readonly ScoredSample[], ms: number): Record<string, number> {
  const u: Record<string, number> = { samples: results.length, ok: 0, not_applicable: 0, invalid_input: 0, timeout: 0, error: 0 };
  for (const r of results) u[r.status]!++;
  u.ms = Math.round(ms * 1000) / 1000;
  return u;
}

/**
 * Runs a route's work under the request's deadline and idempotency key. The admission slot is
 * held until the work ends, even past a 504.
 */
export async function respond<T>(ctx: ServerContext, req: FastifyRequest, reply: FastifyReply, route: string, weight: number, work: () => Promise<T>, what = "scoring"): Promise<T> {
  const deadline = deadlineOf(req, ctx.options.deadlineMs);
  req.rs.samples = weight;
  req.ticket?.addSamples(weight);
  const key = idempotencyKey(req.headers, route);
  let promise: Promise<T>;
  if (key !== undefined) {
    // The body's text as received (hashed by the JSON parser): re-serializing the parsed body
    // could overflow the stack on a hostile nesting depth.
    const r = ctx.idempotency.run(key, req.rs.bodyHash ?? req.body, weight, work);
    promise = r.promise;
    if (r.replayed) {
      req.rs.replayed = true;
      ctx.metrics.replays.inc([route]);
      void reply.header("Idempotent-Replayed", "true");
    }
  } else {
    promise = work();
  }
  const hold = req.ticket?.hold();
  if (hold) promise.then(hold, hold);
  return withDeadline(promise, deadline, what);
}
