import type { Combiner, Total } from "../core/combiner.ts";
import { contentHash, stableStringify } from "../core/hash.ts";
import { invalidInput, notApplicable } from "../core/outcome.ts";
import { projectSample, type RewardRegistry } from "../core/reward-type.ts";
import { sampleProblem } from "../core/sample.ts";
import type { DenseOutput, Outcome, Reward, Sample, Status } from "../core/types.ts";
import { foldSegmentOutcomes, type Span } from "../core/segments.ts";
import { completionText } from "../core/text.ts";
import type { CompiledSpec, RewardNode } from "../spec/compile.ts";
import type { PerSegment } from "../spec/schema.ts";
import type { Gate } from "../spec/schema.ts";
import { gateFails } from "../spec/policy.ts";
import { isCacheable, OutcomeCache } from "./cache.ts";
import { Limiter } from "./limiter.ts";
import { runMainCall } from "./run-main.ts";
import { checkOutcomes } from "../core/validate-outcome.ts";
import { describeError, errorOutcome, timeout } from "../core/outcome.ts";
import { WorkerPool } from "./worker-pool.ts";
import { rewardPath } from "./reward-path.ts";

/** A sample's total and every component, as every output format reports it. */
export type ScoredSample = Total & {
  id: string;
  components: Record<string, Outcome>;
  /** Per-segment and token-level rewards, when the spec has a `dense` section. */
  dense?: DenseOutput;
};

/** Cuts a completion into segments for a `per_segment` reward (the dense/ segmenters). */
export type Segmenter = (text: string, how: PerSegment, deadlineMs: number) => Span[];

export type PipelineOptions = {
  /** Reward types for rewards that run on the main thread. */
  registry: RewardRegistry;
  /** URL of a module exporting `registry`, imported by worker threads for worker-run rewards. */
  registryModule: string;
  combiner: Combiner;
  /** Worker threads for CPU-bound rewards (default: cores, at most 8). */
  workers?: number;
  /** At most this many main-thread reward calls at once (default 64). */
  concurrency?: number;
  /** Needed by `per_segment` rewards. */
  segmenter?: Segmenter;
  /** Adds what is computed from whole results (dense token rewards) before score() returns them. */
  finish?: (samples: readonly Sample[], results: ScoredSample[]) => void;
  /** Heap limit per worker thread in MB (default 1024). */
  maxHeapMb?: number;
};

/**
 * Inputs up to this many characters run inline for `inline` reward types (linear-time built-ins):
 * at tens of nanoseconds per character that is well under a millisecond, while a worker round trip
 * costs more than the work. Larger inputs go to a killable worker.
 */
export const INLINE_MAX_CHARS = 65_536;

export type RewardStats = Record<Status, number> & { cacheHits: number; calls: number; ms: number };

/**
 * Runs a compiled spec over batches: each reward node gets the samples it must score after the
 * cache and in-batch deduplication, in calls sized by its granularity, on a worker thread or on
 * this thread, under its deadline; then the combiner turns components into totals.
 */
export class Pipeline {
  readonly stats: Record<string, RewardStats> = {};
  private readonly cache: OutcomeCache;
  private readonly main = new Map<string, Reward>();
  /** Worker-run rewards that may also run inline for small inputs (instances live in `main` too). */
  private readonly inline = new Set<string>();
  private readonly cheap = new Set<string>();
  private readonly limiter: Limiter;
  private pool?: WorkerPool;
  /**
   * Short-circuit gates in spec order (OpenEnv `Sequential`), each with the reward it needs when
   * no earlier stage computed it; the other rewards run after the last stage, for the samples
   * that passed every gate.
   */
  private readonly stages: { gate: Gate; node?: RewardNode }[] = [];
  private readonly rest: RewardNode[];
  private readonly paramKeys = new Map<string, string>();

