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

export type ToWorker = { type: "task"; id: number; reward: string; calls: Sample[][]; deadlineMs: number };

export type FromWorker =
  | { type: "ready" }
  | { type: "init-error"; message: string }
  /** Outcomes of calls [from, from + outcomes.length) of task `id`. */
  | { type: "partial"; id: number; from: number; outcomes: Outcome[][] }
  | { type: "done"; id: number; from: number; outcomes: Outcome[][] };

export const IDLE = -1n;
