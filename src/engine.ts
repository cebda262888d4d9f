/**
 * Wires the layers together: a spec compiled against the built-in registry, run by a pipeline
 * whose combiner comes from combine/. The CLI, the server and the library all start here.
 */
import { createCombiner } from "./combine/combiner.ts";
import type { RewardRegistry } from "./core/reward-type.ts";
import type { StateStore } from "./core/state.ts";
import { ValidationError } from "./core/errors.ts";
import type { Sample } from "./core/types.ts";
import { Pipeline, type PipelineOptions, type ScoredSample } from "./pipeline/pipeline.ts";
import { registry as builtinRegistry, registryModule as builtinRegistryModule } from "./rewards/index.ts";
import { compileSpec, type CompiledSpec } from "./spec/compile.ts";
import { isAbsolute, resolve } from "node:path";
import { denseFinisher } from "./dense/output.ts";
import { segment } from "./dense/segment.ts";
import { TokenizerJson } from "./dense/tokenizer.ts";
import type { PerSegment } from "./spec/schema.ts";
import { loadSpecFile, type SpecSource } from "./spec/load.ts";

export type CompileOptions = Partial<Omit<PipelineOptions, "combiner" | "registry" | "registryModule">> & {
  /** Reward types to accept (default: the built-ins). Types added in memory can only run on the main thread. */
  registry?: RewardRegistry;
  /** Module exporting `registry` for worker threads (default: the built-ins). */
  registryModule?: string;
  /** Directory relative paths in the spec resolve against. */
  baseDir?: string;
  /**
   * Where stateful combination (running statistics, frozen reference statistics, adaptive
   * weights) persists, e.g. a `RunStore`, so a restart continues with the same state. Default: memory.
   */
  state?: StateStore;
};

/**
 * Compiles a spec (YAML/JSON text, a parsed object, or a loaded file) into a running pipeline.
 * @example
 * const p = await compile({ rewards: { correct: { type: "gsm8k" } } });
 * const [r] = await p.score([{ id: "1", prompt: "", completion: "#### 42", reference: "42" }]);
 * // r.score === 1
 * await p.close();
 */
export async function compile(spec: string | object | SpecSource | CompiledSpec, options: CompileOptions = {}): Promise<Pipeline> {
  const registry = options.registry ?? builtinRegistry;
  const compiled = isCompiled(spec) ? spec : compileSpec(spec as string | object, { registry, baseDir: options.baseDir });
  const pipeline = await Pipeline.create(compiled, {
    ...options,
    registry,
    registryModule: options.registryModule ?? builtinRegistryModule,
    combiner: createCombiner(compiled, { state: options.state }),
    segmenter: segmentBy,
    finish: compiled.dense ? denseFinisher(compiled, loadTokenizer(compiled)) : undefined,
  });
  try {
    await pipeline.ready();
  } catch (err) {
    await pipeline.close();
    throw err;
  }
  return pipeline;
}

/** The dense/ segmenters behind `per_segment`. */
function segmentBy(text: string, how: PerSegment, deadlineMs: number) {
  return segment(text, how.by, { tag: how.tag, marker: how.marker, preamble: how.preamble, minWords: how.min_words, timeoutMs: deadlineMs });
}

/** The spec's `dense.tokenizer`, loaded once; a missing or bad file is a compile error naming the field. */
function loadTokenizer(spec: CompiledSpec): TokenizerJson | undefined {
  const file = spec.dense?.tokenizer;
  if (file === undefined) return undefined;
  const path = isAbsolute(file) ? file : resolve(spec.baseDir, file);
  try {
    return TokenizerJson.fromFile(path);
  } catch (err) {
    throw new ValidationError([{ path: "dense.tokenizer", message: `cannot load ${path}: ${(err as Error).message}` }], spec.origin);
  }
}

/** Reads, validates and compiles a spec file. */
export async function compileFile(path: string, options: CompileOptions = {}): Promise<Pipeline> {
  const src = await loadSpecFile(path);
  return compile(compileSpec(src, { registry: options.registry ?? builtinRegistry, baseDir: options.baseDir }), options);
}

/** One-shot scoring: compile, score, close. */
export async function scoreSamples(spec: string | object, samples: readonly Sample[], options: CompileOptions = {}): Promise<ScoredSample[]> {
  const p = await compile(spec, options);
  try {
    return await p.score(samples);
  } finally {
    await p.close();
  }
}

function isCompiled(x: unknown): x is CompiledSpec {
  return typeof x === "object" && x !== null && "hash" in x && "rewards" in x && Array.isArray((x as CompiledSpec).rewards);
}
