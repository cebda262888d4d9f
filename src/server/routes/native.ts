/**
 * The native protocol.
 *
 *   GET  /v1/specs   the specs served, their hashes and rewards, and the data_source routes
 *   POST /v1/score   {spec?, samples: Sample[], details?, stream?}
 *                    -> {spec, spec_hash, results: [{id, score, status, reason?, gate?, components}], usage}
 *
 * Big batches stream: with `"stream": true` or `Accept: application/x-ndjson` the results come
 * back as NDJSON, one line per sample in input order, scored in chunks of `chunk_size` (a GRPO
 * group is never split), then `{"done": true, spec, spec_hash, usage}`. A body sent as
 * `Content-Type: application/x-ndjson` (one Sample per line; `?spec=`, `?details=true`) is read
 * as it arrives, so a million samples never sit in memory at once. A bad sample is one
 * `invalid_input` result naming the field, never a failed request.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Sample } from "../../core/types.ts";
import { resultRow } from "../../io/output.ts";
import type { ScoredSample } from "../../pipeline/pipeline.ts";
import { NdjsonBody, objectBody, optBool, optNumber, optString, protoKeyPath, queryString, reqArray } from "../check.ts";
import { account, respond, scoreOnSpec, usageOf, type ServerContext } from "../context.ts";
import { HttpError, toHttpError } from "../errors.ts";
import type { SpecVersion } from "../specs.ts";

export function nativeRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get("/v1/specs", async () => ctx.specs.list());

  app.post("/v1/score", { config: { scoring: true } }, async (req, reply) => {
    if (req.body instanceof NdjsonBody) return streamNdjsonInput(ctx, req, reply, req.body);
    const body = objectBody(req.body);
    const spec = optString(body, "spec") ?? queryString(req.query, "spec");
    const samples = reqArray(body, "samples") as Sample[];
    const details = optBool(body, "details") ?? queryString(req.query, "details") === "true";
    const chunk = optNumber(body, "chunk_size");
    if (chunk !== undefined && (!Number.isInteger(chunk) || chunk < 1 || chunk > 65_536)) throw new HttpError(400, "expected a whole number from 1 to 65536", "chunk_size");
    const accept = req.headers.accept ?? "";
    const stream = optBool(body, "stream") ?? accept.includes("application/x-ndjson");
    if (stream) {
      const v = leaseFor(ctx, spec);
      return streamResults(ctx, req, reply, v, arraySource(samples), details, chunk ?? 512);
    }
    if (samples.length > ctx.options.maxBatch) {
      throw new HttpError(413, `${samples.length} samples is more than one JSON request may carry (--max-batch ${ctx.options.maxBatch}); send "stream": true or an NDJSON body`, "samples", "batch_too_large");
    }
    const t0 = performance.now();
    const r = await respond(ctx, req, reply, "/v1/score", samples.length, async () => {
      const s = await scoreOnSpec(ctx, req, spec, samples);
      return { spec: s.spec, spec_hash: s.hash, results: s.results.map((x) => resultRow(x, { details })), usage: usageOf(s.results, performance.now() - t0) };
    });
    return r;
  });
}

type Lease = ReturnType<ServerContext["specs"]["lease"]>;

function leaseFor(ctx: ServerContext, spec: string | undefined): Lease {
  return ctx.specs.lease(spec);
}

type Item = { sample: Sample } | { bad: ScoredSample };

async function* arraySource(samples: readonly Sample[]): AsyncGenerator<Item> {
  for (const s of samples) yield { sample: s };
}

/** Reads NDJSON samples from the request as they arrive; a line that is not JSON is one invalid_input result. */
async function* ndjsonSource(stream: NodeJS.ReadableStream, maxLine: number, rewardNames: () => string[]): AsyncGenerator<Item> {
  let buf = "";
  let lineNo = 0;
  const decoder = new TextDecoder();
  const parseLine = (text: string): Item | undefined => {
    lineNo++;
    if (text.trim() === "") return undefined;
    let reason: string;
    try {
      const sample = JSON.parse(text) as Sample;
      const proto = text.includes('"__proto__"') ? protoKeyPath(sample, "sample") : undefined;
      if (proto === undefined) return { sample };
      reason = `line ${lineNo}: ${proto.replace(/^sample\./, "")}: the key "__proto__" is not allowed`;
    } catch (err) {
      reason = `line ${lineNo}: not valid JSON (${(err as Error).message})`;
    }
    const o = { score: null, status: "invalid_input" as const, reason };
    return { bad: { id: String(lineNo), score: null, status: "invalid_input", reason, components: Object.fromEntries(rewardNames().map((n) => [n, o])) } };
  };
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    buf += decoder.decode(chunk, { stream: true });
    let nl: number;
    while ((nl = buf.indexOf("\n")) >= 0) {
      const item = parseLine(buf.slice(0, nl));
      buf = buf.slice(nl + 1);
      if (item) yield item;
    }
    if (buf.length > maxLine) throw new HttpError(413, `line ${lineNo + 1} is longer than ${maxLine} bytes`, "body", "line_too_large");
  }
  buf += decoder.decode();
  const last = parseLine(buf);
  if (last) yield last;
}

