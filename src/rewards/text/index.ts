import type { RewardType } from "../../core/reward-type.ts";
import { bleu } from "./bleu.ts";
import { chrf } from "./chrf.ts";
import { bmas, embeddingCosine } from "./embedding.ts";
import { editDistance, fuzzy } from "./fuzzy.ts";
import { gleu } from "./gleu.ts";
import { meteor } from "./meteor.ts";
import { rouge } from "./rouge.ts";
import { squadEm, tokenF1 } from "./squad.ts";

/** Reference-similarity rewards reproducing sacreBLEU, rouge-score, NLTK, the SQuAD script and rapidfuzz (see the README's reward table). */
export const rewardTypes: RewardType[] = [bleu, chrf, rouge, gleu, meteor, tokenF1, squadEm, fuzzy, editDistance, embeddingCosine, bmas];
