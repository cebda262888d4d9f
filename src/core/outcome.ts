import type { Outcome, Status } from "./types.ts";

/** Builders for outcomes, so every reward states its status the same way. */
export const ok = (score: number, details?: Record<string, unknown>): Outcome =>
  details === undefined ? { score, status: "ok" } : { score, status: "ok", details };

export const fail = (status: Exclude<Status, "ok">, reason: string, details?: Record<string, unknown>): Outcome =>
  details === undefined ? { score: null, status, reason } : { score: null, status, reason, details };

export const notApplicable = (reason: string, details?: Record<string, unknown>) =>
  fail("not_applicable", reason, details);
export const invalidInput = (reason: string, details?: Record<string, unknown>) =>
  fail("invalid_input", reason, details);
export const timeout = (reason: string) => fail("timeout", reason);
export const errorOutcome = (reason: string, details?: Record<string, unknown>) => fail("error", reason, details);

/** Turns anything thrown into a readable one-line reason. */
export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  if (typeof err === "string") return err;
  try {
    return JSON.stringify(err);
  } catch {
    return String(err);
  }
}
