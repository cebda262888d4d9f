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

/** A dotted path into an input row, e.g. `reward_model.ground_truth`. */
const FieldPath = z
  .string({ error: "expected a dotted field path such as reward_model.ground_truth" })
  .min(1)
  .regex(/^[^.]+(\.[^.]+)*$/, "expected a dotted field path such as reward_model.ground_truth");

/** A dotted path into a sample (`meta.ref_helpful`, `reference.score`), read by the combiner. */
const SamplePath = z
  .string({ error: "expected a dotted path into the sample such as meta.ref_score" })
  .regex(/^(meta|reference|group|id)(\.[^.]+)*$/, "expected a dotted path into the sample starting with meta, reference, group or id (e.g. meta.ref_score)");

const finite = (what = "a number") => z.number({ error: `expected ${what}` }).finite();

/**
 * Per-reward transforms, applied in list order to the reward's value before normalization.
 * `lsc` is the log-sigmoid-centered transform of "Transforming and Combining Rewards" (Wang et
 * al. 2024): u = log σ(r − r_ref), so a plain sum of transformed rewards is log P(all good).
 */
export const Transform = z.discriminatedUnion(
  "type",
  [
    z.strictObject({ type: z.literal("affine"), scale: finite().default(1), shift: finite().default(0) }),
    z
      .strictObject({ type: z.literal("clip"), min: finite().optional(), max: finite().optional() })
      .refine((t) => t.min !== undefined || t.max !== undefined, { message: "clip needs `min`, `max` or both" })
      .refine((t) => t.min === undefined || t.max === undefined || t.min <= t.max, { message: "`min` must not exceed `max`", path: ["min"] }),
    z
      .strictObject({
        type: z.literal("lsc"),
        /** A constant r_ref. */
        reference: finite().optional(),
        /** r_ref per prompt, read from the sample (a number). */
        reference_field: SamplePath.optional(),
        /** The reference policy's scores for this prompt (a list of numbers); r_ref is their quantile. */
        reference_scores_field: SamplePath.optional(),
        /** Samples of the same group whose value here is truthy are reference-policy samples; r_ref is the quantile of their values. */
        reference_flag_field: SamplePath.optional(),
        quantile: z.number({ error: "expected a number between 0 and 1" }).gt(0).lt(1).default(0.85),
        /** "normal": mean + Φ⁻¹(q)·std (population), the reimplementation's default; "empirical": linear interpolation. */
        estimate: z.enum(["normal", "empirical"]).default("normal"),
      })
      .refine(
        (t) => [t.reference, t.reference_field, t.reference_scores_field, t.reference_flag_field].filter((x) => x !== undefined).length === 1,
        { message: "lsc needs exactly one of `reference`, `reference_field`, `reference_scores_field`, `reference_flag_field`" },
      ),
  ],
  { error: "expected a transform with `type: affine | clip | lsc`" },
);
export type Transform = z.infer<typeof Transform>;

const Scope = z.enum(["batch", "group"], { error: "expected batch or group" });

/** Per-reward normalizer, applied after the transforms. */
export const Normalizer = z.discriminatedUnion(
  "type",
  [
    z.strictObject({
      type: z.literal("zscore"),
      scope: Scope.default("batch"),
      std: z.enum(["population", "unbiased"]).default("population"),
      eps: z.number().min(0).default(1e-6),
    }),
    z.strictObject({ type: z.literal("rank"), scope: Scope.default("batch") }),
    z
      .strictObject({ type: z.literal("minmax"), scope: Scope.default("batch"), min: finite().optional(), max: finite().optional() })
      .refine((t) => (t.min === undefined) === (t.max === undefined), { message: "fixed bounds need both `min` and `max`" })
      .refine((t) => t.min === undefined || t.max === undefined || t.min < t.max, { message: "`min` must be below `max`", path: ["min"] }),
    z.strictObject({
      type: z.literal("running"),
      /** "ema": exponential moving mean and second moment; "cumulative": every value seen counts equally. */
      mode: z.enum(["ema", "cumulative"]).default("ema"),
      /** EMA decay per sample: a batch of n moves the statistics 1 − decay^n of the way to its own. */
      decay: z.number({ error: "expected a number between 0 and 1" }).gt(0).lt(1).default(0.999),
      eps: z.number().min(0).default(1e-6),
    }),
    z
      .strictObject({
        type: z.literal("reference_frozen_recon"),
        /** Reference statistics given directly: frozen from the start. */
        mean: finite().optional(),
        std: z.number({ error: "expected a positive number" }).finite().positive().optional(),
        /** Otherwise: the first N values seen (or flagged) are the reference policy's rollouts; then frozen. */
        calibration_samples: z.number({ error: "expected a whole number" }).int().positive().optional(),
        /** Only samples with a truthy value here are reference-policy rollouts (they calibrate). */
        reference_field: SamplePath.optional(),
        clip: z.number().positive().default(5),
        eps: z.number().min(0).default(1e-6),
      })
      .refine((t) => (t.mean === undefined) === (t.std === undefined), { message: "give both `mean` and `std`, or neither" })
      .refine((t) => (t.mean !== undefined) !== (t.calibration_samples !== undefined), {
        message: "reference_frozen_recon needs either `mean` and `std` or `calibration_samples`",
      }),
  ],
  { error: "expected a normalizer with `type: zscore | rank | minmax | running | reference_frozen_recon`" },
);
export type Normalizer = z.infer<typeof Normalizer>;

