/**
 *   GET /health    liveness and a little state (open without a token)
 *   GET /metrics   Prometheus text: HTTP requests and latency, samples by status, per-reward
 *                  outcomes, cache hits and reward time, worker restarts, process memory
 */
import type { FastifyInstance } from "fastify";
import { STATUSES } from "../../core/types.ts";
import type { ServerContext } from "../context.ts";
import type { Collected } from "../metrics.ts";
import type { SpecVersion } from "../specs.ts";

/** Pipeline counters of one spec name: per-reward outcome counts, cache lookups, worker events. */
type Counters = {
  rewards: Map<string, Record<string, number>>;
  cache: { hits: number; misses: number };
  workers: { timeouts: number; crashes: number; restarts: number };
};

/** Pipeline counters of versions that were replaced, so counters never go backwards after a reload. */
export type Retired = Map<string, Counters>;

const noCounters = (): Counters => ({ rewards: new Map(), cache: { hits: 0, misses: 0 }, workers: { timeouts: 0, crashes: 0, restarts: 0 } });

function countersFor<C>(byName: Map<string, C>, name: string, make: () => C): C {
  let c = byName.get(name);
  if (!c) {
    c = make();
    byName.set(name, c);
  }
  return c;
}

/** A live version's counters, read once. */
function countersOf(v: SpecVersion) {
  return { rewards: Object.entries(v.pipeline.stats) as [string, Record<string, number>][], cache: v.pipeline.cacheStats, workers: v.pipeline.workerStats };
}

/**
 * Adds counters (a live version's, or a retired sum) into `into`. Retiring a version and
 * rendering /metrics sum the same counters; one adder keeps the two sums alike.
 */
function addCounters(into: Counters, from: { rewards: Iterable<[string, Record<string, number>]>; cache: Counters["cache"]; workers: Counters["workers"] }): void {
  for (const [reward, st] of from.rewards) {
    const have = into.rewards.get(reward) ?? {};
    for (const [k, n] of Object.entries(st)) have[k] = (have[k] ?? 0) + n;
    into.rewards.set(reward, have);
  }
  into.cache.hits += from.cache.hits;
  into.cache.misses += from.cache.misses;
  into.workers.timeouts += from.workers.timeouts;
  into.workers.crashes += from.workers.crashes;
  into.workers.restarts += from.workers.restarts;
}

export function foldRetired(retired: Retired, v: SpecVersion): void {
  addCounters(countersFor(retired, v.name, noCounters), countersOf(v));
}

export function healthRoutes(app: FastifyInstance, ctx: ServerContext, retired: Retired): void {
  app.get("/health", async () => {
    const m = process.memoryUsage();
    return {
      status: "ok",
      uptime_s: Math.round((Date.now() - ctx.startedAt) / 1000),
      specs: ctx.specs.list().specs.map((s) => ({ name: s.name, hash: s.hash, ...(s.error ? { error: s.error.message } : {}) })),
      in_flight: { requests: ctx.admission.inflight, samples: ctx.admission.samples },
      memory: { rss_bytes: m.rss, heap_used_bytes: m.heapUsed },
      store: ctx.options.store ?? null,
    };
  });

  ctx.metrics.registry.collect(() => pipelineMetrics(ctx, retired));
  ctx.metrics.registry.collect(() => processMetrics(ctx));

  app.get("/metrics", async (_req, reply) => {
    void reply.header("content-type", "text/plain; version=0.0.4; charset=utf-8");
    return ctx.metrics.registry.render();
  });
}

