import type { RewardType } from "../../core/reward-type.ts";

/** The group reward family's types (see the README's reward table). */
export const rewardTypes: RewardType[] = [];
