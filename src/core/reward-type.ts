import type { z } from "zod";
import type { Reward, Sample } from "./types.ts";

/** Where a reward runs. */
export type RunsOn =
  /** CPU-bound work: runs in a pipeline worker thread that is terminated at the deadline. */
  | "worker"
  /** I/O-bound work (HTTP judges, child processes): runs on the main thread and must honour ctx.signal. */
  | "main";

/** How the pipeline slices a batch into score() calls. */
export type Granularity =
  /** One sample per call: the deadline applies to each sample. */
  | "sample"
  /** One GRPO group per call (diversity, relative judging). */
  | "group"
  /** The whole batch in one call (batched model calls). */
  | "batch";

export type SampleField = "prompt" | "completion" | "reference" | "group" | "meta";

export type CreateEnv = {
  /** The reward's name in the spec. */
  name: string;
  /** Directory the spec file lives in: relative paths in params resolve against it. */
  baseDir: string;
};

/**
 * A reward type: the thing a spec's `type:` names. Params are validated by `params` once, at
 * compile time; `create` precomputes everything (regexes, parsers) so score() does only the work.
 */
export interface RewardType<P = any> {
  readonly type: string;
  /** One line shown by `rewardsmith validate` and in error messages. */
  readonly summary: string;
  /** A zod object schema for the reward's own params (everything beside the common keys). */
  readonly params: z.ZodType<P>;
  /** Fixed, or chosen from the params (a custom reward may be either). */
  readonly runs: RunsOn | ((params: P) => RunsOn);
  readonly granularity?: Granularity | ((params: P) => Granularity);
  /** Sample fields the reward reads: they form the cache key and are all a worker receives. */
  readonly uses: readonly SampleField[];
  /** This type's deadline per call when the spec sets none (default 10 s). */
  readonly defaultDeadlineMs?: number;
  /**
   * Cheaper to compute than to hash (a string comparison, a length): never cached, because the
   * content hash would cost more than the reward.
   */
  readonly cheap?: boolean;
  /**
   * Linear time in its input, with no user-supplied pattern that could backtrack: a worker-run
   * type with this flag runs on the calling thread when its input is small (see INLINE_MAX_CHARS),
   * because shipping a sample to a worker costs more than scoring it. Larger inputs still go to a
   * killable worker, so a deadline always holds.
   */
  readonly inline?: boolean;
  /** Whether identical inputs give identical outcomes (default true): enables the cache. */
  readonly deterministic?: boolean;
  create(params: P, env: CreateEnv): Reward | Promise<Reward>;
  /** A short human description of what this configured reward computes. */
  describe?(params: P): string;
}

/** Convenience for declaring a type with inferred params. */
export function defineRewardType<S extends z.ZodType>(t: RewardType<z.output<S>> & { params: S }): RewardType<z.output<S>> {
  return t;
}

/** A set of reward types by name. The spec layer validates against one; workers rebuild it from its module. */
export class RewardRegistry {
  private readonly types = new Map<string, RewardType>();

  constructor(types: readonly RewardType[] = []) {
    for (const t of types) this.add(t);
  }

  add(t: RewardType): this {
    if (this.types.has(t.type)) throw new Error(`reward type "${t.type}" is registered twice`);
    this.types.set(t.type, t);
    return this;
  }

  get(type: string): RewardType | undefined {
    return this.types.get(type);
  }

  names(): string[] {
    return [...this.types.keys()].sort();
  }
}

/** Picks the fields a reward reads, so workers receive and caches hash only those. */
export function projectSample(sample: Sample, uses: readonly SampleField[]): Sample {
  const out: Sample = { id: sample.id, prompt: "", completion: "" };
  for (const f of uses) {
    const v = sample[f];
    if (v !== undefined) (out as Record<string, unknown>)[f] = v;
  }
  return out;
}
