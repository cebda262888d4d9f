import { z } from "zod";

/**
 * The reward spec schema: the single source of truth for spec files (YAML or JSON) and for
 * specs sent over HTTP. Reward-specific params are validated separately by each reward type's
 * own schema (see compile.ts), so this file only knows the keys common to every reward.
 */

export const ErrorPolicy = z.enum(["skip", "zero", "fail"]);
export type ErrorPolicy = z.infer<typeof ErrorPolicy>;

/** A reward name doubles as a formula variable, so it must be an identifier. */
export const REWARD_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Keys every reward accepts; all other keys are the reward type's own params. */
export const CommonRewardKeys = z.strictObject({
  type: z.string({ error: "expected a reward type name (a string)" }).min(1, "must not be empty"),
  weight: z.number({ error: "expected a number" }).finite().optional(),
  on_error: ErrorPolicy.optional(),
  deadline_ms: z.number({ error: "expected a number of milliseconds" }).int().positive().max(3_600_000).optional(),
  cache: z.boolean({ error: "expected true or false" }).optional(),
  retries: z.number({ error: "expected a whole number" }).int().min(0).max(10).optional(),
  description: z.string().optional(),
});
export const COMMON_REWARD_KEYS = new Set(Object.keys(CommonRewardKeys.shape));

/** A dotted path into an input row, e.g. `reward_model.ground_truth`. */
const FieldPath = z
  .string({ error: "expected a dotted field path such as reward_model.ground_truth" })
  .min(1)
  .regex(/^[^.]+(\.[^.]+)*$/, "expected a dotted field path such as reward_model.ground_truth");

export const InputFields = z.strictObject({
  id: FieldPath.optional(),
  prompt: FieldPath.optional(),
  completion: FieldPath.optional(),
  reference: FieldPath.optional(),
  group: FieldPath.optional(),
  meta: FieldPath.optional(),
});
export type InputFields = z.infer<typeof InputFields>;

export const Gate = z.strictObject({
  reward: z.string({ error: "expected the name of a reward" }),
  /** The gate fails when the reward's score is below this. */
  below: z.number({ error: "expected a number" }).finite(),
  /** The total when the gate fails. */
  total: z.number({ error: "expected a number" }).finite().default(0),
  /**
   * Short-circuit (OpenEnv `Sequential`): when the gate fails, rewards not needed by any gate are
   * never computed for that sample; their components read `not_applicable`.
   */
  skip_rest: z.boolean().default(false),
});
export type Gate = z.infer<typeof Gate>;

export const Combine = z
  .strictObject({
    /** A `calculate_output` formula over reward names; replaces the weighted sum. */
    formula: z.string({ error: "expected a formula string such as \"0.8 * correct + 0.2 * format\"" }).min(1).optional(),
    /** Divide the weighted sum by the total weight of the components that are present. */
    normalize_weights: z.boolean().default(false),
  })
  .default({ normalize_weights: false });

export const Defaults = z
  .strictObject({
    on_error: ErrorPolicy.default("skip"),
    /** Unset: each reward type's own default (math 2 s), else 10 s. */
    deadline_ms: z.number().int().positive().max(3_600_000).optional(),
    cache: z.boolean().default(true),
    retries: z.number().int().min(0).max(10).default(2),
  })
  .default({ on_error: "skip", cache: true, retries: 2 });

/** The deadline of a reward call when neither the reward, the spec's defaults nor the reward type set one. */
export const DEFAULT_DEADLINE_MS = 10_000;

export const SpecShape = z.strictObject({
  version: z.literal(1, { error: "expected 1 (the only spec version so far)" }).default(1),
  name: z.string().optional(),
  description: z.string().optional(),
  /** Where each Sample field is found in an input row (dotted paths); CLI flags override. */
  input: InputFields.optional(),
  defaults: Defaults,
  rewards: z.record(z.string(), z.record(z.string(), z.unknown(), { error: "expected a mapping with at least a `type`" }), {
    error: "expected a mapping from reward names to reward definitions",
  }),
  combine: Combine,
  gates: z.array(Gate, { error: "expected a list of gates" }).default([]),
  /** Cache size (entries); 0 disables the cache. */
  cache_size: z.number().int().min(0).default(100_000),
});
export type SpecShape = z.infer<typeof SpecShape>;
