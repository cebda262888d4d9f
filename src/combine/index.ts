/** Combination: transforms, normalizers, weighting schemes and the combiner that runs them (docs/combine.md). */
export { createCombiner, type CombinerOptions, type CombineState, type StatefulCombiner } from "./combiner.ts";
export { compileTransform, referenceQuantile } from "./transforms.ts";
export { compileNormalizer, type NormalizerImpl } from "./normalizers.ts";
export { batchZ, groupZ, normalizeSums, redundancy, triFactorWeightsRecon } from "./weighting.ts";
export { lengthPenaltyRecon } from "./hybrid.ts";
export { logSigmoid, normalQuantile, quantileLinear } from "./stats.ts";
export { batchGroups, type BatchView, type ColumnStep, type Fail } from "./batch.ts";
