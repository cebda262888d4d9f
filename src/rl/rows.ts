/**
 * Rows of `rewardsmith score` output, as the RL helpers read them: a reward per row (the total or
 * one component) and a group key. Everything here is pure; the CLI only reads and writes JSONL.
 */
import { stableStringify } from "../core/hash.ts";

/** One line of `rewardsmith score` output (extra fields are kept but not read). */
export type ScoredRow = {
  id: string;
  score: number | null;
  status: string;
  reason?: string;
  components?: Record<string, { score: number | null; status: string; [k: string]: unknown }>;
  group?: string;
  prompt?: unknown;
  [key: string]: unknown;
};

/** Where a row's group comes from: a field name, a list tried in order, or a function. */
export type GroupKey = string | readonly string[] | ((row: ScoredRow) => string | undefined);

/** Default: the `group` field, then the `prompt` (a conversation is keyed by its canonical JSON). */
export const DEFAULT_GROUP_KEY: readonly string[] = ["group", "prompt"];

export type RowSelection = {
  /** Field(s) that form the group (default `group`, then `prompt`). */
  groupKey?: GroupKey;
  /** Read this component's score instead of the row's total `score`. */
  reward?: string;
  /**
   * What a null reward (status not ok, or no finite score) means. "exclude" (default): the row
   * takes no part in any statistic and gets a null result, like TRL drops a None reward from its
   * NaN-aware sums. "zero": count it as 0 (what TRL ends up with when every reward function of a
   * sample returns None, since `nansum` of all-NaN is 0).
   */
  nullRewards?: "exclude" | "zero";
};

/** The group of a row, or undefined when none of the key fields is present. */
export function groupOf(row: ScoredRow, key: GroupKey = DEFAULT_GROUP_KEY): string | undefined {
  if (typeof key === "function") return key(row);
  const fields = typeof key === "string" ? [key] : key;
  for (const f of fields) {
    const v = row[f];
    if (v === undefined || v === null) continue;
    return typeof v === "string" ? v : stableStringify(v);
  }
  return undefined;
}

/** The reward a row carries, or null with the reason it has none. */
export function rewardOf(row: ScoredRow, component?: string): { value: number | null; reason?: string } {
  let score: unknown;
  let status: unknown;
  if (component === undefined) {
    score = row.score;
    status = row.status;
  } else {
    const c = row.components?.[component];
    if (c === undefined) return { value: null, reason: `components.${component}: missing` };
    score = c.score;
    status = c.status;
  }
  const where = component === undefined ? "score" : `components.${component}.score`;
  if (status !== undefined && status !== "ok") return { value: null, reason: `${where}: status ${String(status)}` };
  if (typeof score !== "number" || !Number.isFinite(score)) return { value: null, reason: `${where}: not a finite number` };
  return { value: score };
}

/** A row's reward after the null policy. */
export function selectedReward(row: ScoredRow, sel: RowSelection): { value: number | null; reason?: string } {
  const r = rewardOf(row, sel.reward);
  if (r.value === null && sel.nullRewards === "zero") return { value: 0 };
  return r;
}

/** Row indices by group, in first-seen order; rows without a group are listed apart. */
export function groupRows(rows: readonly ScoredRow[], key: GroupKey = DEFAULT_GROUP_KEY): { groups: Map<string, number[]>; ungrouped: number[] } {
  const groups = new Map<string, number[]>();
  const ungrouped: number[] = [];
  rows.forEach((row, i) => {
    const g = groupOf(row, key);
    if (g === undefined) {
      ungrouped.push(i);
      return;
    }
    const list = groups.get(g);
    if (list) list.push(i);
    else groups.set(g, [i]);
  });
  return { groups, ungrouped };
}

/** Describes the group key for messages. */
export function describeGroupKey(key: GroupKey = DEFAULT_GROUP_KEY): string {
  if (typeof key === "function") return (key as { description?: string }).description ?? "the group function";
  return typeof key === "string" ? key : key.join(" or ");
}
