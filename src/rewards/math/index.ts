import type { RewardType } from "../../core/reward-type.ts";
import { math } from "./math.ts";

/** The math reward family's types (see the README's reward table). */
export const rewardTypes: RewardType[] = [math];
