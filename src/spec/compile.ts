import { dirname, resolve } from "node:path";
import type { z } from "zod";
import { ValidationError, type Issue } from "../core/errors.ts";
import { sha256, stableStringify } from "../core/hash.ts";
import type { Granularity, RewardRegistry, RunsOn, SampleField } from "../core/reward-type.ts";
import { compileFormula, FormulaError } from "./formula.ts";
import { parseSpecText, type SpecSource } from "./load.ts";
import {
  COMMON_REWARD_KEYS,
  CommonRewardKeys,
  DEFAULT_DEADLINE_MS,
  REWARD_NAME,
  SpecShape,
  type ErrorPolicy,
  type Gate,
  type Hybrid,
  type InputFields,
  type LengthPenaltyRecon,
  type Normalizer,
  type Transform,
  type Weighting,
  type Dense,
  type PerSegment,
} from "./schema.ts";

/** One configured reward of a spec, as plain data (it is sent to worker threads as is). */
export type RewardNode = {
  name: string;
  type: string;
  /** The reward type's params after validation and defaults. */
  params: Record<string, unknown>;
  weight: number;
  onError: ErrorPolicy;
  deadlineMs: number;
  cache: boolean;
  retries: number;
  runs: RunsOn;
  granularity: Granularity;
  uses: readonly SampleField[];
  description: string;
  /** Scored segment by segment (dense); absent for whole-completion rewards. */
  perSegment?: PerSegment;
};

/**
 * How components become the total beyond the weighted sum, in the fixed order transforms ->
 * normalizers -> weighting (with the hybrid and length-penalty terms) / formula -> gates.
 */
export type CombinePlan = {
  /** Reward name -> its transforms, in order. */
  transforms: Record<string, Transform[]>;
  /** Reward name -> its normalizer. */
  normalizers: Record<string, Normalizer>;
  weighting: Weighting;
  hybrid?: Hybrid;
  lengthPenalty?: LengthPenaltyRecon;
  /** Where the combination state lives in the store (default: from the spec's hash). */
  stateKey?: string;
};

/** A validated spec: plain, serializable data. */
export type CompiledSpec = {
  name?: string;
  description?: string;
  /** sha256 of the canonical JSON of everything that affects scores. */
  hash: string;
  /** The spec file's text as given (stored with each run). */
  text: string;
  origin: string;
  /** Directory relative paths in params resolve against. */
  baseDir: string;
  input: InputFields;
  rewards: RewardNode[];
  formula?: string;
  normalizeWeights: boolean;
  gates: Gate[];
  cacheSize: number;
  combine: CombinePlan;
  /** Token-level output, when the spec asks for it. */
  dense?: Dense;
};

export type CompileOptions = {
  registry: RewardRegistry;
  /** Overrides the directory relative paths resolve against (default: the spec file's directory, or cwd). */
  baseDir?: string;
};

/**
 * Validates a spec against the schema and the registry's reward types, collecting every problem
 * (not only the first) with its path and, for files, its line and column.
 */
