import type { RewardType } from "../../core/reward-type.ts";
import { boxIouReward } from "./box-iou.ts";
import { jfReward } from "./jf.ts";
import { maskIouReward } from "./mask-iou.ts";
import { pointInBoxReward } from "./point-in-box.ts";
import { temporalIouReward } from "./temporal-iou.ts";

/** The vision reward family's types (see the README's reward table). */
export const rewardTypes: RewardType[] = [boxIouReward, pointInBoxReward, maskIouReward, jfReward, temporalIouReward];
