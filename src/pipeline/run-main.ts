import { describeError, errorOutcome, timeout } from "../core/outcome.ts";
import type { Outcome, Reward, Sample } from "../core/types.ts";
import { checkOutcomes } from "../core/validate-outcome.ts";

export type MainCallOptions = {
  name: string;
  deadlineMs: number;
  retries: number;
  group(s: Sample): readonly Sample[];
};

/**
 * Runs one score() call of an I/O-bound reward on this thread: the deadline aborts the signal
 * the reward passes to fetch/spawn and resolves the call as `timeout` at once; a thrown error (an
 * infrastructure failure — a wrong answer is an outcome, not an exception) is retried with
 * exponential backoff and jitter while the deadline allows.
 */
export async function runMainCall(reward: Reward, call: Sample[], o: MainCallOptions): Promise<Outcome[]> {
  const deadline = Date.now() + o.deadlineMs;
  const ctrl = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<"expired">((resolve) => {
    timer = setTimeout(() => {
      ctrl.abort(new Error(`deadline of ${o.deadlineMs} ms`));
      resolve("expired");
    }, o.deadlineMs);
  });
  const ctx = { signal: ctrl.signal, deadline, group: o.group };
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        const result = await Promise.race([reward.score(call, ctx), expired]);
        if (result === "expired") return call.map(() => timeout(`exceeded the ${o.deadlineMs} ms deadline (aborted)`));
        return checkOutcomes(result, call.length, o.name);
      } catch (err) {
        if (ctrl.signal.aborted) return call.map(() => timeout(`exceeded the ${o.deadlineMs} ms deadline (aborted)`));
        const backoff = Math.min(2000, 100 * 2 ** attempt) * (0.5 + Math.random() * 0.5);
        if (attempt >= o.retries || Date.now() + backoff >= deadline) {
          const why = `reward ${o.name} failed${attempt > 0 ? ` after ${attempt + 1} attempts` : ""}: ${describeError(err)}`;
          return call.map(() => errorOutcome(why));
        }
        const slept = await Promise.race([new Promise((r) => setTimeout(r, backoff, "slept")), expired]);
        if (slept === "expired") return call.map(() => timeout(`exceeded the ${o.deadlineMs} ms deadline (aborted)`));
      }
    }
  } finally {
    clearTimeout(timer);
  }
}
