import { closeSync, existsSync, openSync, statSync, writeFileSync, writeSync } from "node:fs";
import { resolve } from "node:path";
import { stableStringify } from "../core/hash.ts";
import { readLines } from "../io/lines.ts";
import { openParquet } from "../io/parquet.ts";
import { inputFormat } from "../io/rows.ts";
import { ADVANTAGE_METHODS, computeAdvantages, type AdvantageMethod, type ScoredRow } from "../rl/index.ts";
import { checkWritable, parse, UsageError } from "./args.ts";

export const ADVANTAGES_USAGE = `usage: rewardsmith advantages SCORED [-o OUT] [--method grpo|drgrpo|rloo|reinforcepp|reinforcepp_baseline] [options]

Reads \`rewardsmith score\` output (JSONL, or - for stdin) and writes one JSON line per row, in
input order: {id, group, reward, advantage, reason?}. A row with no usable reward (status not ok)
or, for group methods, no group gets advantage null and the reason.

Groups: the first of the --group-field paths that a row has: by default \`group\` (written by
score when the sample has one), then \`input.prompt\` (score --include-input), then \`prompt\`.
A prompt that is a conversation is keyed by its canonical JSON.

options:
  -o, --output FILE          output JSONL (default: stdout)
  -m, --method NAME          grpo (default; verl/TRL), drgrpo (no std), rloo (leave-one-out),
                             reinforcepp (batch whitening), reinforcepp_baseline (group mean, then batch)
      --group-field PATH     a dotted path forming the group; repeat to try several in order
      --reward NAME          use this component's score instead of the total
      --null-rewards MODE    exclude (default: no advantage, not in the statistics) or zero
      --variant verl|trl     GRPO epsilon: 1e-6 (verl, default) or 1e-4 (TRL)
      --eps X                GRPO epsilon, overriding --variant
      --std unbiased|population   GRPO std (default unbiased, as verl and TRL)
      --scale group|batch|none    GRPO std of the group (default), of the batch, or none (TRL scale_rewards)
      --length-field PATH    REINFORCE++: the row's token count, so whitening is over tokens as in verl
      --keep                 write the whole scored row plus "advantage" (and "advantage_reason")
      --summary FILE         also write per-group statistics (size, mean, std, informative) as JSON
  -q, --quiet                no summary on stderr

exit status: 0 done, 1 some input lines were not valid JSON, 2 bad usage.`;

/** A dotted-path reader over a JSON row. */
export function pathReader(path: string): (row: Record<string, unknown>) => unknown {
  const keys = path.split(".");
  return (row) => {
    let v: unknown = row;
    for (const k of keys) {
      if (v === null || typeof v !== "object") return undefined;
      v = (v as Record<string, unknown>)[k];
    }
    return v;
  };
}

export const DEFAULT_GROUP_FIELDS = ["group", "input.prompt", "prompt"] as const;

/** The group of a row: the first present path's value (non-strings by canonical JSON). */
export function groupKeyOf(paths: readonly string[]): (row: ScoredRow) => string | undefined {
  const readers = paths.map(pathReader);
  const key = (row: ScoredRow) => {
    for (const read of readers) {
      const v = read(row);
      if (v === undefined || v === null) continue;
      return typeof v === "string" ? v : stableStringify(v);
    }
    return undefined;
  };
  // Messages name the fields ("none of group, input.prompt, prompt is set").
  return Object.assign(key, { description: paths.join(", ") });
}

export type ReadRows = { rows: ScoredRow[]; bad: { line: number; reason: string; index: number }[] };

/**
 * Reads score output — JSONL, or Parquet written by `score -o X.parquet` — ; a line that is not a
 * JSON object is reported, never fatal, and keeps its place.
 */
