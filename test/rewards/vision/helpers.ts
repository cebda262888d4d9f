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

/*
 * 4×4 masks as 2-D 0/1 arrays (rows top to bottom), shared by the mask tests (rle, mask_iou, jf)
 * whose hand-derived numbers refer to them.
 */
/** Rows 1–2, columns 1–2: the centre 2×2 square (column-major RLE [5, 2, 2, 2, 5]). */
export const square = [
  [0, 0, 0, 0],
  [0, 1, 1, 0],
  [0, 1, 1, 0],
  [0, 0, 0, 0],
];
/** The square shifted right by one column: rows 1–2, columns 2–3 (RLE [9, 2, 2, 2, 1]). */
export const shifted = [
  [0, 0, 0, 0],
  [0, 0, 1, 1],
  [0, 0, 1, 1],
  [0, 0, 0, 0],
];
/** Only the bottom-right pixel. */
export const corner = [
  [0, 0, 0, 0],
  [0, 0, 0, 0],
  [0, 0, 0, 0],
  [0, 0, 0, 1],
];
export const empty = [
  [0, 0, 0, 0],
  [0, 0, 0, 0],
  [0, 0, 0, 0],
  [0, 0, 0, 0],
];