function pipelineMetrics(ctx: ServerContext, retired: Retired): Collected[] {
  const outcomes: Collected = { name: "rewardsmith_reward_outcomes_total", help: "Reward outcomes computed (cache hits excluded), by spec, reward and status.", type: "counter", samples: [] };
  const hits: Collected = { name: "rewardsmith_reward_cache_hits_total", help: "Outcomes served from the cache or deduplicated within a batch, by spec and reward.", type: "counter", samples: [] };
  const calls: Collected = { name: "rewardsmith_reward_calls_total", help: "Reward score() calls (one per sample, group or batch, by the reward's granularity).", type: "counter", samples: [] };
  const seconds: Collected = { name: "rewardsmith_reward_seconds_total", help: "Wall time spent in each reward per batch, summed; divide by rewardsmith_batch_duration_seconds_count for the mean per batch.", type: "counter", samples: [] };
  const cache: Collected = { name: "rewardsmith_cache_lookups_total", help: "Outcome cache lookups by spec and result (hit, miss).", type: "counter", samples: [] };
  const size: Collected = { name: "rewardsmith_cache_entries", help: "Outcomes held in the cache, by spec.", type: "gauge", samples: [] };
  const workers: Collected = { name: "rewardsmith_worker_events_total", help: "Reward worker threads terminated at a deadline (timeout), crashed, or restarted, by spec.", type: "counter", samples: [] };
  const info: Collected = { name: "rewardsmith_spec_info", help: "The spec versions serving (1), by name and hash.", type: "gauge", samples: [] };

  // Per spec name: the retired sums plus each version held now (only those hold cache entries).
  const bySpec = new Map<string, Counters & { cacheSize: number }>();
  const acc = (name: string) => countersFor(bySpec, name, () => ({ ...noCounters(), cacheSize: 0 }));
  for (const [name, r] of retired) addCounters(acc(name), r);
  const current = new Set<SpecVersion>(ctx.specs.versions());
  for (const v of current) {
    const a = acc(v.name);
    const c = countersOf(v);
    addCounters(a, c);
    a.cacheSize += c.cache.size;
    if (!v.retired) info.samples.push({ labels: { spec: v.name, hash: v.spec.hash }, value: 1 });
  }
  for (const [spec, a] of bySpec) {
    for (const [reward, st] of a.rewards) {
      for (const s of STATUSES) outcomes.samples.push({ labels: { spec, reward, status: s }, value: st[s] ?? 0 });
      hits.samples.push({ labels: { spec, reward }, value: st.cacheHits ?? 0 });
      calls.samples.push({ labels: { spec, reward }, value: st.calls ?? 0 });
      seconds.samples.push({ labels: { spec, reward }, value: (st.ms ?? 0) / 1000 });
    }
    cache.samples.push({ labels: { spec, result: "hit" }, value: a.cache.hits }, { labels: { spec, result: "miss" }, value: a.cache.misses });
    size.samples.push({ labels: { spec }, value: a.cacheSize });
    for (const k of ["timeouts", "crashes", "restarts"] as const) workers.samples.push({ labels: { spec, event: k.slice(0, -1) }, value: a.workers[k] });
  }
  return [outcomes, hits, calls, seconds, cache, size, workers, info];
}

function processMetrics(ctx: ServerContext): Collected[] {
  const m = process.memoryUsage();
  const cpu = process.cpuUsage();
  return [
    { name: "rewardsmith_in_flight_requests", help: "Scoring requests in flight.", type: "gauge", samples: [{ value: ctx.admission.inflight }] },
    { name: "rewardsmith_in_flight_samples", help: "Samples of scoring requests in flight.", type: "gauge", samples: [{ value: ctx.admission.samples }] },
    { name: "rewardsmith_idempotency_entries", help: "Results held for idempotency keys.", type: "gauge", samples: [{ value: ctx.idempotency.size }] },
    { name: "process_resident_memory_bytes", help: "Resident memory size in bytes.", type: "gauge", samples: [{ value: m.rss }] },
    { name: "process_heap_bytes", help: "V8 heap used in bytes.", type: "gauge", samples: [{ value: m.heapUsed }] },
    { name: "process_cpu_seconds_total", help: "User and system CPU time spent in seconds.", type: "counter", samples: [{ value: (cpu.user + cpu.system) / 1e6 }] },
    { name: "process_start_time_seconds", help: "Start time of the process since the Unix epoch in seconds.", type: "gauge", samples: [{ value: Math.floor(ctx.startedAt / 1000) }] },
  ];
}