/** How the (transformed, normalized) rewards become one number. */
export const Weighting = z.preprocess(
  (v) => (typeof v === "string" ? { type: v } : v),
  z.discriminatedUnion(
    "type",
    [
      z.strictObject({ type: z.literal("static") }),
      /** TRL's default: weighted sum, then (s − group mean)/(std + eps). */
      z.strictObject({ type: z.literal("sum_then_normalize"), scale: z.enum(["group", "batch", "none"]).default("group"), eps: z.number().min(0).default(1e-4) }),
      /** GDPO / TRL: each reward normalized per group, weighted sum, then normalized over the batch. */
      z.strictObject({ type: z.literal("normalize_then_sum"), eps: z.number().min(0).default(1e-4) }),
      /** Quark's Tri-Factor Adaptive Dynamic Weighting (reconstruction); each reward's `weight` is its risk priority. */
      z.strictObject({ type: z.literal("tri_factor_recon"), decay: z.number({ error: "expected a number in [0, 1)" }).min(0).lt(1).default(0) }),
    ],
    { error: "expected static, sum_then_normalize, normalize_then_sum or tri_factor_recon" },
  ),
);
export type Weighting = z.infer<typeof Weighting>;

const TermName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be an identifier (it is a formula variable)");

/** HARMO's hybrid reward: the rule reward where the query is verifiable, else the model reward. */
export const Hybrid = z.strictObject({
  name: TermName.default("hybrid"),
  rule: z.string({ error: "expected the name of the rule-based reward" }),
  model: z.string({ error: "expected the name of the model-based reward" }),
  /** A truthy value here marks a verifiable query; unset: verifiable when the rule reward's outcome is ok. */
  verifiable_field: SamplePath.optional(),
  /** [RECON] blend c·rule + (1 − c)·model with a confidence c in [0, 1] from a field or a reward. */
  confidence_recon: z
    .strictObject({ field: SamplePath.optional(), reward: z.string().optional() })
    .refine((c) => (c.field === undefined) !== (c.reward === undefined), { message: "give exactly one of `field` and `reward`" })
    .optional(),
  weight: finite().default(1),
});
export type Hybrid = z.infer<typeof Hybrid>;

/** HARMO's generalized length penalty (reconstruction): group-relative to the shortest correct response. */
export const LengthPenaltyRecon = z.strictObject({
  name: TermName.default("length_penalty"),
  /** The reward whose raw score decides correctness. */
  correct: z.string({ error: "expected the name of the correctness reward" }),
  threshold: finite().default(1),
  p_max: z.number().finite().min(0).default(0.5),
  tau: z.number().finite().positive().default(1),
  unit: z.enum(["chars", "words"]).default("chars"),
  /** A token count (or any length) read from the sample instead of counting `unit`s. */
  length_field: SamplePath.optional(),
  weight: finite().default(1),
});
export type LengthPenaltyRecon = z.infer<typeof LengthPenaltyRecon>;

/** How a completion is cut into segments (the dense/ segmenters implement exactly these). */
export const SEGMENT_BY = ["sentences", "subsentences", "lines", "paragraphs", "steps", "tags"] as const;

