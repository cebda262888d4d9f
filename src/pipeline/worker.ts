/**
 * A pipeline worker thread: builds the spec's worker-run rewards from the registry module and
 * scores the calls it is sent, one at a time, publishing which call it is on and since when in
 * shared memory. The main thread reads that to terminate this thread at a deadline — the only
 * way to really stop a runaway synchronous loop in JavaScript.
 */
import { parentPort, workerData } from "node:worker_threads";
import { describeError, errorOutcome } from "../core/outcome.ts";
import type { RewardRegistry } from "../core/reward-type.ts";
import type { Outcome, Reward, RewardContext, Sample } from "../core/types.ts";
import { checkOutcomes } from "../core/validate-outcome.ts";
import { IDLE, type FromWorker, type ToWorker, type WorkerInit } from "./worker-protocol.ts";

const init = workerData as WorkerInit;
const port = parentPort!;
const progress = new BigInt64Array(init.progress);
/** Posts a message; outcomes holding something uncloneable (a function, a class) go as their JSON. */
function post(m: FromWorker): void {
  try {
    port.postMessage(m);
  } catch {
    port.postMessage(JSON.parse(JSON.stringify(m)) as FromWorker);
  }
}
/** How often partial results are sent back, bounding the work lost when the thread is killed. */
const FLUSH_MS = 20;

async function build(): Promise<Map<string, Reward>> {
  const mod = (await import(init.registryModule)) as { registry?: RewardRegistry; default?: RewardRegistry };
  const registry = mod.registry ?? mod.default;
  if (!registry || typeof registry.get !== "function") {
    throw new Error(`registry module ${init.registryModule} exports no \`registry\``);
  }
  const out = new Map<string, Reward>();
  for (const node of init.rewards) {
    const type = registry.get(node.type);
    if (!type) throw new Error(`reward type "${node.type}" (reward ${node.name}) is not in the worker registry ${init.registryModule}`);
    out.set(node.name, await type.create(node.params as never, { name: node.name, baseDir: init.baseDir }));
  }
  return out;
}

async function runTask(rewards: Map<string, Reward>, task: ToWorker): Promise<void> {
  const reward = rewards.get(task.reward);
  let flushedUpTo = 0;
  let lastFlush = Date.now();
  const results: Outcome[][] = [];
  for (let i = 0; i < task.calls.length; i++) {
    const call = task.calls[i]!;
    const start = Date.now();
    Atomics.store(progress, 1, BigInt(start));
    Atomics.store(progress, 0, BigInt(i));
    let outs: Outcome[];
    if (!reward) {
      outs = call.map(() => errorOutcome(`reward ${task.reward} is not loaded in the worker`));
    } else {
      const ctrl = new AbortController();
      const timer = setTimeout(() => ctrl.abort(new Error("deadline")), task.deadlineMs);
      const ctx: RewardContext = {
        signal: ctrl.signal,
        deadline: start + task.deadlineMs,
        group: (s: Sample) => (s.group === undefined ? [s] : call.filter((x) => x.group === s.group)),
      };
      try {
        outs = checkOutcomes(await reward.score(call, ctx), call.length, task.reward);
      } catch (err) {
        const o = errorOutcome(`reward ${task.reward} threw: ${describeError(err)}`);
        outs = call.map(() => o);
      } finally {
        clearTimeout(timer);
      }
    }
    results.push(outs);
    const now = Date.now();
    if (now - lastFlush >= FLUSH_MS && i + 1 < task.calls.length) {
      post({ type: "partial", id: task.id, from: flushedUpTo, outcomes: results.slice(flushedUpTo) });
      flushedUpTo = results.length;
      lastFlush = now;
    }
  }
  Atomics.store(progress, 0, IDLE);
  post({ type: "done", id: task.id, from: flushedUpTo, outcomes: results.slice(flushedUpTo) });
}

try {
  Atomics.store(progress, 0, IDLE);
  const rewards = await build();
  // Tasks arrive one at a time (the pool never sends a second before "done"), so no queue here.
  port.on("message", (task: ToWorker) => {
    void runTask(rewards, task);
  });
  post({ type: "ready" });
} catch (err) {
  post({ type: "init-error", message: describeError(err) });
}
