/**
 * Bearer-token auth (OpenRLHF #1317: its reward endpoint has none and binds 0.0.0.0). The token
 * comes from `Authorization: Bearer T`, or from `?token=T` for clients that cannot set headers
 * (OpenRLHF's `--reward.remote_url` posts bare JSON); logs never show it.
 */
import { timingSafeEqual, createHash } from "node:crypto";
import { isIP } from "node:net";
import type { FastifyRequest } from "fastify";
import { HttpError } from "./errors.ts";

/** Routes anyone may call: liveness probes must not need the secret. */
const OPEN = new Set(["/health"]);

export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  if (h === "localhost" || h === "::1" || h === "0:0:0:0:0:0:0:1") return true;
  if (isIP(h) === 4) return h.startsWith("127.");
  if (h.startsWith("::ffff:")) return h.slice(7).startsWith("127.");
  return false;
}

const digest = (s: string) => createHash("sha256").update(s).digest();

/** An onRequest check; undefined when no token is configured. */
export function bearerAuth(token: string | undefined): ((req: FastifyRequest) => void) | undefined {
  if (!token) return undefined;
  const want = digest(token);
  return (req) => {
    const path = req.url.split("?", 1)[0]!;
    if (OPEN.has(path)) return;
    const header = req.headers.authorization;
    let got: string | undefined;
    if (typeof header === "string") {
      const m = /^Bearer\s+(.+)$/i.exec(header.trim());
      if (!m) throw new HttpError(401, "expected `Authorization: Bearer <token>`", "authorization", "invalid_auth", { "WWW-Authenticate": 'Bearer realm="rewardsmith"' });
      got = m[1]!.trim();
    } else {
      const q = (req.query as Record<string, unknown> | undefined)?.token;
      if (typeof q === "string") got = q;
    }
    if (got === undefined) throw new HttpError(401, "missing token: send `Authorization: Bearer <token>` (or ?token=<token>)", "authorization", "missing_auth", { "WWW-Authenticate": 'Bearer realm="rewardsmith"' });
    // Compare digests so the comparison takes the same time whatever the length.
    if (!timingSafeEqual(digest(got), want)) throw new HttpError(401, "wrong token", "authorization", "invalid_auth", { "WWW-Authenticate": 'Bearer error="invalid_token"' });
  };
}

/** The URL with any token query parameter masked, for logs. */
export function redactUrl(url: string): string {
  return url.includes("token=") ? url.replace(/([?&]token=)[^&]*/g, "$1***") : url;
}