/**
 * Score each segment of the completion with the reward instead of the whole completion
 * (Fine-Grained RLHF, process rewards): the component's score aggregates the segment scores and
 * its `segments` carry each one's character span and score.
 */
export const PerSegment = z.strictObject({
  by: z.enum(SEGMENT_BY, { error: `expected one of ${SEGMENT_BY.join(", ")}` }),
  /** What the reward sees as the completion: the segment alone, or everything up to its end. */
  context: z.enum(["segment", "prefix"]).default("segment"),
  /** How segment scores become the component's score ("min": every step must hold). */
  aggregate: z.enum(["mean", "min", "sum", "last"]).default("mean"),
  /** by: tags — the element whose contents are the segments (default "step"). */
  tag: z.string().regex(/^[A-Za-z][\w:-]*$/, "expected a tag name such as step").optional(),
  /** by: steps — the step marker regex, matched at a line start (default "Step k:" / "Step k." / "Step k)"). */
  marker: z
    .string()
    .min(1)
    .max(500)
    .superRefine((m, ctx) => {
      try {
        new RegExp(m, "u");
      } catch (err) {
        ctx.addIssue({ code: "custom", message: `not a valid regular expression (u flag): ${(err as Error).message}` });
      }
    })
    .optional(),
  /** by: steps — keep text before the first marker as a "preamble" segment. */
  preamble: z.boolean().optional(),
  /** by: subsentences — fewest words a sub-sentence may have (Fine-Grained RLHF: 5). */
  min_words: z.number().int().min(1).max(100).optional(),
});
export type PerSegment = z.infer<typeof PerSegment>;

/**
 * Token-level output: per-segment component scores (weighted) placed on the last token of each
 * segment, and the holistic reward on the last token of the response, as verl places rewards.
 */
export const Dense = z.strictObject({
  /** A Hugging Face tokenizer.json (relative to the spec file); without it only char spans are output. */
  tokenizer: z.string().min(1).optional(),
  /** What goes on the response's last token: the total, a named reward's score, or nothing. */
  holistic: z.string().min(1).default("total"),
  /** Weights of the per-segment rewards in the segment scores (default: each reward's `weight`). */
  weights: z.record(z.string(), z.number().finite()).optional(),
});
export type Dense = z.infer<typeof Dense>;

/** Keys every reward accepts; all other keys are the reward type's own params. */
export const CommonRewardKeys = z.strictObject({
  type: z.string({ error: "expected a reward type name (a string)" }).min(1, "must not be empty"),
  weight: z.number({ error: "expected a number" }).finite().optional(),
  on_error: ErrorPolicy.optional(),
  deadline_ms: z.number({ error: "expected a number of milliseconds" }).int().positive().max(3_600_000).optional(),
  cache: z.boolean({ error: "expected true or false" }).optional(),
  retries: z.number({ error: "expected a whole number" }).int().min(0).max(10).optional(),
  description: z.string().optional(),
  /** Combination: transforms of this reward's value, in order (see docs/combine.md). */
  transform: z.array(Transform, { error: "expected a list of transforms" }).optional(),
  /** Combination: how this reward's value is normalized (see docs/combine.md). */
  normalize: Normalizer.optional(),
  /** Score each segment of the completion instead of the whole (dense rewards). */
  per_segment: PerSegment.optional(),
});
export const COMMON_REWARD_KEYS = new Set(Object.keys(CommonRewardKeys.shape));

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
   * Short-circuit (OpenEnv `Sequential`): skip_rest gates are checked in list order, each reward
   * computed only for the samples that passed every earlier skip_rest gate; a sample that fails one
   * is never scored by the later gates' rewards nor by the other rewards (`not_applicable`).
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
    weighting: Weighting.default({ type: "static" }),
    hybrid: Hybrid.optional(),
    length_penalty_recon: LengthPenaltyRecon.optional(),
    /** Key of this spec's combination state in the store (default: derived from the spec's hash). */
    state_key: z.string().min(1).max(200).optional(),
  })
  .default({ normalize_weights: false, weighting: { type: "static" } });

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
  /** Token-level rewards from the per-segment rewards (see docs/dense.md). */
  dense: Dense.optional(),
  /** Cache size (entries); 0 disables the cache. */
  cache_size: z.number().int().min(0).default(100_000),
});
export type SpecShape = z.infer<typeof SpecShape>;
