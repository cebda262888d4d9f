import type { Outcome, Sample } from "../core/types.ts";
import type { RewardNode } from "../spec/compile.ts";

/** Messages between the pipeline (main thread) and its worker threads. */

export type WorkerInit = {
  /** URL of a module exporting `registry` (a RewardRegistry). */
  registryModule: string;
  rewards: RewardNode[];
  baseDir: string;
  /** [call index in the current task, or -1 when idle; epoch ms when that call started]. */
  progress: SharedArrayBuffer;
};

/**
 * One task: score() calls over `samples`, cut into calls of `sizes[k]` samples each (absent when
 * every call is one sample — the common case, sent flat because every extra array costs clone time).
 */
export type ToWorker = {
  type: "task";
  id: number;
  reward: string;
  /** The samples, or their JSON text: one string clones far faster than thousands of small objects. */
  samples: Sample[] | string;
  sizes?: number[];
  deadlineMs: number;
};

export type FromWorker =
  | { type: "ready" }
  | { type: "init-error"; message: string }
  /** Outcomes of the calls numbered from `from` of task `id`, flat in call order (or their JSON text). */
  | { type: "partial"; id: number; from: number; outcomes: Outcome[] | string }
  | { type: "done"; id: number; from: number; outcomes: Outcome[] | string };

export const IDLE = -1n;
