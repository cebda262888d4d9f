import type { RewardType } from "../../../src/core/reward-type.ts";
import type { Outcome, RewardContext, Sample } from "../../../src/core/types.ts";

const ctx: RewardContext = { signal: new AbortController().signal, deadline: Date.now() + 60_000, group: (s) => [s] };

/** Validates params like the spec compiler (defaults applied) and scores samples in-process. */
export async function scoreWith(type: RewardType, params: Record<string, unknown>, samples: Omit<Sample, "id" | "prompt">[]): Promise<Outcome[]> {
  const p = type.params.parse(params);
  const reward = await type.create(p, { name: type.type, baseDir: "." });
  return reward.score(
    samples.map((s, i) => ({ id: String(i), prompt: "", ...s })),
    ctx,
  );
}

export async function one(type: RewardType, params: Record<string, unknown>, completion: string, reference: unknown, meta?: Record<string, unknown>): Promise<Outcome> {
  const [o] = await scoreWith(type, params, [{ completion, reference, ...(meta ? { meta } : {}) }]);
  return o!;
}

export function close(actual: number | null | undefined, expected: number, eps = 1e-12): void {
  if (typeof actual !== "number" || Math.abs(actual - expected) > eps) throw new Error(`expected ${expected}, got ${actual}`);
}
