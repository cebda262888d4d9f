import type { RewardType } from "../src/core/reward-type.ts";
import type { Outcome, RewardContext, Sample } from "../src/core/types.ts";

/** A context for calling a reward directly, outside a pipeline. */
export function testContext(deadlineMs = 10_000): RewardContext {
  return { signal: new AbortController().signal, deadline: Date.now() + deadlineMs, group: (s) => [s] };
}

/** Builds a reward from a type and raw params (validated like a spec would) and scores samples in-process. */
export async function scoreWith(type: RewardType, params: Record<string, unknown>, samples: Partial<Sample>[], baseDir = process.cwd()): Promise<Outcome[]> {
  const p = type.params.parse(params);
  const reward = await type.create(p, { name: type.type, baseDir });
  const full = samples.map((s, i) => ({ id: String(i), prompt: "", completion: "", ...s }) as Sample);
  return reward.score(full, testContext());
}

/** Scores one completion/reference pair and returns its outcome. */
export async function one(type: RewardType, params: Record<string, unknown>, completion: Sample["completion"], reference?: unknown): Promise<Outcome> {
  const [o] = await scoreWith(type, params, [{ completion, reference }]);
  return o!;
}

/** The score of one pair (asserting the status is ok). */
export async function scoreOf(type: RewardType, params: Record<string, unknown>, completion: string, reference?: unknown): Promise<number | null> {
  return (await one(type, params, completion, reference)).score;
}
