import { STATUSES, type Outcome } from "./types.ts";

const STATUS_SET = new Set<string>(STATUSES);

/**
 * Checks what a reward returned, so a buggy custom reward becomes `status: error` with a
 * reason instead of a NaN in somebody's training run.
 */
export function checkOutcome(o: unknown, rewardName: string): Outcome {
  if (o === null || typeof o !== "object") return bad(rewardName, `returned ${o === null ? "null" : typeof o} instead of an outcome`);
  const out = o as Outcome;
  if (!STATUS_SET.has(out.status)) return bad(rewardName, `returned an unknown status ${JSON.stringify(out.status)}`);
  if (out.status === "ok") {
    if (typeof out.score !== "number" || !Number.isFinite(out.score)) {
      return bad(rewardName, `returned status ok with a non-finite score (${String(out.score)})`);
    }
  } else if (out.score !== null && out.score !== undefined) {
    return { ...out, score: null };
  }
  if (out.score === undefined) return { ...out, score: null };
  return out;
}

function bad(name: string, why: string): Outcome {
  return { score: null, status: "error", reason: `reward ${name} ${why}` };
}

/** Checks a whole batch result: same length as the input, each element an outcome. */
export function checkOutcomes(result: unknown, expected: number, rewardName: string): Outcome[] {
  if (!Array.isArray(result) || result.length !== expected) {
    const got = Array.isArray(result) ? `${result.length} outcomes` : typeof result;
    const o = bad(rewardName, `returned ${got} for a batch of ${expected}`);
    return Array.from({ length: expected }, () => o);
  }
  return result.map((x) => checkOutcome(x, rewardName));
}