async function streamNdjsonInput(ctx: ServerContext, req: FastifyRequest, reply: FastifyReply, body: NdjsonBody): Promise<void> {
  const v = leaseFor(ctx, queryString(req.query, "spec"));
  const details = queryString(req.query, "details") === "true";
  const chunk = Number(queryString(req.query, "chunk_size") ?? 512);
  if (!Number.isInteger(chunk) || chunk < 1 || chunk > 65_536) {
    v.release();
    throw new HttpError(400, "expected a whole number from 1 to 65536", "?chunk_size");
  }
  const names = () => v.version.spec.rewards.map((r) => r.name);
  return streamResults(ctx, req, reply, v, ndjsonSource(body.stream, ctx.options.maxBodyBytes, names), details, chunk);
}

/**
 * Scores a source in chunks on one spec version and writes NDJSON as each chunk finishes, in
 * order; the next chunk is scored while the previous one is written.
 */
async function streamResults(ctx: ServerContext, req: FastifyRequest, reply: FastifyReply, lease: Lease, source: AsyncIterable<Item>, details: boolean, chunkSize: number): Promise<void> {
  const v: SpecVersion = lease.version;
  req.rs.spec = v.name;
  req.rs.hash = v.spec.hash;
  const hold = req.ticket?.hold();
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, { "content-type": "application/x-ndjson; charset=utf-8", "x-rewardsmith-spec": v.name, "x-rewardsmith-spec-hash": v.spec.hash });
  const t0 = performance.now();
  const counts = { samples: 0 } as Record<string, number>;
  let pending: Promise<string> | undefined;
  const write = async (text: string) => {
    if (!res.write(text)) await new Promise<void>((r) => res.once("drain", () => r()));
  };
  const launch = (items: Item[]): Promise<string> => {
    const samples = items.flatMap((i) => ("sample" in i ? [i.sample] : []));
    const p = v.batcher.score(samples).then((scored) => {
      account(ctx, v, samples, scored);
      let k = 0;
      let text = "";
      for (const it of items) {
        const r = "sample" in it ? scored[k++]! : it.bad;
        counts.samples!++;
        counts[r.status] = (counts[r.status] ?? 0) + 1;
        text += JSON.stringify(resultRow(r, { details })) + "\n";
      }
      return text;
    });
    // Awaited in order below; this only keeps a failure while another chunk is awaited from being unhandled.
    p.catch(() => {});
    return p;
  };
  try {
    let batch: Item[] = [];
    let lastGroup: string | undefined;
    for await (const it of source) {
      const g = "sample" in it && it.sample && typeof it.sample === "object" ? it.sample.group : undefined;
      if (batch.length >= chunkSize && (g === undefined || g !== lastGroup || batch.length >= chunkSize * 8)) {
        const next = launch(batch);
        if (pending) await write(await pending);
        pending = next;
        batch = [];
      }
      batch.push(it);
      lastGroup = typeof g === "string" ? g : undefined;
    }
    if (batch.length > 0) {
      const next = launch(batch);
      if (pending) await write(await pending);
      pending = next;
    }
    if (pending) await write(await pending);
    req.rs.samples = counts.samples;
    const usage = { samples: counts.samples ?? 0, ok: counts.ok ?? 0, not_applicable: counts.not_applicable ?? 0, invalid_input: counts.invalid_input ?? 0, timeout: counts.timeout ?? 0, error: counts.error ?? 0, ms: Math.round((performance.now() - t0) * 1000) / 1000 };
    await write(JSON.stringify({ done: true, spec: v.name, spec_hash: v.spec.hash, usage }) + "\n");
  } catch (err) {
    const h = toHttpError(err);
    req.log.warn({ err: h.message }, "stream ended by an error");
    if (!res.destroyed) res.write(JSON.stringify(h.toJSON()) + "\n");
  } finally {
    lease.release();
    hold?.();
    res.end();
  }
}
