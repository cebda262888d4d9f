/**
 * NeMo Gym resources-server verification (`nemo_gym.base_resources_server`):
 *
 *   POST /verify  {responses_create_params, response, ...task fields}
 *              -> the same object plus reward, reward_components (BaseMultiRewardVerifyResponse)
 *                 and mask_sample; failure_kind and failure_reason when the total is not ok.
 *
 * The reference is the task field the spec's `input.reference` names, else the first of
 * expected_answer, ground_truth, reference, answer, label, target. A sample whose total is not
 * ok gets reward 0.0 with `mask_sample: true`, Gym's own flag for "this reward is not a valid
 * measurement" (an infrastructure failure, not a wrong answer), and failure_kind `verifier_error`
 * (error) or `rewardsmith:<status>`. reward_components has every component (not ok: 0.0) so the
 * keys are the same for every task. ?spec= picks the spec.
 */
import type { FastifyInstance } from "fastify";
import { verifyToSample } from "../adapters/nemo.ts";
import { checkDepth, objectBody, queryString } from "../check.ts";
import { respond, scoreOnSpec, type ServerContext } from "../context.ts";

export function nemoGymRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.post("/verify", { config: { scoring: true } }, async (req, reply) => {
    const body = objectBody(req.body);
    for (const [k, v] of Object.entries(body)) checkDepth(v, k);
    const spec = queryString(req.query, "spec");
    const name = ctx.specs.resolveName(spec, "?spec");
    const current = ctx.specs.versions().find((v) => v.name === name && !v.retired);
    const sample = verifyToSample(body, current?.spec.input.reference);
    return respond(ctx, req, reply, "/verify", 1, async () => {
      const { results, version } = await scoreOnSpec(ctx, req, name, [sample], "?spec");
      const r = results[0]!;
      const components: Record<string, number> = {};
      for (const n of version.spec.rewards.map((x) => x.name)) {
        const c = r.components[n];
        components[n] = c && c.status === "ok" && c.score !== null ? c.score : 0;
      }
      const good = r.status === "ok" && r.score !== null;
      return {
        ...body,
        reward: good ? r.score! : 0,
        reward_components: components,
        mask_sample: !good,
        ...(good ? {} : { failure_kind: r.status === "error" ? "verifier_error" : `rewardsmith:${r.status}`, failure_reason: r.reason ?? r.status }),
      };
    });
  });
}
