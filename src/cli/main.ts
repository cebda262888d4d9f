/**
 * The `rewardsmith` command: one file per subcommand; this file only dispatches and turns
 * errors into messages and exit codes (2 = bad usage, spec or input file).
 */
import { readFileSync } from "node:fs";
import { ValidationError } from "../core/errors.ts";
import { ADVANTAGES_USAGE, advantagesCommand } from "./advantages.ts";
import { UsageError } from "./args.ts";
import { PAIRS_USAGE, pairsCommand } from "./pairs.ts";
import { SCORE_USAGE, scoreCommand } from "./score.ts";
import { SERVE_USAGE, serveCommand } from "./serve.ts";
import { VALIDATE_USAGE, validateCommand } from "./validate.ts";
import { typesCommand, TYPES_USAGE } from "./types.ts";

type Command = { run(argv: string[]): Promise<number>; usage: string; summary: string };

const commands: Record<string, Command> = {
  score: { run: scoreCommand, usage: SCORE_USAGE, summary: "score a JSONL file with a reward spec" },
  validate: { run: validateCommand, usage: VALIDATE_USAGE, summary: "check a spec and print what it computes" },
  types: { run: typesCommand, usage: TYPES_USAGE, summary: "list the reward types and their parameters" },
  serve: { run: serveCommand, usage: SERVE_USAGE, summary: "serve a reward spec over HTTP (native, OpenRLHF, verl, OpenAI graders, NeMo Gym)" },
  advantages: { run: advantagesCommand, usage: ADVANTAGES_USAGE, summary: "GRPO / Dr. GRPO / RLOO / REINFORCE++ advantages from score output" },
  pairs: { run: pairsCommand, usage: PAIRS_USAGE, summary: "preference pairs (best-vs-worst, margin, verified) with DRS weights from score output" },
};

function mainUsage(): string {
  const width = Math.max(...Object.keys(commands).map((c) => c.length));
  return [
    "usage: rewardsmith COMMAND [options]",
    "",
    "commands:",
    ...Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    "",
    "Run `rewardsmith COMMAND --help` for a command's options.",
  ].join("\n");
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
  return pkg.version;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    process.stdout.write(mainUsage() + "\n");
    return name === undefined ? 2 : 0;
  }
  if (name === "--version" || name === "-v") {
    process.stdout.write(version() + "\n");
    return 0;
  }
  const cmd = commands[name];
  if (!cmd) {
    process.stderr.write(`rewardsmith: unknown command "${name}"\n\n${mainUsage()}\n`);
    return 2;
  }
  try {
    return await cmd.run(rest);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`rewardsmith ${name}: ${err.message}\n(rewardsmith ${name} --help lists the options)\n`);
      return 2;
    }
    if (err instanceof ValidationError) {
      process.stderr.write(`rewardsmith ${name}: invalid spec\n${err.message}\n`);
      return 2;
    }
    process.stderr.write(`rewardsmith ${name}: ${(err as Error)?.message ?? String(err)}\n`);
    return 2;
  }
}
