import type { RewardType } from "../../core/reward-type.ts";
import { code } from "./code.ts";

/** The code reward family's types (see the README's reward table). */
export const rewardTypes: RewardType[] = [code];
