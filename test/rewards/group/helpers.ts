import type { RewardType } from "../../../src/core/reward-type.ts";
import type { Outcome, RewardContext, Sample } from "../../../src/core/types.ts";

/** Builds a reward type with params and scores one batch, as the pipeline would for one call. */
export async function run(type: RewardType, params: Record<string, unknown>, batch: Sample[]): Promise<Outcome[]> {
  const reward = await type.create(type.params.parse(params), { name: type.type, baseDir: "." });
  return reward.score(batch, ctx(batch));
}

export function ctx(batch: readonly Sample[]): RewardContext {
  return {
    signal: new AbortController().signal,
    deadline: Date.now() + 10_000,
    group: (s) => (s.group === undefined ? [s] : batch.filter((x) => x.group === s.group)),
  };
}

export const group = (g: string, texts: string[]): Sample[] => texts.map((completion, i) => ({ id: `${g}${i}`, prompt: "p", completion, group: g }));

export function near(a: number | null | undefined, b: number, tol = 1e-4): void {
  if (a === null || a === undefined || Math.abs(a - b) > tol) throw new Error(`expected ${b} ± ${tol}, got ${a}`);
}