  private constructor(
    readonly spec: CompiledSpec,
    private readonly options: PipelineOptions,
  ) {
    this.cache = new OutcomeCache(spec.cacheSize);
    this.limiter = new Limiter(options.concurrency ?? 64);
    const gated = new Set<string>();
    for (const gate of spec.gates.filter((g) => g.skip_rest)) {
      this.stages.push({ gate, node: gated.has(gate.reward) ? undefined : spec.rewards.find((r) => r.name === gate.reward) });
      gated.add(gate.reward);
    }
    this.rest = spec.rewards.filter((r) => !gated.has(r.name));
    for (const r of spec.rewards) {
      this.stats[r.name] = { ok: 0, not_applicable: 0, invalid_input: 0, timeout: 0, error: 0, cacheHits: 0, calls: 0, ms: 0 };
      this.paramKeys.set(r.name, `${r.name}\u0000${r.type}\u0000${stableStringify(r.params)}`);
    }
  }

  static async create(spec: CompiledSpec, options: PipelineOptions): Promise<Pipeline> {
    const p = new Pipeline(spec, options);
    for (const node of spec.rewards) {
      const type = options.registry.get(node.type);
      if (!type) throw new Error(`reward type "${node.type}" is not registered`);
      if (type.cheap) p.cheap.add(node.name);
      const inline = node.runs === "worker" && type.inline === true;
      if (inline) p.inline.add(node.name);
      if (node.runs === "main" || inline) {
        try {
          p.main.set(node.name, await type.create(node.params as never, { name: node.name, baseDir: spec.baseDir }));
        } catch (err) {
          await p.close();
          throw new Error(rewardPath(node.name, describeError(err)));
        }
      }
    }
    // Workers start now when some reward always needs them; for inline-only specs, on first need.
    if (spec.rewards.some((r) => r.runs === "worker" && !p.inline.has(r.name))) p.ensurePool();
    return p;
  }

  private ensurePool(): WorkerPool {
    this.pool ??= new WorkerPool(
      { registryModule: this.options.registryModule, rewards: this.spec.rewards.filter((r) => r.runs === "worker"), baseDir: this.spec.baseDir },
      { size: this.options.workers, maxHeapMb: this.options.maxHeapMb },
    );
    return this.pool;
  }

  /** Resolves when every worker has built its rewards; rejects with the reason otherwise. */
  async ready(): Promise<void> {
    await this.pool?.ready();
  }

  get cacheStats(): { hits: number; misses: number; size: number } {
    return { hits: this.cache.hits, misses: this.cache.misses, size: this.cache.size };
  }

  /** Worker threads in use (0 when the spec has no worker-run reward). */
  get workerCount(): number {
    return this.pool?.size ?? 0;
  }

  get workerStats(): { timeouts: number; crashes: number; restarts: number } {
    return this.pool?.stats ?? { timeouts: 0, crashes: 0, restarts: 0 };
  }

  /** Scores a batch; the result has the same length and order. Samples of one group should be in one batch. */
  async score(samples: readonly Sample[]): Promise<ScoredSample[]> {
    const n = samples.length;
    const components: Record<string, Outcome>[] = Array.from({ length: n }, () => ({}));
    const valid: number[] = [];
    const invalid = new Map<number, string>();
    for (let i = 0; i < n; i++) {
      const problem = sampleProblem(samples[i]);
      if (problem === undefined) valid.push(i);
      else invalid.set(i, problem);
    }
    const norm = samples.map((s, i) => (invalid.has(i) ? s : s.prompt === undefined ? { ...s, prompt: "" } : s));
    const groups = groupIndex(norm, valid);

    let rest = valid;
    if (this.stages.length > 0) {
      const policy = new Map(this.spec.rewards.map((r) => [r.name, r.onError]));
      for (let s = 0; s < this.stages.length; s++) {
        const { gate, node } = this.stages[s]!;
        if (node) await this.runNode(node, norm, rest, components, groups);
        const passed: number[] = [];
        for (const i of rest) {
          const o = components[i]![gate.reward];
          if (!o || !gateFails(gate, o, policy.get(gate.reward)!)) {
            passed.push(i);
            continue;
          }
          // Everything not computed yet is skipped for this sample: later gates' rewards and the rest.
          const skipped = notApplicable(`not computed: gate ${gate.reward} < ${gate.below}`);
          for (let later = s + 1; later < this.stages.length; later++) {
            const n = this.stages[later]!.node;
            if (n) components[i]![n.name] = skipped;
          }
          for (const n of this.rest) components[i]![n.name] = skipped;
        }
        rest = passed;
      }
    }
    await Promise.all(this.rest.map((node) => this.runNode(node, norm, rest, components, groups)));

    const totals = this.options.combiner.combine(norm, components);
    const out: ScoredSample[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const problem = invalid.get(i);
      const id = typeof samples[i]?.id === "string" ? samples[i]!.id : String(i);
      if (problem !== undefined) {
        const o = invalidInput(problem);
        const comps: Record<string, Outcome> = {};
        for (const r of this.spec.rewards) comps[r.name] = o;
        out[i] = { id, score: null, status: "invalid_input", reason: problem, components: comps };
        continue;
      }
      // Components in spec order, whatever order they finished in.
      const comps: Record<string, Outcome> = {};
      for (const r of this.spec.rewards) {
        const o = components[i]![r.name];
        if (o) comps[r.name] = o;
      }
      out[i] = { id, ...totals[i]!, components: comps };
    }
    this.options.finish?.(norm, out);
    return out;
  }

