import { compile } from "../engine.ts";
import { registry } from "../rewards/index.ts";
import { compileSpec, describeSpec } from "../spec/compile.ts";
import { loadSpecFile } from "../spec/load.ts";
import { parse, UsageError } from "./args.ts";

export const VALIDATE_USAGE = `usage: rewardsmith validate SPEC [--json] [--no-start]

Checks a reward spec and prints what it will compute. Every problem is listed with its path
(and line:column in the file). Also starts the rewards once (loading custom modules, schemas,
databases) unless --no-start. Exit status 0 when valid, 2 otherwise.`;

export async function validateCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    json: { type: "boolean" },
    "no-start": { type: "boolean" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) {
    process.stdout.write(VALIDATE_USAGE + "\n");
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError("expected exactly one spec file");
  const spec = compileSpec(await loadSpecFile(positionals[0]!), { registry });
  if (!values["no-start"]) {
    const p = await compile(spec, { workers: 1 });
    await p.close();
  }
  if (values.json) {
    const { text: _text, ...rest } = spec;
    process.stdout.write(JSON.stringify(rest, null, 2) + "\n");
  } else {
    process.stdout.write(`${positionals[0]}: valid\n${describeSpec(spec)}\n`);
  }
  return 0;
}
