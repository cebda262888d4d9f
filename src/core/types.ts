/**
 * The core contract every layer speaks: a Sample goes in, an Outcome comes out.
 * Kept deliberately small (see DESIGN.md "Core contract"); everything else — deadlines,
 * caching, combination — lives in the pipeline, not in individual rewards.
 */

/** One chat message. A trajectory is a Message[] that may include tool calls and tool turns. */
export type Message = {
  role: "system" | "developer" | "user" | "assistant" | "tool" | (string & {});
  content: string | null | ContentPart[];
  name?: string;
  tool_calls?: ToolCall[];
  tool_call_id?: string;
};

export type ContentPart = { type: string; text?: string; [key: string]: unknown };

export type ToolCall = {
  id?: string;
  type?: "function" | (string & {});
  function: { name: string; arguments: string };
};

export type Sample = {
  id: string;
  prompt: string | Message[];
  /** A plain string, or a trajectory of messages (assistant turns, tool calls, tool results). */
  completion: string | Message[];
  /** Gold answer, tests, gold SQL, rubric, ... — each reward type documents the form it reads. */
  reference?: unknown;
  /** GRPO group id: samples with the same group share a prompt and are judged together. */
  group?: string;
  meta?: Record<string, unknown>;
};

export const STATUSES = ["ok", "not_applicable", "invalid_input", "timeout", "error"] as const;
export type Status = (typeof STATUSES)[number];

/** A character span of the completion text with its own score (dense rewards). */
export type Segment = { start: number; end: number; score: number; label?: string };

export type Outcome = {
  /** null unless status is "ok": a failure is never a silent 0. */
  score: number | null;
  status: Status;
  /** Why, for anything but "ok". */
  reason?: string;
  /** Extracted answer, judge text, tests passed, ... */
  details?: Record<string, unknown>;
  segments?: Segment[];
};

/** Token-level rewards as verl places them: `values[k]` goes on response token `positions[k]`. */
export type TokenRewards = { length: number; positions: number[]; values: number[] };

/** A sample's dense output: weighted per-segment scores, and their token placement when a tokenizer is set. */
export type DenseOutput = { segments: Segment[]; tokens?: TokenRewards; reason?: string };

/** What the pipeline hands to each score() call. */
export interface RewardContext {
  /** Aborted when the deadline passes; I/O-bound rewards must pass it to fetch/spawn. */
  readonly signal: AbortSignal;
  /** Epoch milliseconds by which the call must finish. */
  readonly deadline: number;
  /** All samples of the same GRPO group as `sample` (the sample itself included), in input order. */
  group(sample: Sample): readonly Sample[];
}

export interface Reward {
  readonly name: string;
  /** Same length and order as `batch`. */
  score(batch: readonly Sample[], ctx: RewardContext): Promise<Outcome[]>;
  /** Releases pools, sockets, child processes. */
  close?(): Promise<void> | void;
}
