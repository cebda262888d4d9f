import type { Sample, Status } from "../core/types.ts";

/** The batch as the combination steps see it: its samples and their groups. */
export type BatchView = {
  readonly samples: readonly Sample[];
  /** Index lists, one per group in first-seen order; a sample without `group` is a group of its own. */
  readonly groups: readonly (readonly number[])[];
};

/** Reports that sample i's value cannot be computed by a step (the error policy then decides). */
export type Fail = (i: number, status: Status, reason: string) => void;

/**
 * One step over one reward's column of values (NaN = absent), in place. Steps see the whole column
 * so statistics over a batch or a group are one pass.
 */
export type ColumnStep = (values: Float64Array, batch: BatchView, fail: Fail) => void;

/** Groups of a batch by `sample.group`; ungrouped samples are singletons (as a GRPO group of one). */
export function batchGroups(samples: readonly Sample[]): number[][] {
  const byId = new Map<string, number[]>();
  const out: number[][] = [];
  for (let i = 0; i < samples.length; i++) {
    const g = samples[i]!.group;
    if (g === undefined) {
      out.push([i]);
      continue;
    }
    const list = byId.get(g);
    if (list) list.push(i);
    else {
      const l = [i];
      byId.set(g, l);
      out.push(l);
    }
  }
  return out;
}
