import type { Outcome, Sample, Status } from "./types.ts";

/** The combined score of one sample. */
export type Total = {
  score: number | null;
  status: Status;
  reason?: string;
  /** The gate that set this total, when one did. */
  gate?: string;
};

/**
 * Turns each sample's components into its total. Batch-wide so normalizers can see the batch and
 * its groups; the pipeline calls it once per batch.
 */
export interface Combiner {
  combine(samples: readonly Sample[], components: readonly Record<string, Outcome>[]): Total[];
}