  private async runNode(
    node: RewardNode,
    samples: readonly Sample[],
    indices: readonly number[],
    components: Record<string, Outcome>[],
    groups: Map<string, number[]>,
  ): Promise<void> {
    if (node.perSegment) return this.runPerSegment(node, node.perSegment, samples, indices, components);
    const stats = this.stats[node.name]!;
    const started = performance.now();
    const perSample = node.granularity === "sample";
    const useCache = node.cache && perSample && this.spec.cacheSize > 0 && !this.cheap.has(node.name);
    // Deduplicate: identical inputs in the batch are computed once (GRPO groups repeat samples).
    const todo: number[] = [];
    const followers = new Map<number, number[]>();
    const keys = new Map<number, string>();
    if (useCache) {
      const firstByKey = new Map<string, number>();
      const prefix = this.paramKeys.get(node.name)!;
      for (const i of indices) {
        const key = contentHash(prefix + cacheText(samples[i]!, node));
        const hit = this.cache.get(key);
        if (hit) {
          stats.cacheHits++;
          components[i]![node.name] = hit;
          continue;
        }
        const first = firstByKey.get(key);
        if (first !== undefined) {
          stats.cacheHits++;
          const f = followers.get(first);
          if (f) f.push(i);
          else followers.set(first, [i]);
          continue;
        }
        firstByKey.set(key, i);
        keys.set(i, key);
        todo.push(i);
      }
    } else {
      todo.push(...indices);
    }
    if (todo.length === 0) return;
    // Records one computed outcome: for the sample, its in-batch duplicates and the cache.
    const put = (i: number, o: Outcome) => {
      components[i]![node.name] = o;
      stats[o.status]++;
      const f = followers.get(i);
      if (f) for (const j of f) components[j]![node.name] = o;
      const key = keys.get(i);
      if (key !== undefined && isCacheable(o)) this.cache.set(key, o);
    };
    if (perSample && this.inline.has(node.name)) {
      await this.runInlineSamples(node, samples, todo, groups, put);
      stats.calls += todo.length;
      stats.ms += performance.now() - started;
      return;
    }

    const projected = (i: number) => projectSample(samples[i]!, node.uses);
    let calls: number[][];
    if (node.granularity === "sample") calls = todo.map((i) => [i]);
    else if (node.granularity === "batch") calls = [todo];
    else {
      const inTodo = new Set(todo);
      const seen = new Set<string>();
      calls = [];
      for (const i of todo) {
        const g = samples[i]!.group;
        if (g === undefined) calls.push([i]);
        else if (!seen.has(g)) {
          seen.add(g);
          calls.push(groups.get(g)!.filter((j) => inTodo.has(j)));
        }
      }
    }

    const callSamples = calls.map((c) => c.map(projected));
    let results: Outcome[][];
    if (node.runs === "worker" && this.inline.has(node.name)) {
      results = await this.runInline(node, callSamples, groups, samples);
    } else if (node.runs === "worker") {
      results = await this.ensurePool().run(node.name, callSamples, node.deadlineMs);
    } else {
      const reward = this.main.get(node.name)!;
      const group = groupOf(groups, samples);
      results = await Promise.all(
        callSamples.map((c) =>
          this.limiter.run(() => runMainCall(reward, c, { name: node.name, deadlineMs: node.deadlineMs, retries: node.retries, group })),
        ),
      );
    }
    stats.calls += calls.length;
    for (let c = 0; c < calls.length; c++) {
      const idxs = calls[c]!;
      const outs = results[c]!;
      for (let k = 0; k < idxs.length; k++) put(idxs[k]!, outs[k]!);
    }
    stats.ms += performance.now() - started;
  }

