/**
 * The registry of built-in reward types, one family per folder. Worker threads import this
 * module by URL to rebuild the same registry, so it must stay free of side effects beyond it.
 */
import { RewardRegistry, type RewardType } from "../core/reward-type.ts";
import { rewardTypes as code } from "./code/index.ts";
import { rewardTypes as custom } from "./custom/index.ts";
import { rewardTypes as group } from "./group/index.ts";
import { rewardTypes as match } from "./match/index.ts";
import { rewardTypes as math } from "./math/index.ts";
import { rewardTypes as sql } from "./sql/index.ts";
import { rewardTypes as text } from "./text/index.ts";
import { rewardTypes as vision } from "./vision/index.ts";

export const builtinRewardTypes: readonly RewardType[] = [...match, ...math, ...code, ...sql, ...text, ...vision, ...group, ...custom];

export const registry = new RewardRegistry(builtinRewardTypes);

/** URL of this module, for worker threads. */
export const registryModule = import.meta.url;
