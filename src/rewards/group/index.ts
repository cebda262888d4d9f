import type { RewardType } from "../../core/reward-type.ts";
import { distinctNReward } from "./distinct-n.ts";
import { dragonReward } from "./dragon.ts";
import { noveltyReward } from "./novelty.ts";
import { selfBleuReward } from "./self-bleu.ts";
import { vendiReward } from "./vendi.ts";

/** The group reward family's types (see the README's reward table). */
export const rewardTypes: RewardType[] = [distinctNReward, selfBleuReward, vendiReward, noveltyReward, dragonReward];