  /**
   * A `per_segment` reward: every segment of every completion becomes a sample of its own (ids
   * `<id>#<k>`), scored as one batch through the ordinary path — cache, workers, deadlines all
   * apply per segment — and the results fold back into one outcome per sample with `segments`.
   */
  private async runPerSegment(node: RewardNode, how: PerSegment, samples: readonly Sample[], indices: readonly number[], components: Record<string, Outcome>[]): Promise<void> {
    const segmenter = this.options.segmenter;
    const segSamples: Sample[] = [];
    const spansOf = new Map<number, Span[]>();
    for (const i of indices) {
      if (!segmenter) {
        components[i]![node.name] = errorOutcome("per_segment needs a segmenter (compile through rewardsmith's compile())");
        continue;
      }
      const s = samples[i]!;
      const text = completionText(s);
      let spans: Span[];
      try {
        spans = segmenter(text, how, node.deadlineMs);
      } catch (err) {
        // A segmenter that ran out of time (a spec's own step marker backtracking) says so.
        const why = `segmenting by ${how.by}: ${describeError(err)}`;
        components[i]![node.name] = (err as Error)?.name === "TimeoutError" ? timeout(why) : errorOutcome(why);
        continue;
      }
      if (spans.length === 0) {
        components[i]![node.name] = notApplicable(`no ${how.by} segments in the completion`);
        continue;
      }
      spansOf.set(i, spans);
      spans.forEach((sp, k) => segSamples.push({ ...s, id: `${s.id}#${k}`, completion: how.context === "prefix" ? text.slice(0, sp.end) : sp.text }));
    }
    if (segSamples.length === 0) return;
    const segComponents: Record<string, Outcome>[] = segSamples.map(() => ({}));
    const whole: RewardNode = { ...node, perSegment: undefined };
    await this.runNode(whole, segSamples, segSamples.map((_, k) => k), segComponents, new Map());
    let at = 0;
    for (const [i, spans] of spansOf) {
      const outs = spans.map((_, k) => segComponents[at + k]![node.name]!);
      at += spans.length;
      components[i]![node.name] = foldSegmentOutcomes(outs, spans, how.aggregate);
    }
  }

  /**
   * The hot path of cheap rule rewards: every small sample in ONE score() call on this thread,
   * with no per-sample arrays or projections; samples over the inline limit go to a worker.
   */
  private async runInlineSamples(
    node: RewardNode,
    samples: readonly Sample[],
    todo: readonly number[],
    groups: Map<string, number[]>,
    put: (i: number, o: Outcome) => void,
  ): Promise<void> {
    const small: number[] = [];
    const large: number[] = [];
    for (const i of todo) (withinChars(samples[i]!, node.uses, INLINE_MAX_CHARS) ? small : large).push(i);
    if (small.length > 0) {
      const outs = await this.scoreHere(node, small.map((i) => samples[i]!), groups, samples);
      for (let k = 0; k < small.length; k++) put(small[k]!, outs[k]!);
    }
    if (large.length > 0) {
      const out = await this.ensurePool().run(node.name, large.map((i) => [projectSample(samples[i]!, node.uses)]), node.deadlineMs);
      for (let k = 0; k < large.length; k++) put(large[k]!, out[k]![0]!);
    }
  }

