/**
 * Runs OpenAI-style graders (`POST /v1/fine_tuning/alpha/graders/run`) and answers in the API's
 * shape: `{reward, sub_rewards, model_grader_token_usage_per_model, metadata: {name, type, errors,
 * execution_time, scores, token_usage, sampled_model_name}}`. As in the API, a grader that fails
 * at run time (an exception in python, a missing template variable) scores 0 and sets its flag in
 * `metadata.errors`; an invalid grader is a 400 before anything runs.
 */
import { sha256, stableStringify } from "../../core/hash.ts";
import { HttpError } from "../errors.ts";
import { PythonGraders } from "./python.ts";
import { parseGrader, type Grader, type LeafGrader } from "./schema.ts";
import { similarity } from "./similarity.ts";
import { renderTemplate, sampleNamespace, type Namespaces, type Template } from "./template.ts";

export type ErrorFlags = {
  formula_parse_error: boolean;
  invalid_variable_error: boolean;
  model_grader_parse_error: boolean;
  model_grader_refusal_error: boolean;
  model_grader_server_error: boolean;
  model_grader_server_error_details: string | null;
  other_error: boolean;
  python_grader_runtime_error: boolean;
  python_grader_runtime_error_details: string | null;
  python_grader_server_error: boolean;
  python_grader_server_error_type: string | null;
  sample_parse_error: boolean;
  truncated_observation_error: boolean;
  unresponsive_reward_error: boolean;
};

export const noErrors = (): ErrorFlags => ({
  formula_parse_error: false,
  invalid_variable_error: false,
  model_grader_parse_error: false,
  model_grader_refusal_error: false,
  model_grader_server_error: false,
  model_grader_server_error_details: null,
  other_error: false,
  python_grader_runtime_error: false,
  python_grader_runtime_error_details: null,
  python_grader_server_error: false,
  python_grader_server_error_type: null,
  sample_parse_error: false,
  truncated_observation_error: false,
  unresponsive_reward_error: false,
});

export type RunResponse = {
  reward: number;
  sub_rewards: Record<string, number>;
  model_grader_token_usage_per_model: Record<string, unknown>;
  metadata: {
    name: string;
    type: string;
    errors: ErrorFlags;
    execution_time: number;
    scores: Record<string, number>;
    token_usage: number | null;
    sampled_model_name: string | null;
  };
};

/** Rendered strings longer than this are cut (and flagged truncated_observation_error): metrics run on the event loop. */
const MAX_TEXT = 200_000;

export class GraderEngine {
  readonly python = new PythonGraders();

  /** Parses and checks a grader (the 400s of /validate and /run). */
  validate(raw: unknown): { grader: Grader; hash: string } {
    if (raw === undefined || raw === null) throw new HttpError(400, "missing (expected a grader object)", "grader", "missing_field");
    return { grader: parseGrader(raw, "grader"), hash: sha256(stableStringify(raw)) };
  }

  /** Graders that need something this server lacks are refused before running. */
  assertRunnable(g: Grader, path = "grader"): void {
    if (g.type === "multi") {
      for (const [, s] of Object.entries(g.graders)) this.assertRunnable(s.grader, s.path);
      return;
    }
    if (g.type === "score_model" || g.type === "label_model") {
      throw new HttpError(400, `"${g.type}" graders need a model backend, which this rewardsmith server does not have yet; use string_check, text_similarity, python or multi`, `${path}.type`, "model_backend_unavailable");
    }
    if (g.type === "text_similarity" && g.metric === "cosine") {
      throw new HttpError(400, `"cosine" needs an embedding model, which this rewardsmith server does not have yet; use fuzzy_match, bleu, gleu, meteor or rouge_*`, `${path}.evaluation_metric`, "model_backend_unavailable");
    }
  }

