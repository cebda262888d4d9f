import { closeSync, existsSync, openSync, statSync, writeSync } from "node:fs";
import { resolve } from "node:path";
import { compile } from "../engine.ts";
import type { Sample } from "../core/types.ts";
import { NotTextError, readLines } from "../io/lines.ts";
import { ParquetResultWriter } from "../io/parquet.ts";
import { inputFormat, jsonlSource, parquetSource, type InputRow, type RowSource } from "../io/rows.ts";
import { DEFAULT_FIELDS, getPath, rowToSample, type FieldMap } from "../io/fields.ts";
import { resultRow } from "../io/output.ts";
import { prepareResume } from "../io/resume.ts";
import type { ScoredSample } from "../pipeline/pipeline.ts";
import { loadSpecFile } from "../spec/load.ts";
import { compileSpec } from "../spec/compile.ts";
import { registry } from "../rewards/index.ts";
import { RunStore } from "../store/run-store.ts";
import { checkWritable, intFlag, parse, UsageError } from "./args.ts";
import { Progress } from "./progress.ts";
import { Summary } from "./summary.ts";

export const SCORE_USAGE = `usage: rewardsmith score IN -s SPEC [-o OUT] [options]

Scores every row of a JSONL or Parquet file (IN, or - for JSONL on stdin) with a reward spec and
writes one row per input row, in input order: {id, score, status, reason?, components: {name:
{score, status, reason?}}} as JSON lines, or as Parquet when OUT ends in .parquet.

options:
  -s, --spec FILE            reward spec (YAML or JSON)                          (required)
  -o, --output FILE          output file (default: JSONL on stdout); .parquet writes Parquet
      --input-format F       jsonl | parquet (default: from the file name; .parquet/.pq is Parquet)
      --output-format F      jsonl | parquet (default: from the file name)
      --resume               continue an interrupted run: keep OUT's complete rows, score the rest
      --store FILE           record the run in a SQLite run store
      --id-field PATH        where the sample id is        (default: id, else the line number)
      --prompt-field PATH    where the prompt is           (default: prompt)
      --completion-field PATH where the completion is     (default: completion)
      --reference-field PATH where the reference is        (default: reference; e.g. reward_model.ground_truth)
      --group-field PATH     where the GRPO group id is    (default: group)
      --meta-field PATH      an object passed as sample.meta (default: meta, when it is an object)
      --details              include each component's details (extracted answers, ...)
      --include-input        copy each input row into its output row under "input"
      --concurrency N        concurrent calls of main-thread rewards (default 64)
      --workers N            worker threads for CPU-bound rewards (default: cores)
      --batch-size N         rows per batch (default 512; a GRPO group is never split)
      --limit N              score only the first N rows
      --summary FILE         also write the end summary as JSON
      --no-progress          no progress output
  -q, --quiet                no progress and no summary

exit status: 0 all rows scored, 1 some rows failed (invalid_input, timeout, error), 2 bad usage or spec.`;

type Pending = { firstSeq: number; rows: RowItem[]; promise: Promise<ScoredSample[]> };
type RowItem = { sample?: Sample; id: string; problem?: string; group?: string; input?: unknown };

