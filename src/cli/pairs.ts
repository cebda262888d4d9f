import { writeFileSync } from "node:fs";
import { minePairs, PAIR_STRATEGIES, type PairStrategy, type PreferencePair, type ScoredRow } from "../rl/index.ts";
import { checkComponent, DEFAULT_GROUP_FIELDS, groupKeyOf, numberFlag, oneOf, openOutput, pathReader, readScoredRows, ROW_FLAGS } from "./advantages.ts";
import { checkWritable, intFlag, parse, UsageError } from "./args.ts";

export const PAIRS_USAGE = `usage: rewardsmith pairs SCORED [-o PAIRS] [--strategy best_worst|margin|verified] [options]

Mines preference pairs (for DPO) from \`rewardsmith score\` output, group by group, and writes one
JSON line per pair: {group, chosen, rejected, chosen_reward, rejected_reward, margin, beta, weight}
(chosen/rejected are row ids; beta is MM-RLHF's Dynamic Reward Scaling β(δ), weight = β/β_ori).
With --format trl each line is {prompt, chosen, rejected, ...} with the texts taken from the rows'
\`input\` (score with --include-input), as TRL's DPOTrainer reads it.

Groups: as in \`rewardsmith advantages\`: \`group\`, then \`input.prompt\`, then \`prompt\` by default.

options:
  -o, --output FILE          output JSONL (default: stdout)
  -s, --strategy NAME        best_worst (default): the best vs the worst rollout of each group;
                             margin: every pair whose reward gap is at least --margin;
                             verified (Cooper): the first rollout the --verifier component passes vs
                             the ones it fails
      --margin X             least reward gap δ (default 0; a pair always needs δ > 0, except verified)
      --max-pairs N          margin: at most N pairs per group, largest gap first
      --verifier NAME        verified: the rule-based component that decides correctness
      --threshold X          verified: a verifier score at or above X is correct (default 1)
      --negatives first|all  verified: pair the positive with the first wrong rollout (default) or all
      --weighting drs|none   per-pair β from Dynamic Reward Scaling (default) or none
      --beta X --drs-w X --drs-k X   DRS β_ori, w, k (defaults 0.1, 0.5, 0.5)
      --format ids|trl       ids (default) or TRL's {prompt, chosen, rejected} texts
      --prompt-field PATH    trl: where the prompt is (default input.prompt)
      --completion-field PATH trl: where the completion is (default input.completion)
      --group-field PATH     a dotted path forming the group; repeat to try several in order
      --reward NAME          rank by this component's score instead of the total
      --null-rewards MODE    exclude (default) or zero
      --skipped FILE         write the groups that gave no pair, with the reason, as JSONL
  -q, --quiet                no summary on stderr

exit status: 0 done, 1 some input lines were not valid JSON, 2 bad usage.`;