  async run(g: Grader, modelSample: string, item: unknown, deadlineAt: number, signal?: AbortSignal): Promise<RunResponse> {
    const t0 = performance.now();
    const { sample, jsonError } = sampleNamespace(modelSample);
    const ns: Namespaces = { item: item ?? {}, sample };
    const errors = noErrors();
    const ctx = { ns, errors, jsonFailed: jsonError !== undefined, deadlineAt, signal };
    let reward: number;
    const sub: Record<string, number> = {};
    if (g.type === "multi") {
      const names = Object.keys(g.graders);
      const values = await Promise.all(names.map((k) => this.leaf(g.graders[k]!.grader, ctx)));
      names.forEach((k, i) => (sub[k] = values[i]!));
      const v = g.formula.evaluate(sub);
      if (Number.isFinite(v)) reward = v;
      else {
        reward = 0;
        errors.other_error = true;
      }
    } else {
      reward = await this.leaf(g, ctx);
    }
    return {
      reward,
      sub_rewards: sub,
      model_grader_token_usage_per_model: {},
      metadata: {
        name: g.name,
        type: g.type,
        errors,
        execution_time: (performance.now() - t0) / 1000,
        scores: { ...sub },
        token_usage: null,
        sampled_model_name: null,
      },
    };
  }

  private async leaf(g: LeafGrader, ctx: { ns: Namespaces; errors: ErrorFlags; jsonFailed: boolean; deadlineAt: number; signal?: AbortSignal }): Promise<number> {
    const { ns, errors } = ctx;
    const render = (t: Template): string | undefined => {
      const r = renderTemplate(t, ns);
      // A template reading output_json of a sample that is not JSON fails, even {{sample.output_json}}
      // itself (which would otherwise render the text "null").
      if (r.usesOutputJson && ctx.jsonFailed) {
        errors.sample_parse_error = true;
        return undefined;
      }
      if (r.missing.length > 0) {
        errors.invalid_variable_error = true;
        return undefined;
      }
      if (r.text.length > MAX_TEXT) {
        errors.truncated_observation_error = true;
        return r.text.slice(0, MAX_TEXT);
      }
      return r.text;
    };
    switch (g.type) {
      case "string_check": {
        const a = render(g.input);
        const b = render(g.reference);
        if (a === undefined || b === undefined) return 0;
        switch (g.operation) {
          case "eq":
            return a === b ? 1 : 0;
          case "ne":
            return a !== b ? 1 : 0;
          case "like":
            return a.includes(b) ? 1 : 0;
          case "ilike":
            return a.toLowerCase().includes(b.toLowerCase()) ? 1 : 0;
        }
        return 0;
      }
      case "text_similarity": {
        const a = render(g.input);
        const b = render(g.reference);
        if (a === undefined || b === undefined) return 0;
        const v = similarity(g.metric, a, b);
        if (v === undefined || !Number.isFinite(v)) {
          errors.other_error = true;
          return 0;
        }
        return v;
      }
      case "python": {
        const left = ctx.deadlineAt - Date.now();
        const r = await this.python.run(g.source, ns.sample, ns.item, left, ctx.signal);
        if (r.ok) return r.reward;
        if (r.kind === "runtime") {
          errors.python_grader_runtime_error = true;
          errors.python_grader_runtime_error_details = r.details;
        } else if (r.kind === "timeout") {
          errors.unresponsive_reward_error = true;
          errors.python_grader_runtime_error_details = r.details;
        } else {
          errors.python_grader_server_error = true;
          errors.python_grader_server_error_type = r.type;
          errors.python_grader_runtime_error_details = r.details;
        }
        return 0;
      }
      default:
        errors.model_grader_server_error = true;
        errors.model_grader_server_error_details = "no model backend";
        return 0;
    }
  }

  async close(): Promise<void> {
    await this.python.close();
  }
}

/** Which flag a run raised, for metrics ("ok" when none). */
export function outcomeOf(e: ErrorFlags): string {
  for (const [k, v] of Object.entries(e)) if (v === true) return k;
  return "ok";
}