export async function readScoredRows(path: string): Promise<ReadRows> {
  if (path !== "-") {
    if (!existsSync(path)) throw new UsageError(`input file ${path}: no such file`);
    if (statSync(path).isDirectory()) throw new UsageError(`input file ${path}: is a directory`);
  }
  if (path !== "-" && inputFormat(path) === "parquet") return readParquetRows(path);
  const rows: ScoredRow[] = [];
  const bad: ReadRows["bad"] = [];
  for await (const line of readLines(path)) {
    let v: unknown;
    try {
      if (line.problem !== undefined) throw new Error(line.problem);
      v = JSON.parse(line.text);
    } catch (err) {
      bad.push({ line: line.lineNo, index: rows.length, reason: `line ${line.lineNo}: ${line.problem ?? `not valid JSON (${(err as Error).message})`}` });
      rows.push({ id: `line ${line.lineNo}`, score: null, status: "invalid_input", reason: bad[bad.length - 1]!.reason });
      continue;
    }
    if (v === null || typeof v !== "object" || Array.isArray(v)) {
      bad.push({ line: line.lineNo, index: rows.length, reason: `line ${line.lineNo}: expected a JSON object (a row of score output)` });
      rows.push({ id: `line ${line.lineNo}`, score: null, status: "invalid_input", reason: bad[bad.length - 1]!.reason });
      continue;
    }
    const row = v as ScoredRow;
    if (row.id === undefined || row.id === null) row.id = String(line.lineNo);
    rows.push(row);
  }
  return { rows, bad };
}

/** Score output written as Parquet: its JSON columns (components, input, dense) back to objects. */
async function readParquetRows(path: string): Promise<ReadRows> {
  let file;
  try {
    file = await openParquet(path);
  } catch (err) {
    throw new UsageError(`input file ${path}: ${(err as Error).message}`);
  }
  const rows: ScoredRow[] = [];
  const bad: ReadRows["bad"] = [];
  for await (const { row, index, error } of file.read(0)) {
    if (error !== undefined) {
      bad.push({ line: index + 1, index: rows.length, reason: `row ${index + 1}: ${error}` });
      rows.push({ id: `row ${index + 1}`, score: null, status: "invalid_input", reason: bad[bad.length - 1]!.reason });
      continue;
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(row)) {
      if (v === null || v === undefined) continue;
      out[k] = (k === "components" || k === "input" || k === "dense") && typeof v === "string" ? JSON.parse(v) : v;
    }
    rows.push(out as ScoredRow);
  }
  return { rows, bad };
}

/**
 * A component name given by a flag must exist in the rows: a typo would otherwise silently give
 * every row a null reward.
 */
export function checkComponent(rows: readonly ScoredRow[], name: string | undefined, flag: string): void {
  if (name === undefined) return;
  const known = new Set<string>();
  for (const r of rows) for (const k of Object.keys((r.components as Record<string, unknown> | undefined) ?? {})) known.add(k);
  if (rows.length > 0 && !known.has(name)) throw new UsageError(`${flag} ${name}: no such component in the rows (they have: ${[...known].join(", ") || "none"})`);
}

/** A dotted path given by a flag must be found in at least one row. */
export function checkPath(rows: readonly ScoredRow[], path: string | undefined, flag: string): void {
  if (path === undefined || rows.length === 0) return;
  const read = pathReader(path);
  if (!rows.some((r) => read(r) !== undefined)) throw new UsageError(`${flag} ${path}: no row has this field`);
}

/** Opens OUT (or stdout) for line-by-line writing. */
export function openOutput(output: string | undefined, input: string): { write(text: string): void; close(): void } {
  if (output === undefined || output === "-") return { write: (t) => void process.stdout.write(t), close: () => {} };
  if (input !== "-" && resolve(output) === resolve(input)) throw new UsageError("--output must not be the input file");
  checkWritable(output, "--output");
  const fd = openSync(output, "w");
  return { write: (t) => writeSync(fd, t), close: () => closeSync(fd) };
}

export function oneOf<T extends string>(value: string | undefined, flag: string, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!allowed.includes(value as T)) throw new UsageError(`${flag}: expected one of ${allowed.join(", ")}, got "${value}"`);
  return value as T;
}

export function numberFlag(value: string | undefined, flag: string, min = -Infinity): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < min) throw new UsageError(`${flag}: expected a number${min > -Infinity ? ` ≥ ${min}` : ""}, got "${value}"`);
  return n;
}

/** Flags shared by `advantages` and `pairs`. */
export const ROW_FLAGS = {
  output: { type: "string", short: "o" },
  "group-field": { type: "string", multiple: true },
  reward: { type: "string" },
  "null-rewards": { type: "string" },
  quiet: { type: "boolean", short: "q" },
  help: { type: "boolean", short: "h" },
} as const;

