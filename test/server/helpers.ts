import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer, type RewardServer } from "../../src/server/app.ts";
import type { ServerOptions } from "../../src/server/context.ts";

/** A GSM8K spec: correctness, a `#### N` format bonus (anchored at the end), no length term. */
export const GSM8K_SPEC = `
name: gsm8k-test
rewards:
  correct:
    type: gsm8k
  format:
    type: regex
    pattern: "####\\\\s*-?[\\\\d,.]+\\\\s*$"
    weight: 0.5
`;

/** Only the gold-answer check: a sample without a reference has no total (invalid_input). */
export const REFONLY_SPEC = `
rewards:
  correct:
    type: gsm8k
`;

/**
 * A main-thread custom reward that sleeps `ms` and scores `value`, counting its calls on
 * globalThis (the test process imports the same module, so it can read the count).
 */
export const SLOW_MODULE = `
export default async function slow(sample, ctx, options) {
  globalThis.__rsSlowCalls = (globalThis.__rsSlowCalls ?? 0) + 1;
  await new Promise((r) => setTimeout(r, options.ms ?? 0));
  if (sample.meta && sample.meta.na) return null;
  return options.value ?? 1;
}
`;

export const slowSpec = (value: number, ms: number) => `
rewards:
  slow:
    type: custom
    module: ./slow.mjs
    runs: main
    cache: false
    options: { value: ${value}, ms: ${ms} }
`;

export function slowCalls(): number {
  return (globalThis as { __rsSlowCalls?: number }).__rsSlowCalls ?? 0;
}

export type Fixture = { dir: string; server: RewardServer; url: string; close(): Promise<void> };

/** A spec directory (gsm8k, refonly, slow + routes.yaml) served on a free port, quiet. */
export async function startFixture(over: Partial<ServerOptions> = {}, files: Record<string, string> = {}): Promise<Fixture> {
  const dir = mkdtempSync(join(tmpdir(), "rs-server-test-"));
  const all: Record<string, string> = {
    "gsm8k.yaml": GSM8K_SPEC,
    "refonly.yaml": REFONLY_SPEC,
    "slow.yaml": slowSpec(1, 0),
    "slow.mjs": SLOW_MODULE,
    "routes.yaml": "default: gsm8k\ndata_sources:\n  openai/gsm8k: gsm8k\n  slow_*: slow\n",
    ...files,
  };
  for (const [name, text] of Object.entries(all)) writeFileSync(join(dir, name), text);
  const server = await createServer({ spec: dir, port: 0, logLevel: "silent", workers: 1, reloadMs: 0, ...over });
  return {
    dir,
    server,
    url: server.url,
    async close() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export type Res = { status: number; headers: Headers; body: any; text: string };

export async function call(url: string, path: string, body?: unknown, headers: Record<string, string> = {}, method?: string): Promise<Res> {
  const init: RequestInit = { method: method ?? (body === undefined ? "GET" : "POST"), headers: { ...(body !== undefined && typeof body !== "string" ? { "content-type": "application/json" } : {}), ...headers } };
  if (body !== undefined) init.body = typeof body === "string" ? body : JSON.stringify(body);
  const r = await fetch(url + path, init);
  const text = await r.text();
  let parsed: unknown = undefined;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: r.status, headers: r.headers, body: parsed, text };
}

/** A raw JSON body string (for malformed JSON). */
export const rawJson = (url: string, path: string, text: string, headers: Record<string, string> = {}) => call(url, path, text, { "content-type": "application/json", ...headers });
