import { isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { z } from "zod";
import { checkSpecFile } from "../../core/files.ts";
import { notApplicable, ok } from "../../core/outcome.ts";
import { defineRewardType } from "../../core/reward-type.ts";
import type { Outcome, Reward, RewardContext, Sample } from "../../core/types.ts";

const Params = z.strictObject({
  /** Path of an ES module (.js/.mjs, or .ts through tsx), relative to the spec file. */
  module: z.string({ error: "expected the path of a module exporting the reward" }).min(1),
  /** The export to use: a Reward object (with score(batch, ctx)) or a per-sample function. */
  export: z.string().default("default"),
  /** `worker` (default) gives a hard deadline; `main` is for I/O-bound functions that honour ctx.signal. */
  runs: z.enum(["worker", "main"]).default("worker"),
  granularity: z.enum(["sample", "group", "batch"]).default("sample"),
  /** Passed as the third argument of a per-sample function. */
  options: z.record(z.string(), z.unknown()).default({}),
});

/** A per-sample function: a number is a score, null/undefined means "not applicable". */
export type SampleFunction = (
  sample: Sample,
  ctx: RewardContext,
  options: Record<string, unknown>,
) => number | Outcome | null | undefined | Promise<number | Outcome | null | undefined>;

/**
 * A reward written by the user in JavaScript or TypeScript and loaded from a module.
 * @example
 * // reward.yaml:  rewards: { short: { type: custom, module: ./short.mjs } }
 * // short.mjs:    export default (s) => (s.completion.length < 200 ? 1 : 0);
 */
export const custom = defineRewardType({
  type: "custom",
  summary: "a user-defined reward loaded from a JavaScript/TypeScript module",
  params: Params,
  runs: (p) => p.runs,
  granularity: (p) => p.granularity,
  uses: ["prompt", "completion", "reference", "group", "meta"],
  describe: (p) => `custom reward ${p.export} from ${p.module} (runs on ${p.runs})`,
  async create(p, env): Promise<Reward> {
    const path = isAbsolute(p.module) ? p.module : resolve(env.baseDir, p.module);
    checkSpecFile(path, "module");
    let mod: Record<string, unknown>;
    try {
      mod = await importModule(path);
    } catch (err) {
      throw new Error(`module: cannot load ${path}: ${(err as Error).message}`);
    }
    const exported = pickExport(mod, p.export);
    if (exported === undefined) {
      throw new Error(`export: ${p.module} has no export "${p.export}" (exports: ${Object.keys(mod).join(", ") || "none"})`);
    }
    if (typeof exported === "object" && exported !== null && typeof (exported as Reward).score === "function") {
      const r = exported as Reward;
      return { name: env.name, score: (b, c) => r.score(b, c), close: () => r.close?.() };
    }
    if (typeof exported !== "function") throw new Error(`export: ${p.module} export "${p.export}" is neither a function nor a reward object`);
    const fn = exported as SampleFunction;
    return {
      name: env.name,
      async score(batch, ctx) {
        const out: Outcome[] = [];
        for (const s of batch) out.push(toOutcome(await fn(s, ctx, p.options)));
        return out;
      },
    };
  },
});

/**
 * The named export. A TypeScript file outside an ESM package is loaded as CommonJS, so its exports
 * arrive wrapped in `default` (`{default: {default: fn, other: …}}`): look inside that too.
 */
function pickExport(mod: Record<string, unknown>, name: string): unknown {
  const inner = mod.default;
  const wrapped = inner !== null && typeof inner === "object" && !Array.isArray(inner) && typeof (inner as Reward).score !== "function";
  if (wrapped && name in (inner as object) && (name !== "default" || Object.keys(mod).length === 1)) return (inner as Record<string, unknown>)[name];
  return mod[name];
}

function toOutcome(v: unknown): Outcome {
  if (typeof v === "number") return ok(v);
  if (typeof v === "boolean") return ok(v ? 1 : 0);
  if (v === null || v === undefined) return notApplicable("the function returned no score");
  return v as Outcome;
}

async function importModule(path: string): Promise<Record<string, unknown>> {
  const url = pathToFileURL(path).href;
  try {
    return (await import(url)) as Record<string, unknown>;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ERR_UNKNOWN_FILE_EXTENSION" && /\.(c|m)?ts$/.test(path)) {
      // TypeScript without a loader (the built CLI): tsx imports it with a loader scoped to this
      // import. (Registering a loader and importing the same URL again would only replay the
      // cached failure.)
      const api = (await import("tsx/esm/api")) as { tsImport(specifier: string, parent: string): Promise<unknown> };
      return (await api.tsImport(url, import.meta.url)) as Record<string, unknown>;
    }
    if (code === "ERR_MODULE_NOT_FOUND") throw new Error(`not found (${(err as Error).message.split("\n")[0]})`);
    throw err;
  }
}
