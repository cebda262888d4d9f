import type { RewardType } from "../../core/reward-type.ts";
import { sql } from "./sql.ts";

/** The sql reward family's types (see the README's reward table). */
export const rewardTypes: RewardType[] = [sql];
