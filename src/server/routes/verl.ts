/**
 * verl `custom_reward_function` over HTTP (integrations/python/verl_reward.py calls it):
 *
 *   POST /verl/compute_score
 *     one item:  {data_source, solution_str, ground_truth, extra_info?}          -> {score, ...}
 *     a batch:   {data_sources, solution_strs, ground_truths, extra_infos?}      -> [{score, ...}]
 *   extensions: spec (skip routing), null_score (default 0.0), return_dict (default true; false
 *   answers bare floats, as a verl reward function may).
 *
 * Each item goes to the spec its data_source routes to (routes.yaml, a spec named like the data
 * source, else the default; see specs.ts). verl needs a number for every item, so an item whose
 * total is not ok scores `null_score` and has `status_ok: 0`. The dict form carries every
 * component of every served spec (absent or not ok: null_score) plus `status_ok`: the same keys
 * for every data source, because verl stacks the extra keys across the batch and crashes when
 * they differ (verl #1031).
 */
import type { FastifyInstance } from "fastify";
import { typeOf } from "../../core/sample.ts";
import type { Sample } from "../../core/types.ts";
import type { ScoredSample } from "../../pipeline/pipeline.ts";
import { isObject, objectBody, optBool, optNumber, optString, reqArray, sameLength, type Json } from "../check.ts";
import { respond, scoreItems, type Item, type ServerContext } from "../context.ts";
import { badRequest, HttpError } from "../errors.ts";

type VerlItem = { dataSource: string; solution: string; groundTruth: unknown; extraInfo: Json | undefined };

export function verlRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.post("/verl/compute_score", { config: { scoring: true } }, async (req, reply) => {
    const body = objectBody(req.body);
    const batch = body.solution_strs !== undefined || body.data_sources !== undefined;
    const items = batch ? batchItems(body) : [singleItem(body)];
    const spec = optString(body, "spec");
    const nullScore = optNumber(body, "null_score") ?? 0;
    const asDict = optBool(body, "return_dict") ?? true;

    // Route every item before scoring: an unroutable data_source is a 400 naming it.
    const bySpec = new Map<string, number[]>();
    items.forEach((it, i) => {
      const name = spec !== undefined ? ctx.specs.resolveName(spec) : ctx.specs.routeDataSource(it.dataSource);
      if (name === undefined) {
        throw new HttpError(404, `no spec serves data_source "${it.dataSource}" (served: ${ctx.specs.names().join(", ")}; add it to routes.yaml or name a default)`, batch ? `data_sources[${i}]` : "data_source", "unknown_data_source");
      }
      const list = bySpec.get(name);
      if (list) list.push(i);
      else bySpec.set(name, [i]);
    });

    const out = await respond(ctx, req, reply, "/verl/compute_score", items.length, async () => {
      const keys = ctx.specs.allRewardNames();
      const results: ScoredSample[] = new Array(items.length);
      await Promise.all(
        [...bySpec].map(async ([name, idx]) => {
          const scored = await scoreItems(ctx, req, name, idx.map((i) => toItem(items[i]!, i)));
          idx.forEach((i, k) => (results[i] = scored.results[k]!));
        }),
      );
      if (bySpec.size > 1) req.rs.spec = [...bySpec.keys()].join(",");
      return results.map((r) => answer(r, keys, nullScore, asDict));
    });
    return batch ? out : out[0];
  });
}

function answer(r: ScoredSample, keys: readonly string[], nullScore: number, asDict: boolean): number | Record<string, number> {
  const good = r.status === "ok" && r.score !== null;
  const score = good ? r.score! : nullScore;
  if (!asDict) return score;
  const d: Record<string, number> = {};
  for (const k of keys) {
    const c = r.components[k];
    d[k] = c && c.status === "ok" && c.score !== null ? c.score : nullScore;
  }
  d.score = score;
  d.status_ok = good ? 1 : 0;
  return d;
}

function singleItem(body: Json): VerlItem {
  const dataSource = body.data_source;
  if (dataSource === undefined || dataSource === null) throw badRequest("data_source", "missing (expected a string)", "missing_field");
  if (typeof dataSource !== "string") throw badRequest("data_source", `expected a string, got ${typeOf(dataSource)}`);
  const solution = body.solution_str;
  if (solution === undefined || solution === null) throw badRequest("solution_str", "missing (expected a string)", "missing_field");
  if (typeof solution !== "string") throw badRequest("solution_str", `expected a string, got ${typeOf(solution)}`);
  return { dataSource, solution, groundTruth: body.ground_truth, extraInfo: extraInfo(body.extra_info, "extra_info") };
}

function batchItems(body: Json): VerlItem[] {
  const ds = reqArray(body, "data_sources");
  const sol = reqArray(body, "solution_strs");
  const gt = body.ground_truths === undefined || body.ground_truths === null ? undefined : reqArray(body, "ground_truths");
  const ex = body.extra_infos === undefined || body.extra_infos === null ? undefined : reqArray(body, "extra_infos");
  sameLength({ name: "solution_strs", list: sol }, { name: "data_sources", list: ds }, { name: "ground_truths", list: gt }, { name: "extra_infos", list: ex });
  return sol.map((s, i) => {
    if (typeof ds[i] !== "string") throw badRequest(`data_sources[${i}]`, `expected a string, got ${typeOf(ds[i])}`);
    if (typeof s !== "string") throw badRequest(`solution_strs[${i}]`, `expected a string, got ${typeOf(s)}`);
    return { dataSource: ds[i] as string, solution: s, groundTruth: gt?.[i], extraInfo: extraInfo(ex?.[i], `extra_infos[${i}]`) };
  });
}

function extraInfo(x: unknown, path: string): Json | undefined {
  if (x === undefined || x === null) return undefined;
  if (!isObject(x)) throw badRequest(path, `expected an object, got ${typeOf(x)}`);
  return x;
}

/** verl item -> Sample: the solution is the completion, ground_truth the reference, extra_info (+ data_source) the meta. */
function toItem(it: VerlItem, i: number): Item {
  const ex = it.extraInfo;
  const index = ex?.index;
  const id = typeof index === "string" || typeof index === "number" ? String(index) : String(i);
  const prompt = typeof ex?.prompt === "string" ? ex.prompt : typeof ex?.question === "string" ? ex.question : "";
  const s: Sample = { id, prompt, completion: it.solution, meta: { ...(ex ?? {}), data_source: it.dataSource } };
  if (it.groundTruth !== undefined && it.groundTruth !== null) s.reference = it.groundTruth;
  return { sample: s };
}