export async function scoreCommand(argv: string[]): Promise<number> {
  const { values: v, positionals } = parse(argv, {
    spec: { type: "string", short: "s" },
    output: { type: "string", short: "o" },
    "input-format": { type: "string" },
    "output-format": { type: "string" },
    resume: { type: "boolean" },
    store: { type: "string" },
    "id-field": { type: "string" },
    "prompt-field": { type: "string" },
    "completion-field": { type: "string" },
    "reference-field": { type: "string" },
    "group-field": { type: "string" },
    "meta-field": { type: "string" },
    details: { type: "boolean" },
    "include-input": { type: "boolean" },
    concurrency: { type: "string" },
    workers: { type: "string" },
    "batch-size": { type: "string" },
    limit: { type: "string" },
    summary: { type: "string" },
    "no-progress": { type: "boolean" },
    quiet: { type: "boolean", short: "q" },
    help: { type: "boolean", short: "h" },
  });
  if (v.help) {
    process.stdout.write(SCORE_USAGE + "\n");
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? "missing the input file (IN)" : `expected one input file, got ${positionals.length}: ${positionals.join(" ")}`);
  if (!v.spec) throw new UsageError("missing --spec FILE");
  const input = positionals[0]!;
  const output = v.output ?? "-";
  const concurrency = intFlag(v.concurrency, "--concurrency", 1, 100_000);
  const workers = intFlag(v.workers, "--workers", 1, 256);
  const batchSize = intFlag(v["batch-size"], "--batch-size", 1, 1_000_000) ?? 512;
  const limit = intFlag(v.limit, "--limit", 0);
  if (v.resume && output === "-") throw new UsageError("--resume needs --output FILE (it continues that file)");
  for (const f of ["input-format", "output-format"] as const) {
    if (v[f] !== undefined && v[f] !== "jsonl" && v[f] !== "parquet") throw new UsageError(`--${f}: expected jsonl or parquet, got "${v[f]}"`);
  }
  const inFormat = inputFormat(input, v["input-format"]);
  const outFormat = inputFormat(output, v["output-format"]);
  if (inFormat === "parquet" && input === "-") throw new UsageError("--input-format parquet needs a file (Parquet cannot be read from stdin)");
  if (outFormat === "parquet" && output === "-") throw new UsageError("Parquet output needs --output FILE");
  if (outFormat === "parquet" && v.resume) throw new UsageError("--resume needs JSONL output (a Parquet file cannot be appended to)");
  if (input !== "-") {
    if (!existsSync(input)) throw new UsageError(`input file ${input}: no such file`);
    if (statSync(input).isDirectory()) throw new UsageError(`input file ${input}: is a directory`);
  }
  if (output !== "-" && resolve(output) === resolve(input)) throw new UsageError("--output must not be the input file");

  const spec = compileSpec(await loadSpecFile(v.spec), { registry });
  const fields: FieldMap = {
    id: v["id-field"] ?? spec.input.id ?? DEFAULT_FIELDS.id,
    prompt: v["prompt-field"] ?? spec.input.prompt ?? DEFAULT_FIELDS.prompt,
    completion: v["completion-field"] ?? spec.input.completion ?? DEFAULT_FIELDS.completion,
    reference: v["reference-field"] ?? spec.input.reference ?? DEFAULT_FIELDS.reference,
    group: v["group-field"] ?? spec.input.group ?? DEFAULT_FIELDS.group,
    meta: v["meta-field"] ?? spec.input.meta ?? DEFAULT_FIELDS.meta,
    metaOptional: v["meta-field"] === undefined && spec.input.meta === undefined,
  };
  const quiet = Boolean(v.quiet);
  const summary = new Summary();

  // Resume: complete rows already in OUT are input rows already done (rows are written in order).
  let skip = 0;
  let lastDoneId: string | undefined;
  if (v.resume) {
    const point = prepareResume(output);
    skip = point.rows;
    lastDoneId = point.lastId;
    if (skip > 0) {
      for await (const line of readLines(output)) summary.add(JSON.parse(line.text) as ScoredSample);
    }
    if (!quiet) process.stderr.write(`resuming after ${skip} rows${point.truncatedBytes ? ` (dropped a partial line of ${point.truncatedBytes} bytes)` : ""}\n`);
  }

  // Every path is checked before any reward starts: a bad one fails at once, naming its flag.
  if (v.summary) checkWritable(v.summary, "--summary");
  if (v.store) checkWritable(v.store, "--store", { createDir: true });
  if (output !== "-") checkWritable(output, "--output");
  let source: RowSource;
  try {
    source = inFormat === "parquet" ? await parquetSource(input) : jsonlSource(input);
  } catch (err) {
    throw new UsageError(`input file ${input}: ${(err as Error).message}`);
  }
  const store = v.store ? new RunStore(v.store) : undefined;
  // The store also keeps the combination state (running statistics, adaptive weights) across runs.
  let pipeline: Awaited<ReturnType<typeof compile>>;
  try {
    pipeline = await compile(spec, { concurrency, workers, state: store });
  } catch (err) {
    store?.close();
    throw err;
  }
  // Opened only now, so a spec that fails to start leaves an existing output untouched.
  const parquetOut = outFormat === "parquet" ? new ParquetResultWriter(output, spec.rewards.map((r) => r.name)) : undefined;
  const fd = output === "-" || parquetOut ? undefined : openSync(output, v.resume ? "a" : "w");
  const write = async (text: string) => {
    if (fd !== undefined) writeSync(fd, text);
    else if (!process.stdout.write(text)) await new Promise((r) => process.stdout.once("drain", r));
  };
  let runId: number | undefined;
  if (store) {
    const prior = v.resume ? store.findResumable(resolve(output), spec.hash) : undefined;
    runId = prior?.id ?? store.startRun({ kind: "score", specHash: spec.hash, specName: spec.name, specText: spec.text, input: input === "-" ? "<stdin>" : resolve(input), output: output === "-" ? undefined : resolve(output) });
  }

  // With --limit the run's end is known in rows, not in bytes of the whole file.
  const progress = new Progress(limit ?? source.total, !quiet && !v["no-progress"]);
  const started = Date.now();
  const pending: Pending[] = [];
  const maxInFlight = Math.max(2, (workers ?? pipeline.workerCount) * 2);
  let seq = skip;
  let bytesRead = 0;

  const invalidRow = (id: string, problem: string): ScoredSample => {
    const o = { score: null, status: "invalid_input" as const, reason: problem };
    return { id, score: null, status: "invalid_input", reason: problem, components: Object.fromEntries(spec.rewards.map((r) => [r.name, o])) };
  };
  const flushOne = async () => {
    const p = pending.shift()!;
    const scored = await p.promise;
    let k = 0;
    const all: ScoredSample[] = [];
    const out: Record<string, unknown>[] = [];
    for (const row of p.rows) {
      const r: ScoredSample = row.sample
        ? scored[k++]!
        : invalidRow(row.id, row.problem!);
      all.push(r);
      summary.add(r);
      out.push(resultRow(r, { details: Boolean(v.details) }, { group: row.group, input: row.input }));
    }
    // The store first: after a crash the output file decides where to resume, and rows the store
    // already has past that point are simply replaced (same sequence numbers).
    if (store && runId !== undefined) store.recordResults(runId, p.firstSeq, all, p.rows.map((r) => r.group), Boolean(v.details));
    if (parquetOut) parquetOut.add(out);
    else await write(out.map((o) => JSON.stringify(o)).join("\n") + "\n");
    progress.update(summary.rows - skip, bytesRead);
  };
  const launch = (rows: RowItem[]) => {
    const samples = rows.flatMap((r) => (r.sample ? [r.sample] : []));
    pending.push({ firstSeq: seq, rows, promise: pipeline.score(samples) });
    seq += rows.length;
  };

  try {
    let batch: RowItem[] = [];
    let index = skip;
    const checkLast = lastDoneId === undefined ? undefined : (row: InputRow) => checkResumeId(row, fields, lastDoneId!, skip);
    for await (const row of source.rows(skip, checkLast)) {
      bytesRead = limit !== undefined ? index + 1 : row.position;
      if (limit !== undefined && index >= limit) break;
      index++;
      const item = toItem(row, fields, Boolean(v["include-input"]));
      const prevGroup = batch.length > 0 ? batch[batch.length - 1]!.group : undefined;
      if (batch.length >= batchSize && (item.group === undefined || item.group !== prevGroup || batch.length >= batchSize * 8)) {
        launch(batch);
        batch = [];
        if (pending.length >= maxInFlight) await flushOne();
      }
      batch.push(item);
    }
    if (batch.length > 0) launch(batch);
    while (pending.length > 0) await flushOne();
  } catch (err) {
    store?.close();
    if (err instanceof NotTextError) throw new UsageError(`input ${input === "-" ? "(stdin)" : `file ${input}`}: ${err.message}`);
    throw err;
  } finally {
    if (fd !== undefined) closeSync(fd);
    parquetOut?.close();
    await pipeline.close();
  }
  progress.done();
  const elapsed = Date.now() - started;
  const json = summary.toJSON(elapsed);
  if (store && runId !== undefined) {
    store.finishRun(runId, json.total.status, json);
    store.close();
  }
  if (v.summary) {
    const { writeFileSync } = await import("node:fs");
    writeFileSync(v.summary, JSON.stringify(json, null, 2) + "\n");
  }
  if (!quiet) process.stderr.write(summary.format(elapsed) + "\n");
  return summary.failed > 0 ? 1 : 0;
}

function toItem(row: InputRow, fields: FieldMap, includeInput: boolean): RowItem {
  if (row.error !== undefined) return { id: String(row.lineNo), problem: `${row.where}: ${row.error}` };
  const built = rowToSample(row.value, fields, String(row.lineNo));
  const input = includeInput ? row.value : undefined;
  if ("problem" in built) {
    // A bad row keeps its group, so downstream grouping (advantages, pairs) still places it.
    const g = getPath(row.value, fields.group);
    return { id: built.id, problem: `${row.where}: ${built.problem}`, input, group: typeof g === "string" ? g : undefined };
  }
  const group = built.sample.group;
  return { sample: built.sample, id: built.sample.id, group, input };
}

function checkResumeId(row: InputRow, fields: FieldMap, expected: string, rows: number): void {
  // The id exactly as the scored row got it (a bad id falls back to the line number there too).
  const built = rowToSample(row.value, fields, String(row.lineNo));
  const id = "sample" in built ? built.sample.id : built.id;
  if (id !== expected) {
    throw new UsageError(`--resume: the output's row ${rows} has id "${expected}" but input row ${rows} has id "${id}": this output was not made from this input`);
  }
}