export async function pairsCommand(argv: string[]): Promise<number> {
  const { values: v, positionals } = parse(argv, {
    ...ROW_FLAGS,
    strategy: { type: "string", short: "s" },
    margin: { type: "string" },
    "max-pairs": { type: "string" },
    verifier: { type: "string" },
    threshold: { type: "string" },
    negatives: { type: "string" },
    weighting: { type: "string" },
    beta: { type: "string" },
    "drs-w": { type: "string" },
    "drs-k": { type: "string" },
    format: { type: "string" },
    "prompt-field": { type: "string" },
    "completion-field": { type: "string" },
    skipped: { type: "string" },
  });
  if (v.help) {
    process.stdout.write(PAIRS_USAGE + "\n");
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? "missing the scored file (SCORED)" : `expected one scored file, got ${positionals.length}`);
  const strategy = oneOf(v.strategy, "--strategy", PAIR_STRATEGIES) ?? ("best_worst" satisfies PairStrategy);
  if (strategy === "verified" && !v.verifier) throw new UsageError("--strategy verified needs --verifier NAME (a rule-based component of the rows)");
  if (strategy !== "verified") for (const f of ["verifier", "threshold", "negatives"] as const) if (v[f] !== undefined) throw new UsageError(`--${f} is for --strategy verified`);
  if (v["max-pairs"] !== undefined && strategy !== "margin") throw new UsageError("--max-pairs is for --strategy margin");
  const format = oneOf(v.format, "--format", ["ids", "trl"] as const) ?? "ids";
  const options = {
    strategy,
    groupKey: groupKeyOf(v["group-field"] ?? [...DEFAULT_GROUP_FIELDS]),
    reward: v.reward,
    nullRewards: oneOf(v["null-rewards"], "--null-rewards", ["exclude", "zero"] as const),
    margin: numberFlag(v.margin, "--margin", 0),
    maxPairsPerGroup: intFlag(v["max-pairs"], "--max-pairs", 1),
    verifier: v.verifier,
    verifierThreshold: numberFlag(v.threshold, "--threshold"),
    negatives: oneOf(v.negatives, "--negatives", ["first", "all"] as const),
    weighting: oneOf(v.weighting, "--weighting", ["drs", "none"] as const),
    drs: { betaOri: numberFlag(v.beta, "--beta", 0), w: numberFlag(v["drs-w"], "--drs-w"), k: numberFlag(v["drs-k"], "--drs-k") },
  };
  // Undefined DRS fields must not override the defaults when spread.
  options.drs = Object.fromEntries(Object.entries(options.drs).filter(([, x]) => x !== undefined)) as typeof options.drs;
  const input = positionals[0]!;
  if (v.skipped) checkWritable(v.skipped, "--skipped");
  const { rows, bad } = await readScoredRows(input);
  checkComponent(rows, v.reward, "--reward");
  checkComponent(rows, v.verifier, "--verifier");
  const { pairs, skipped } = minePairs(rows, options);
  const promptOf = pathReader(v["prompt-field"] ?? "input.prompt");
  const completionOf = pathReader(v["completion-field"] ?? "input.completion");
  if (format === "trl" && pairs.length > 0) {
    const r = rows[pairs[0]!.chosenIndex]!;
    if (completionOf(r) === undefined) {
      throw new UsageError(`--format trl: the rows have no ${v["completion-field"] ?? "input.completion"} (score with --include-input, or set --completion-field)`);
    }
  }
  const out = openOutput(v.output, input);
  try {
    let text = "";
    for (const p of pairs) {
      text += JSON.stringify(format === "trl" ? trlLine(p, rows, promptOf, completionOf) : idsLine(p)) + "\n";
      if (text.length > 1 << 20) {
        out.write(text);
        text = "";
      }
    }
    out.write(text);
  } finally {
    out.close();
  }
  if (v.skipped) writeFileSync(v.skipped, skipped.map((s) => JSON.stringify(s)).join("\n") + (skipped.length ? "\n" : ""));
  if (!v.quiet) {
    const groups = new Set(pairs.map((p) => p.group)).size;
    const reasons = new Map<string, number>();
    for (const s of skipped) {
      const key = s.reason.replace(/\(\d+\)|[-\d.]+/g, "N");
      reasons.set(key, (reasons.get(key) ?? 0) + 1);
    }
    const why = [...reasons].map(([r, n]) => `${n}× ${r}`).join("; ");
    process.stderr.write(
      `${pairs.length} pairs from ${groups} groups (${strategy}); ${skipped.length} groups skipped${why ? ` (${why})` : ""}` +
        (bad.length ? `; ${bad.length} bad lines (first: ${bad[0]!.reason})` : "") +
        "\n",
    );
  }
  return bad.length > 0 ? 1 : 0;
}

function idsLine(p: PreferencePair): Record<string, unknown> {
  const line: Record<string, unknown> = {
    group: p.group,
    chosen: p.chosen,
    rejected: p.rejected,
    chosen_reward: p.chosenReward,
    rejected_reward: p.rejectedReward,
    margin: p.margin,
  };
  if (p.beta !== undefined) line.beta = p.beta;
  if (p.weight !== undefined) line.weight = p.weight;
  return line;
}

/** TRL's preference format: conversational prompts stay message lists, completions become assistant turns. */
function trlLine(p: PreferencePair, rows: readonly ScoredRow[], promptOf: (r: ScoredRow) => unknown, completionOf: (r: ScoredRow) => unknown): Record<string, unknown> {
  const chosen = rows[p.chosenIndex]!;
  const rejected = rows[p.rejectedIndex]!;
  const prompt = promptOf(chosen);
  const asTurns = (c: unknown) => (Array.isArray(prompt) && typeof c === "string" ? [{ role: "assistant", content: c }] : c);
  const { chosen: chosenId, rejected: rejectedId, ...rest } = idsLine(p);
  return { prompt: prompt ?? null, chosen: asTurns(completionOf(chosen)) ?? null, rejected: asTurns(completionOf(rejected)) ?? null, chosen_id: chosenId, rejected_id: rejectedId, ...rest };
}