export async function advantagesCommand(argv: string[]): Promise<number> {
  const { values: v, positionals } = parse(argv, {
    ...ROW_FLAGS,
    method: { type: "string", short: "m" },
    variant: { type: "string" },
    eps: { type: "string" },
    std: { type: "string" },
    scale: { type: "string" },
    "length-field": { type: "string" },
    keep: { type: "boolean" },
    summary: { type: "string" },
  });
  if (v.help) {
    process.stdout.write(ADVANTAGES_USAGE + "\n");
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? "missing the scored file (SCORED)" : `expected one scored file, got ${positionals.length}`);
  const method = oneOf(v.method, "--method", ADVANTAGE_METHODS) ?? ("grpo" satisfies AdvantageMethod);
  const groupFields = v["group-field"] ?? [...DEFAULT_GROUP_FIELDS];
  const lengthField = v["length-field"];
  if (lengthField !== undefined && !method.startsWith("reinforcepp")) throw new UsageError("--length-field is for --method reinforcepp or reinforcepp_baseline");
  const scale = oneOf(v.scale, "--scale", ["group", "batch", "none"] as const);
  if (scale !== undefined && method !== "grpo") throw new UsageError("--scale is for --method grpo");
  const input = positionals[0]!;
  const nullRewards = oneOf(v["null-rewards"], "--null-rewards", ["exclude", "zero"] as const);
  const variant = oneOf(v.variant, "--variant", ["verl", "trl"] as const);
  const eps = numberFlag(v.eps, "--eps", 0);
  const std = oneOf(v.std, "--std", ["unbiased", "population"] as const);
  if (v.summary) checkWritable(v.summary, "--summary");
  const { rows, bad } = await readScoredRows(input);
  checkComponent(rows, v.reward, "--reward");
  checkPath(rows, lengthField, "--length-field");
  const out = openOutput(v.output, input);
  try {
    // A dotted length path is copied to a private top-level key, which is what rl/ reads.
    const LEN = "\u0000length";
    if (lengthField !== undefined) {
      const read = pathReader(lengthField);
      for (const r of rows) r[LEN] = read(r);
    }
    const result = computeAdvantages(rows, {
      method,
      groupKey: groupKeyOf(groupFields),
      reward: v.reward,
      nullRewards,
      variant,
      eps,
      std,
      scaleRewards: scale,
      lengthKey: lengthField === undefined ? undefined : LEN,
    });
    // rl/ names a function group key generically; name the paths instead.
    const noGroup = `no group: none of ${groupFields.join(", ")} is set`;
    const badAt = new Map(bad.map((b) => [b.index, b.reason]));
    const reasonOf = (r: string, i: number) => badAt.get(i) ?? (r.startsWith("no group:") ? noGroup : lengthField !== undefined ? r.replace(LEN, lengthField) : r);
    let text = "";
    result.rows.forEach((a, i) => {
      let line: Record<string, unknown>;
      if (v.keep) {
        const { [LEN]: _len, ...row } = rows[i]!;
        line = { ...row, advantage: a.advantage };
        if (a.reason !== undefined) line.advantage_reason = reasonOf(a.reason, i);
      } else {
        line = { id: a.id, group: a.group, reward: a.reward, advantage: a.advantage };
        if (a.reason !== undefined) line.reason = reasonOf(a.reason, i);
      }
      text += JSON.stringify(line) + "\n";
      if (text.length > 1 << 20) {
        out.write(text);
        text = "";
      }
    });
    out.write(text);
    if (v.summary) writeFileSync(v.summary, JSON.stringify({ method, groups: result.groups }, null, 2) + "\n");
    if (!v.quiet) {
      const withAdv = result.rows.filter((r) => r.advantage !== null).length;
      const flat = result.groups.filter((g) => !g.informative).length;
      process.stderr.write(
        `${rows.length} rows, ${result.groups.length} groups (${flat} with all rewards equal), ${withAdv} advantages, ${rows.length - withAdv} null` +
          (bad.length ? `; ${bad.length} bad lines (first: ${bad[0]!.reason})` : "") +
          "\n",
      );
    }
    return bad.length > 0 ? 1 : 0;
  } finally {
    out.close();
  }
}
