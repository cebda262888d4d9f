import { z } from "zod";
import { registry } from "../rewards/index.ts";
import { parse } from "./args.ts";

export const TYPES_USAGE = `usage: rewardsmith types [TYPE] [--json]

Lists the reward types; with TYPE, its parameters as a JSON Schema.`;

export async function typesCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { json: { type: "boolean" }, help: { type: "boolean", short: "h" } });
  if (values.help) {
    process.stdout.write(TYPES_USAGE + "\n");
    return 0;
  }
  const names = positionals.length > 0 ? positionals : registry.names();
  const out = names.map((n) => {
    const t = registry.get(n);
    if (!t) throw new Error(`unknown reward type "${n}" (known: ${registry.names().join(", ")})`);
    return { type: t.type, summary: t.summary, runs: typeof t.runs === "string" ? t.runs : "configurable", params: z.toJSONSchema(t.params, { io: "input", unrepresentable: "any" }) };
  });
  if (values.json || positionals.length > 0) process.stdout.write(JSON.stringify(positionals.length === 1 ? out[0] : out, null, 2) + "\n");
  else {
    const width = Math.max(...out.map((o) => o.type.length));
    for (const o of out) process.stdout.write(`${o.type.padEnd(width)}  ${o.summary}\n`);
  }
  return 0;
}
