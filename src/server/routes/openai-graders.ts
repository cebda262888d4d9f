/**
 * OpenAI's grader endpoints, for people leaving the hosted graders:
 *
 *   POST /v1/fine_tuning/alpha/graders/validate  {grader}                              -> {grader}
 *   POST /v1/fine_tuning/alpha/graders/run       {grader, model_sample, item?}        -> {reward,
 *        sub_rewards, model_grader_token_usage_per_model, metadata: {name, type, errors,
 *        execution_time, scores, token_usage, sampled_model_name}}
 *
 * Grader types: string_check, text_similarity (all metrics but cosine), python (sandboxed), multi
 * with calculate_output; score_model and label_model validate but do not run (no model backend
 * yet: a 400 that says so). See graders/ for templating and the error flags.
 */
import type { FastifyInstance } from "fastify";
import { typeOf } from "../../core/sample.ts";
import type { Outcome } from "../../core/types.ts";
import { checkDepth, isObject, objectBody } from "../check.ts";
import { respond, type ServerContext } from "../context.ts";
import { badRequest } from "../errors.ts";
import { outcomeOf } from "../graders/engine.ts";
import { deadlineOf } from "../limits.ts";

const RUN_KEYS = ["grader", "model_sample", "item", "reference_answer"];

export function openaiGraderRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.post("/v1/fine_tuning/alpha/graders/validate", async (req) => {
    const body = objectBody(req.body);
    for (const k of Object.keys(body)) if (k !== "grader") throw badRequest(k, "unknown parameter (known: grader)", "unknown_parameter");
    checkDepth(body.grader, "grader");
    ctx.graders.validate(body.grader);
    return { grader: body.grader };
  });

  app.post("/v1/fine_tuning/alpha/graders/run", { config: { scoring: true } }, async (req, reply) => {
    const body = objectBody(req.body);
    for (const k of Object.keys(body)) if (!RUN_KEYS.includes(k)) throw badRequest(k, `unknown parameter (known: ${RUN_KEYS.join(", ")})`, "unknown_parameter");
    for (const k of ["grader", "item", "reference_answer"]) checkDepth(body[k], k);
    const { grader, hash } = ctx.graders.validate(body.grader);
    ctx.graders.assertRunnable(grader);
    const sample = body.model_sample;
    if (sample === undefined || sample === null) throw badRequest("model_sample", "missing (expected a string)", "missing_field");
    if (typeof sample !== "string") throw badRequest("model_sample", `expected a string, got ${typeOf(sample)}`);
    let item: unknown = body.item ?? {};
    if (!isObject(item)) throw badRequest("item", `expected an object, got ${typeOf(item)}`);
    if (body.reference_answer !== undefined && !("reference_answer" in item)) item = { ...item, reference_answer: body.reference_answer };
    const deadline = deadlineOf(req, ctx.options.deadlineMs);
    return respond(ctx, req, reply, "/v1/fine_tuning/alpha/graders/run", 1, async () => {
      const out = await ctx.graders.run(grader, sample, item, deadline.at);
      const outcome = outcomeOf(out.metadata.errors);
      ctx.metrics.graders.inc([grader.type, outcome]);
      const components: Record<string, Outcome> = {};
      for (const [k, v] of Object.entries(out.sub_rewards)) components[k] = { score: v, status: "ok" };
      ctx.recorder?.record({ key: `grader\u0000${hash}`, kind: "grader", specHash: hash, specName: grader.name, specText: JSON.stringify(body.grader) }, [
        { id: String(req.id), score: out.reward, status: outcome === "ok" ? "ok" : "error", ...(outcome === "ok" ? {} : { reason: outcome }), components },
      ]);
      return out;
    }, "the grader");
  });
}
