import type { RewardType } from "../../core/reward-type.ts";
import { custom } from "./custom.ts";

export const rewardTypes: RewardType[] = [custom];
