/**
 * HTTP errors every route answers the same way: a status and a message that starts with the
 * field it is about (`query[2]: expected a string, got a number`). The body follows the OpenAI
 * error shape, `{error: {message, type, param, code}}`, so the graders routes match the API they
 * replace and the other routes get the same machine-readable form.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { ValidationError } from "../core/errors.ts";

export type ErrorType = "invalid_request_error" | "authentication_error" | "rate_limit_error" | "server_error" | "timeout_error";

export class HttpError extends Error {
  override readonly name = "HttpError";
  constructor(
    readonly status: number,
    message: string,
    /** The request field the error is about, as a path (`samples[3].completion`). */
    readonly param: string | null = null,
    readonly code: string | null = null,
    readonly headers: Record<string, string> = {},
  ) {
    super(param && !message.startsWith(param) ? `${param}: ${message}` : message);
  }

  get type(): ErrorType {
    if (this.status === 401 || this.status === 403) return "authentication_error";
    if (this.status === 429) return "rate_limit_error";
    if (this.status === 504) return "timeout_error";
    return this.status >= 500 ? "server_error" : "invalid_request_error";
  }

  toJSON(): { error: { message: string; type: string; param: string | null; code: string | null } } {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

/** A 400 about one field. */
export const badRequest = (param: string, message: string, code: string | null = "invalid_value") => new HttpError(400, message, param, code);

/** Turns what fastify and the spec layer throw into an HttpError with a message naming the field. */
export function toHttpError(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  if (err instanceof ValidationError) {
    const first = err.issues[0];
    return new HttpError(400, err.message, first?.path || null, "invalid_spec");
  }
  const e = err as FastifyError & { body?: unknown };
  switch (e?.code) {
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return new HttpError(413, "the request body is larger than the server's limit (--max-body-mb)", "body", "body_too_large");
    case "FST_ERR_CTP_INVALID_JSON_BODY":
      return new HttpError(400, `not valid JSON (${e.message.replace(/^Body is not valid JSON but content-type is set to 'application\/json'\s*/, "") || "parse error"})`, "body", "invalid_json");
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      return new HttpError(400, "empty JSON body: expected a JSON object", "body", "invalid_json");
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return new HttpError(415, "unsupported Content-Type: send application/json (or application/x-ndjson to POST /v1/score)", "content-type", "unsupported_media_type");
    case "FST_ERR_CTP_INVALID_CONTENT_LENGTH":
      return new HttpError(400, "Content-Length does not match the body", "content-length", "invalid_body");
    default:
      break;
  }
  if (e instanceof SyntaxError) return new HttpError(400, `not valid JSON (${e.message})`, "body", "invalid_json");
  const status = typeof e?.statusCode === "number" && e.statusCode >= 400 && e.statusCode < 600 ? e.statusCode : 500;
  return new HttpError(status, status === 500 ? `internal error: ${e?.message ?? String(err)}` : (e?.message ?? String(err)), null, status === 500 ? "internal_error" : null);
}

/** The fastify error handler: the HttpError body, its headers, and a log line for 5xx. */
export function errorHandler(err: unknown, req: FastifyRequest, reply: FastifyReply): void {
  const h = toHttpError(err);
  if (h.status >= 500) req.log.error({ err }, h.message);
  for (const [k, v] of Object.entries(h.headers)) reply.header(k, v);
  void reply.code(h.status).send(h.toJSON());
}

export function notFoundHandler(req: FastifyRequest, reply: FastifyReply): void {
  void reply.code(404).send(new HttpError(404, `no route ${req.method} ${req.url.split("?")[0]} (see GET /v1/specs, POST /v1/score, /get_reward, /verl/compute_score, /verify, /v1/fine_tuning/alpha/graders/run|validate)`, "url", "not_found").toJSON());
}
