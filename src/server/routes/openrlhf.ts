/**
 * OpenRLHF remote reward model (`--reward.remote_url http://HOST:8787/get_reward`, formerly
 * `--remote_rm_url`):
 *
 *   POST /get_reward  {query: [str], prompts: [str], labels: [any]}
 *                  -> {rewards: [float], scores: [float], extra_logs: {name: [float]}}
 *
 * The response text is recovered from each query as adapters/openrlhf.ts describes; `labels[i]`
 * is the reference. `rewards` and `scores` are the spec's total. OpenRLHF needs a number for
 * every sample, so a sample whose total is not ok gets `null_score` (default 0.0; set it in the
 * body or as ?null_score=) and `extra_logs.status_ok` is 0 for it: a failure is visible in the
 * trainer's logs, never a silent 0. extra_logs also has every component's score. Extensions:
 * `spec` in the body or ?spec= picks the spec; ?token= carries the token, since OpenRLHF's client
 * sends no headers.
 */
import type { FastifyInstance } from "fastify";
import type { Sample } from "../../core/types.ts";
import { responseFromQuery } from "../adapters/openrlhf.ts";
import { objectBody, optNumber, optString, queryString, reqArray, sameLength, stringList } from "../check.ts";
import { respond, scoreItems, type Item, type ServerContext } from "../context.ts";
import { badRequest } from "../errors.ts";

export function openrlhfRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.post("/get_reward", { config: { scoring: true } }, async (req, reply) => {
    const body = objectBody(req.body);
    const query = stringList(reqArray(body, "query"), "query");
    const prompts = body.prompts === undefined || body.prompts === null ? undefined : stringList(reqArray(body, "prompts"), "prompts");
    const labels = body.labels === undefined || body.labels === null ? undefined : reqArray(body, "labels");
    sameLength({ name: "query", list: query }, { name: "prompts", list: prompts }, { name: "labels", list: labels });
    const spec = optString(body, "spec") ?? queryString(req.query, "spec");
    const q = queryString(req.query, "null_score");
    let nullScore = optNumber(body, "null_score") ?? 0;
    if (q !== undefined) {
      nullScore = Number(q);
      if (!Number.isFinite(nullScore)) throw badRequest("?null_score", `expected a number, got "${q}"`);
    }

    const items: Item[] = [];
    for (let i = 0; i < query.length; i++) {
      const r = responseFromQuery(query[i]!, prompts?.[i]);
      if ("problem" in r) {
        items.push({ id: String(i), problem: `query[${i}]: ${r.problem}` });
        continue;
      }
      const s: Sample = { id: String(i), prompt: prompts?.[i] ?? "", completion: r.response };
      const label = labels?.[i];
      if (label !== undefined && label !== null) s.reference = label;
      items.push({ sample: s });
    }

    return respond(ctx, req, reply, "/get_reward", items.length, async () => {
      const { results, version } = await scoreItems(ctx, req, spec, items);
      const rewards: number[] = [];
      const ok: number[] = [];
      const logs: Record<string, number[]> = {};
      for (const r of version.spec.rewards) logs[r.name] = [];
      results.forEach((r) => {
        const good = r.status === "ok" && r.score !== null;
        rewards.push(good ? r.score! : nullScore);
        ok.push(good ? 1 : 0);
        for (const name of Object.keys(logs)) {
          const c = r.components[name];
          logs[name]!.push(c && c.status === "ok" && c.score !== null ? c.score : nullScore);
        }
      });
      return { rewards, scores: rewards, extra_logs: { ...logs, status_ok: ok } };
    });
  });
}