export function compileSpec(source: SpecSource | string | object, options: CompileOptions): CompiledSpec {
  const src: SpecSource =
    typeof source === "string"
      ? parseSpecText(source)
      : isSpecSource(source)
        ? source
        : { value: source, text: JSON.stringify(source, null, 2), origin: "<inline>", locate: () => undefined };
  const issues: Issue[] = [];
  const add = (path: PropertyKey[], message: string) => {
    const pos = src.locate(path);
    issues.push({ path: path.map(String).join("."), message, line: pos?.line, column: pos?.column });
  };

  if (src.value === null || typeof src.value !== "object" || Array.isArray(src.value)) {
    add([], "a spec must be a mapping with a `rewards` section");
    throw new ValidationError(issues, src.origin);
  }
  // A "__proto__" key anywhere would be dropped or turned into a prototype by the copies below
  // (a reward silently missing, a param silently inherited): refused where it is.
  for (const path of protoKeys(src.value)) add(path, `"__proto__" cannot be used as a key (it is reserved in JavaScript)`);
  if (issues.length > 0) throw new ValidationError(issues, src.origin);
  const parsed = SpecShape.safeParse(src.value);
  if (!parsed.success) {
    for (const i of parsed.error.issues) addZodIssue(add, [], i);
    throw new ValidationError(issues, src.origin);
  }
  const spec = parsed.data;
  const baseDir = options.baseDir ?? (src.origin.startsWith("<") ? process.cwd() : dirname(resolve(src.origin)));

  const names = Object.keys(spec.rewards);
  if (names.length === 0) add(["rewards"], "at least one reward is required");
  const rewards: RewardNode[] = [];
  const plan: CombinePlan = {
    transforms: {},
    normalizers: {},
    weighting: spec.combine.weighting,
    hybrid: spec.combine.hybrid,
    lengthPenalty: spec.combine.length_penalty_recon,
    stateKey: spec.combine.state_key,
  };
  for (const name of names) {
    const raw = spec.rewards[name]!;
    const at: PropertyKey[] = ["rewards", name];
    if (name === "__proto__" || name === "constructor" || name === "prototype") {
      add(at, `"${name}" is a reserved name in JavaScript: choose another reward name`);
      continue;
    }
    if (!REWARD_NAME.test(name)) {
      add(at, `reward names must be identifiers (letters, digits, _; not starting with a digit) because formulas refer to them`);
      continue;
    }
    const common: Record<string, unknown> = {};
    const params: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(raw)) (COMMON_REWARD_KEYS.has(k) ? common : params)[k] = v;
    if (common.type === undefined) {
      add(at, `missing \`type\` (known: ${options.registry.names().join(", ")})`);
      continue;
    }
    // The common keys and the type's own params are checked independently, so one bad `weight`
    // does not hide a bad param of the same reward.
    const c = CommonRewardKeys.safeParse(common);
    if (!c.success) for (const i of c.error.issues) addZodIssue(add, at, i);
    const typeName = typeof common.type === "string" ? common.type : undefined;
    const type = typeName === undefined ? undefined : options.registry.get(typeName);
    if (typeName !== undefined && !type) {
      if (c.success) add([...at, "type"], `unknown reward type "${typeName}" (known: ${options.registry.names().join(", ")})`);
      continue;
    }
    const p = type?.params.safeParse(params);
    if (p && !p.success) for (const i of p.error.issues) addZodIssue(add, at, i);
    if (!c.success || !type || !p?.success) continue;
    const validParams = p.data as Record<string, unknown>;
    if (c.data.transform !== undefined && c.data.transform.length > 0) plan.transforms[name] = c.data.transform;
    if (c.data.normalize !== undefined) plan.normalizers[name] = c.data.normalize;
    rewards.push({
      name,
      type: type.type,
      params: validParams,
      weight: c.data.weight ?? 1,
      onError: c.data.on_error ?? spec.defaults.on_error,
      deadlineMs: c.data.deadline_ms ?? spec.defaults.deadline_ms ?? type.defaultDeadlineMs ?? DEFAULT_DEADLINE_MS,
      cache: (c.data.cache ?? spec.defaults.cache) && type.deterministic !== false,
      retries: c.data.retries ?? spec.defaults.retries,
      runs: typeof type.runs === "function" ? type.runs(validParams) : type.runs,
      granularity: (typeof type.granularity === "function" ? type.granularity(validParams) : type.granularity) ?? "sample",
      uses: type.uses,
      description: c.data.description ?? type.describe?.(validParams) ?? type.summary,
      ...(c.data.per_segment ? { perSegment: c.data.per_segment } : {}),
    });
    const granularity = rewards[rewards.length - 1]!.granularity;
    if (c.data.per_segment && granularity !== "sample") {
      add([...at, "per_segment"], `only rewards scored one sample at a time can be scored per segment (${type.type} is scored per ${granularity})`);
    }
  }

  const known = new Set(names);
  const terms = new Set(names);
  const checkTerm = (path: PropertyKey[], term: string) => {
    if (terms.has(term)) add(path, `"${term}" is already the name of a reward or term: choose another \`name\``);
    terms.add(term);
  };
  const checkReward = (path: PropertyKey[], name: string | undefined) => {
    if (name !== undefined && !known.has(name)) add(path, `unknown reward "${name}" (known: ${names.join(", ")})`);
  };
  const h = spec.combine.hybrid;
  if (h) {
    checkReward(["combine", "hybrid", "rule"], h.rule);
    checkReward(["combine", "hybrid", "model"], h.model);
    if (h.rule === h.model) add(["combine", "hybrid", "model"], "the model reward must differ from the rule reward");
    checkReward(["combine", "hybrid", "confidence_recon", "reward"], h.confidence_recon?.reward);
    checkTerm(["combine", "hybrid", "name"], h.name);
  }
  const lp = spec.combine.length_penalty_recon;
  if (lp) {
    checkReward(["combine", "length_penalty_recon", "correct"], lp.correct);
    checkTerm(["combine", "length_penalty_recon", "name"], lp.name);
  }
  const weighting = spec.combine.weighting.type;
  if (spec.combine.normalize_weights && weighting !== "static") {
    add(["combine", "normalize_weights"], `only applies to static weighting (weighting is ${weighting})`);
  }
  if (weighting === "tri_factor_recon") {
    for (const r of rewards) if (r.weight < 0) add(["rewards", r.name, "weight"], "tri_factor_recon reads each weight as a risk priority, which must not be negative");
  }
  if (spec.combine.formula !== undefined && weighting !== "static") {
    add(["combine", "weighting"], "a formula replaces the weighted sum: use weighting static (the default) with a formula");
  }
  if (spec.combine.formula !== undefined) {
    try {
      compileFormula(spec.combine.formula, terms);
    } catch (err) {
      if (!(err instanceof FormulaError)) throw err;
      add(["combine", "formula"], err.message);
    }
    const weighted = names.filter((n) => spec.rewards[n]?.weight !== undefined);
    if (weighted.length > 0) {
      add(["rewards", weighted[0]!, "weight"], "`weight` has no effect when `combine.formula` is set: put the weights in the formula");
    }
  }
  spec.gates.forEach((g, i) => {
    if (!known.has(g.reward)) add(["gates", i, "reward"], `unknown reward "${g.reward}" (known: ${names.join(", ")})`);
  });
  if (spec.dense) {
    const segmented = rewards.filter((r) => r.perSegment).map((r) => r.name);
    if (segmented.length === 0) add(["dense"], "no reward has `per_segment`: nothing to place on tokens");
    if (spec.dense.holistic !== "total" && spec.dense.holistic !== "none") checkReward(["dense", "holistic"], spec.dense.holistic);
    for (const k of Object.keys(spec.dense.weights ?? {})) {
      if (!segmented.includes(k)) add(["dense", "weights", k], `"${k}" is not a reward with per_segment (those are: ${segmented.join(", ") || "none"})`);
    }
  }
  if (issues.length > 0) throw new ValidationError(issues, src.origin);

  // The combination plan enters the hash only when it does something, so specs written before it
  // existed keep their hash (and their resumable runs).
  const { stateKey: _stateKey, ...planForHash } = plan;
  const planUsed =
    Object.keys(plan.transforms).length > 0 || Object.keys(plan.normalizers).length > 0 || plan.weighting.type !== "static" || plan.hybrid !== undefined || plan.lengthPenalty !== undefined;
  const canonical = {
    rewards: rewards.map((r) => ({ ...r, description: undefined })),
    formula: spec.combine.formula,
    normalizeWeights: spec.combine.normalize_weights,
    gates: spec.gates,
    combine: planUsed ? planForHash : undefined,
    dense: spec.dense,
  };
  return {
    name: spec.name,
    description: spec.description,
    hash: sha256(stableStringify(canonical)),
    text: src.text,
    origin: src.origin,
    baseDir,
    input: spec.input ?? {},
    rewards,
    formula: spec.combine.formula,
    normalizeWeights: spec.combine.normalize_weights,
    gates: spec.gates,
    cacheSize: spec.cache_size,
    combine: plan,
    ...(spec.dense ? { dense: spec.dense } : {}),
  };
}

