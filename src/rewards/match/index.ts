import type { RewardType } from "../../core/reward-type.ts";
import { choice } from "./choice.ts";
import { contains } from "./contains.ts";
import { exactMatch } from "./exact-match.ts";
import { formatTags } from "./format-tags.ts";
import { gsm8k } from "./gsm8k.ts";
import { jsonSchema } from "./json-schema.ts";
import { lengthPenalty } from "./length-penalty.ts";
import { regex } from "./regex.ts";
import { repetitionPenalty } from "./repetition-penalty.ts";

/** Rule rewards: string and format checks, cheap and deterministic. */
export const rewardTypes: RewardType[] = [exactMatch, contains, regex, choice, formatTags, jsonSchema, lengthPenalty, repetitionPenalty, gsm8k];
