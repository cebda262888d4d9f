import type { RewardType } from "../../core/reward-type.ts";
import { gsm8k } from "./gsm8k.ts";

/** Rule rewards: string and format checks, cheap and deterministic. */
export const rewardTypes: RewardType[] = [gsm8k];