function isSpecSource(x: object): x is SpecSource {
  return "locate" in x && "value" in x && "origin" in x;
}

/** Turns a zod issue into ours, expanding "unrecognized keys" into one issue per key. */
function addZodIssue(add: (path: PropertyKey[], msg: string) => void, prefix: PropertyKey[], issue: z.core.$ZodIssue): void {
  const path = [...prefix, ...issue.path];
  if (issue.code === "unrecognized_keys") {
    for (const k of issue.keys) add([...path, k], `unknown key "${k}"`);
    return;
  }
  if (issue.code === "invalid_union" && issue.errors.length > 0) {
    add(path, issue.message);
    return;
  }
  add(path, plainMessage(issue.message));
}

/** zod's "Invalid input: expected array, received number" reads better as "expected array, got number". */
function plainMessage(m: string): string {
  return m.replace(/^Invalid input: expected (.+), received (.+)$/, "expected $1, got $2").replace(/^Invalid option: expected one of (.+)$/, "expected one of $1");
}

/** Human summary of what a compiled spec computes (used by `rewardsmith validate`). */
export function describeSpec(spec: CompiledSpec): string {
  const lines: string[] = [];
  lines.push(`spec ${spec.name ?? spec.origin}  hash ${spec.hash.slice(0, 16)}`);
  lines.push(`rewards (${spec.rewards.length}):`);
  for (const r of spec.rewards) {
    const weight = spec.formula === undefined ? `  weight ${r.weight}` : "";
    lines.push(`  ${r.name}: ${r.type} — ${r.description}`);
    lines.push(`      on_error ${r.onError}  deadline ${r.deadlineMs} ms  cache ${r.cache ? "on" : "off"}  runs on ${r.runs}${weight}`);
    const ps = r.perSegment;
    if (ps) lines.push(`      scored per segment: by ${ps.by}${ps.tag ? ` <${ps.tag}>` : ""}, the reward sees the ${ps.context === "prefix" ? "text up to the segment's end" : "segment alone"}, score = ${ps.aggregate} of the segment scores`);
  }
  const plan = spec.combine;
  for (const r of spec.rewards) {
    const steps = (plan.transforms[r.name] ?? []).map(describeTransform);
    const norm = plan.normalizers[r.name];
    if (norm) steps.push(describeNormalizer(norm));
    if (steps.length > 0) lines.push(`value of ${r.name}: ${steps.join(" -> ")}`);
  }
  if (plan.hybrid) {
    const h = plan.hybrid;
    const when = h.verifiable_field ? `${h.verifiable_field} is set` : `${h.rule} is ok`;
    const blend = h.confidence_recon ? ` (blended with ${h.model} by confidence ${h.confidence_recon.field ?? h.confidence_recon.reward}, recon)` : "";
    lines.push(`term ${h.name} = ${h.rule} if ${when}, else ${h.model}${blend}`);
  }
  if (plan.lengthPenalty) {
    const l = plan.lengthPenalty;
    lines.push(`term ${l.name} = -${l.p_max} * clip((L - L*)/(${l.tau} L*), 0, 1), L* = shortest ${l.correct} >= ${l.threshold} in the group, L in ${l.length_field ?? l.unit} (recon)`);
  }
  if (spec.formula !== undefined) lines.push(`total = ${spec.formula}`);
  else {
    const consumed = new Set(plan.hybrid ? [plan.hybrid.rule, plan.hybrid.model] : []);
    const weighted = [
      ...spec.rewards.filter((r) => !consumed.has(r.name)).map((r) => ({ name: r.name, weight: r.weight })),
      ...(plan.hybrid ? [{ name: plan.hybrid.name, weight: plan.hybrid.weight }] : []),
      ...(plan.lengthPenalty ? [{ name: plan.lengthPenalty.name, weight: plan.lengthPenalty.weight }] : []),
    ];
    if (plan.weighting.type === "tri_factor_recon") {
      lines.push(`total = sum of w_k * ${weighted.map((t) => t.name).join(", ")} (Tri-Factor weights, recon; risk priorities ${weighted.map((t) => t.weight).join(", ")})`);
    } else {
      const terms = weighted.map((t) => (t.weight === 1 ? t.name : `${t.weight} * ${t.name}`)).join(" + ");
      lines.push(`total = ${spec.normalizeWeights ? `(${terms}) / (sum of weights of present components)` : terms}`);
    }
  }
  const w = plan.weighting;
  if (w.type === "sum_then_normalize") lines.push(`then (total - group mean) / (${w.scale === "none" ? "1" : `${w.scale} std + ${w.eps}`}) (TRL sum_then_normalize)`);
  if (w.type === "normalize_then_sum") lines.push(`each term z-scored per group before the sum, the sum z-scored over the batch (eps ${w.eps}; TRL normalize_then_sum)`);
  if (w.type === "tri_factor_recon") lines.push(`weights recomputed per batch from weakness, risk and redundancy${w.decay > 0 ? `, smoothed with decay ${w.decay}` : ""}`);
  for (const g of spec.gates) {
    lines.push(`gate: if ${g.reward} < ${g.below} then total = ${g.total}${g.skip_rest ? " and later gates' and the other rewards are not computed" : ""}`);
  }
  if (spec.dense) {
    const d = spec.dense;
    lines.push(`dense: per-segment scores${d.tokenizer ? ` on the last token of each segment (tokenizer ${d.tokenizer})` : " as character spans"}${d.tokenizer && d.holistic !== "none" ? `, plus ${d.holistic === "total" ? "the total" : d.holistic} on the response's last token` : ""}`);
  }
  lines.push(`non-ok outcomes: skip = left out of the total, zero = counted as 0, fail = total fails`);
  return lines.join("\n");
}

function describeTransform(t: Transform): string {
  if (t.type === "affine") return `${t.scale} * x + ${t.shift}`;
  if (t.type === "clip") return `clip [${t.min ?? "-inf"}, ${t.max ?? "inf"}]`;
  const ref =
    t.reference !== undefined
      ? String(t.reference)
      : t.reference_field ?? `${t.estimate} q${t.quantile} of ${t.reference_scores_field ?? `group samples flagged ${t.reference_flag_field}`}`;
  return `log sigmoid(x - r_ref), r_ref = ${ref}`;
}

function describeNormalizer(n: Normalizer): string {
  switch (n.type) {
    case "zscore":
      return `z-score per ${n.scope} (${n.std} std)`;
    case "rank":
      return `rank in [0, 1] per ${n.scope}`;
    case "minmax":
      return n.min !== undefined ? `(x - ${n.min}) / ${n.max! - n.min}` : `min-max per ${n.scope}`;
    case "running":
      return n.mode === "ema" ? `running z-score (EMA, decay ${n.decay} per sample)` : "running z-score (all values so far)";
    case "reference_frozen_recon":
      return n.mean !== undefined ? `frozen z-score (mean ${n.mean}, std ${n.std}), clip ±${n.clip} (recon)` : `frozen z-score after ${n.calibration_samples} reference values${n.reference_field ? ` flagged by ${n.reference_field}` : ""}, clip ±${n.clip} (recon)`;
  }
}

/** Paths of every own "__proto__" key in a parsed spec (an explicit stack: no recursion limit). */
function protoKeys(value: unknown): PropertyKey[][] {
  const out: PropertyKey[][] = [];
  const stack: [unknown, PropertyKey[]][] = [[value, []]];
  while (stack.length > 0) {
    const [v, path] = stack.pop()!;
    if (v === null || typeof v !== "object") continue;
    if (Object.hasOwn(v, "__proto__")) out.push([...path, "__proto__"]);
    for (const [k, c] of Object.entries(v)) if (c !== null && typeof c === "object") stack.push([c, [...path, Array.isArray(v) ? Number(k) : k]]);
  }
  return out.reverse();
}
