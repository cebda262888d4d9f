/**
 * A pipeline worker thread: builds the spec's worker-run rewards from the registry module and
 * scores the calls it is sent, one at a time, publishing which call it is on and since when in
 * shared memory. The main thread reads that to terminate this thread at a deadline — the only
 * way to really stop a runaway synchronous loop in JavaScript.
 */
import { parentPort, workerData } from "node:worker_threads";
import { describeError, errorOutcome } from "../core/outcome.ts";
import type { RewardRegistry, RewardType } from "../core/reward-type.ts";
import { rewardPath } from "./reward-path.ts";
import type { Outcome, Reward, RewardContext, Sample } from "../core/types.ts";
import { checkOutcomes } from "../core/validate-outcome.ts";
import { IDLE, type FromWorker, type ToWorker, type WorkerInit } from "./worker-protocol.ts";

const init = workerData as WorkerInit;
const port = parentPort!;
const progress = new BigInt64Array(init.progress);
/**
 * Posts a message. Outcomes go as JSON text — one string clones much faster than many small
 * objects, and the main thread is the bottleneck — unless JSON cannot carry them (a BigInt),
 * then as objects.
 */
function post(m: FromWorker): void {
  if ((m.type === "partial" || m.type === "done") && typeof m.outcomes !== "string") {
    try {
      m.outcomes = JSON.stringify(m.outcomes);
    } catch {
      // keep the objects
    }
  }
  port.postMessage(m);
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
    out.set(node.name, await createNamed(type, node));
  }
  return out;
}

async function runTask(rewards: Map<string, Reward>, task: ToWorker): Promise<void> {
  const reward = rewards.get(task.reward);
  const samples = typeof task.samples === "string" ? (JSON.parse(task.samples) as Sample[]) : task.samples;
  const calls = task.sizes ? cut(samples, task.sizes) : samples.map((s) => [s]);
  // One signal per task: a call past its deadline is stopped by terminating this thread anyway;
  // the signal only lets well-behaved async rewards give up early.
  const signal = AbortSignal.timeout(task.deadlineMs * calls.length);
  let flushedUpTo = 0;
  let lastFlush = Date.now();
  const results: Outcome[] = [];
  for (let i = 0; i < calls.length; i++) {
    const call = calls[i]!;
    const start = Date.now();
    Atomics.store(progress, 1, BigInt(start));
    Atomics.store(progress, 0, BigInt(i));
    let outs: Outcome[];
    if (!reward) {
      outs = call.map(() => errorOutcome(`reward ${task.reward} is not loaded in the worker`));
    } else {
      const ctx: RewardContext = {
        signal,
        deadline: start + task.deadlineMs,
        group: (s: Sample) => (s.group === undefined ? [s] : call.filter((x) => x.group === s.group)),
      };
      try {
        outs = checkOutcomes(await reward.score(call, ctx), call.length, task.reward);
      } catch (err) {
        const o = errorOutcome(`reward ${task.reward} threw: ${describeError(err)}`);
        outs = call.map(() => o);
      }
    }
    for (const o of outs) results.push(o);
    const now = Date.now();
    if (now - lastFlush >= FLUSH_MS && i + 1 < calls.length) {
      const done = i + 1;
      post({ type: "partial", id: task.id, from: flushedUpTo, outcomes: results.splice(0) });
      flushedUpTo = done;
      lastFlush = now;
    }
  }
  Atomics.store(progress, 0, IDLE);
  post({ type: "done", id: task.id, from: flushedUpTo, outcomes: results });
}

/** Creates a reward; a failure names it as a spec path ("rewards.x.schema_file: no such file: ..."). */
async function createNamed(type: RewardType, node: WorkerInit["rewards"][number]): Promise<Reward> {
  try {
    return await type.create(node.params as never, { name: node.name, baseDir: init.baseDir });
  } catch (err) {
    throw new Error(rewardPath(node.name, describeError(err)));
  }
}

function cut(samples: Sample[], sizes: number[]): Sample[][] {
  const out: Sample[][] = [];
  let at = 0;
  for (const n of sizes) {
    out.push(samples.slice(at, at + n));
    at += n;
  }
  return out;
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
