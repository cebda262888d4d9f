/**
 * rewardsmith as a library.
 * @example
 * import { compile } from "rewardsmith";
 * const pipeline = await compile({ rewards: { correct: { type: "gsm8k" } } });
 * const results = await pipeline.score([{ id: "a", prompt: "2+2?", completion: "The answer is 4", reference: "#### 4" }]);
 * await pipeline.close();
 */
export { compile, compileFile, scoreSamples, type CompileOptions } from "./engine.ts";
export { Pipeline, type ScoredSample } from "./pipeline/pipeline.ts";
export { compileSpec, describeSpec, type CompiledSpec, type RewardNode } from "./spec/compile.ts";
export { parseSpecText, loadSpecFile } from "./spec/load.ts";
export { compileFormula } from "./spec/formula.ts";
export * as combine from "./combine/index.ts";
export { createCombiner, type CombinerOptions, type CombineState, type StatefulCombiner } from "./combine/combiner.ts";
export type { Combiner, Total } from "./core/combiner.ts";
export { MemoryState, type StateStore } from "./core/state.ts";
export * as rl from "./rl/index.ts";
export * as dense from "./dense/index.ts";
export * as sandbox from "./sandbox/index.ts";
export { verifyAnswer } from "./rewards/math/verify.ts";
export { RewardRegistry, defineRewardType, type RewardType, type CreateEnv, type RunsOn, type Granularity } from "./core/reward-type.ts";
export type { Sample, Message, Outcome, Status, Reward, RewardContext, Segment } from "./core/types.ts";
export { STATUSES } from "./core/types.ts";
export * as outcome from "./core/outcome.ts";
export { completionText, promptText, referenceText } from "./core/text.ts";
export { ValidationError, InfraError, RewardsmithError } from "./core/errors.ts";
export { registry as builtinRegistry, builtinRewardTypes } from "./rewards/index.ts";
import { builtinRewardTypes } from "./rewards/index.ts";
/** Built-in reward types by name, for `rewards.gsm8k.create(...)` style use. */
export const rewards = Object.fromEntries(builtinRewardTypes.map((t) => [t.type, t]));