  /** Group/batch calls of an inline type: small ones on this thread, call by call; large ones to a worker. */
  private async runInline(node: RewardNode, calls: Sample[][], groups: Map<string, number[]>, samples: readonly Sample[]): Promise<Outcome[][]> {
    const results: Outcome[][] = new Array(calls.length);
    const large: number[] = [];
    for (let k = 0; k < calls.length; k++) {
      if (calls[k]!.every((s) => withinChars(s, node.uses, INLINE_MAX_CHARS))) results[k] = await this.scoreHere(node, calls[k]!, groups, samples);
      else large.push(k);
    }
    if (large.length > 0) {
      const out = await this.ensurePool().run(node.name, large.map((k) => calls[k]!), node.deadlineMs);
      large.forEach((k, j) => (results[k] = out[j]!));
    }
    return results;
  }

  /** One score() call of an inline reward on this thread; a throw becomes error outcomes. */
  private async scoreHere(node: RewardNode, batch: Sample[], groups: Map<string, number[]>, samples: readonly Sample[]): Promise<Outcome[]> {
    const ctx = {
      signal: NEVER_ABORTED,
      deadline: Date.now() + node.deadlineMs,
      group: groupOf(groups, samples),
    };
    const reward = this.main.get(node.name)!;
    try {
      return checkOutcomes(await reward.score(batch, ctx), batch.length, node.name);
    } catch (err) {
      // Per-sample rewards are batched here only for speed: when the batch throws, each sample is
      // scored alone, so one hostile row errors by itself instead of taking every good row with it.
      if (node.granularity !== "sample" || batch.length === 1) {
        const o = errorOutcome(`reward ${node.name} threw: ${describeError(err)}`);
        return batch.map(() => o);
      }
      const outs: Outcome[] = [];
      for (const s of batch) {
        try {
          outs.push(checkOutcomes(await reward.score([s], ctx), 1, node.name)[0]!);
        } catch (one) {
          outs.push(errorOutcome(`reward ${node.name} threw: ${describeError(one)}`));
        }
      }
      return outs;
    }
  }

  async close(): Promise<void> {
    await this.pool?.close();
    await Promise.all([...this.main.values()].map((r) => r.close?.()));
  }
}

const NEVER_ABORTED = new AbortController().signal;

/** Whether the text a reward reads from `s` is at most `limit` characters (stops counting early). */
function withinChars(s: Sample, uses: readonly string[], limit: number): boolean {
  let left = limit;
  const visit = (v: unknown, depth: number): boolean => {
    if (typeof v === "string") return (left -= v.length) >= 0;
    if (v === null || typeof v !== "object") return (left -= 8) >= 0;
    if (depth > 20) return false;
    for (const x of Array.isArray(v) ? v : Object.values(v)) if (!visit(x, depth + 1)) return false;
    return true;
  };
  for (const f of uses) if (!visit((s as Record<string, unknown>)[f], 0)) return false;
  return true;
}

/** ctx.group for a batch: the samples sharing `s.group`, or `s` alone. */
function groupOf(groups: Map<string, number[]>, samples: readonly Sample[]): (s: Sample) => readonly Sample[] {
  return (s) => (s.group === undefined ? [s] : (groups.get(s.group) ?? []).map((j) => samples[j]!));
}

/** Group id -> indices of valid samples in input order. */
function groupIndex(samples: readonly Sample[], valid: readonly number[]): Map<string, number[]> {
  const m = new Map<string, number[]>();
  for (const i of valid) {
    const g = samples[i]!.group;
    if (g === undefined) continue;
    const list = m.get(g);
    if (list) list.push(i);
    else m.set(g, [i]);
  }
  return m;
}

/** The text of the fields a reward reads, for its cache key. */
function cacheText(s: Sample, node: RewardNode): string {
  let t = "";
  for (const f of node.uses) {
    const v = s[f];
    t += "\u0001" + (typeof v === "string" ? v : v === undefined ? "\u0002" : stableStringify(v));
  }
  return t;
}
