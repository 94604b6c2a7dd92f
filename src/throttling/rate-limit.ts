// Throttling with the Workers Rate Limiting bindings (per location, approximate; docs/security.md),
// checked by the core capabilities before any password hashing, so every API shape inherits it.
// Per client (CF-Connecting-IP, keyed by clientKey: IPv6 by /64), per login identifier (its keyed
// digest) and, for refresh, per session: many sessions behind one address (a carrier-grade NAT, a
// gateway refreshing for its users) are not one client, so refresh has only a flood ceiling per IP.
import { AuthError, unavailable } from "../errors";
import { logEvent } from "../log";
import type { Runtime } from "../runtime";
import { clientKey, UNKNOWN_CLIENT } from "./client-key";
import type { RateLimiter } from "./limiters";

export type { RateLimiter, RateLimits } from "./limiters";

export type ThrottledAction = "login" | "register" | "refresh" | "password" | "passkey";

/** The period of every [[ratelimits]] binding in wrangler.toml (the binding allows 10 or 60 s). */
export const RATE_LIMIT_PERIOD_SECONDS = 60;

export const rateLimited = (reason: string, retryAfterSeconds = RATE_LIMIT_PERIOD_SECONDS) =>
  new AuthError("rate_limited", "Too many requests. Try again later.", { headers: { "Retry-After": String(Math.max(1, Math.ceil(retryAfterSeconds))) }, reason });

async function allowed(limiter: RateLimiter, key: string): Promise<boolean> {
  try {
    return await limiter.allow(key);
  } catch (error) {
    // Fail closed: an unknown throttle state must not let unlimited guessing through.
    throw unavailable(`rate limiter failed: ${error instanceof Error ? error.message : String(error)}`, error);
  }
}

/**
 * Refuses with 429 when the client, or the identifier (a keyed digest, when given), is over its
 * limit. A request without a usable CF-Connecting-IP (Cloudflare's edge always sets it; a Service
 * Binding call or an in-process test has none) is limited in the shared "unknown" bucket, and
 * says so in the log: never skipped.
 */
export async function throttle(rt: Runtime, action: ThrottledAction, subject?: string): Promise<void> {
  const client = clientKey(rt.clientIp);
  if (client === UNKNOWN_CLIENT) logEvent("info", "client_ip_unknown", { action });
  const limiter = action === "refresh" ? rt.limits.refreshPerClient : rt.limits.perClient;
  if (!(await allowed(limiter, `${action}:${client}`))) throw rateLimited(`${action} rate limit for client ${client}`);
  if (subject && !(await allowed(rt.limits.perIdentifier, `${action}:${subject}`))) {
    throw rateLimited(`${action} rate limit for subject ${subject}`);
  }
}

/** LOGIN_LIMITER: true while `login:<key>` (an identifier or a known source digest) is under its limit. */
export const identifierAllows = (rt: Runtime, key: string) => allowed(rt.limits.perIdentifier, `login:${key}`);

/** Refresh per session: `sid` comes from a token whose MAC was verified, so junk cannot spend it. */
export async function throttleSession(rt: Runtime, sid: string): Promise<void> {
  if (!(await allowed(rt.limits.refreshPerSession, `refresh:${sid}`))) throw rateLimited(`refresh rate limit for session ${sid}`);
}

/**
 * Client authentication on the OAuth endpoints (`invalid_client`), before the secret is checked,
 * like logins: per client address and per client id, both on IP_LIMITER (`client:<client>`,
 * `client_id:<id>`). Only checks that are not answered from the per-isolate memo of verified
 * credentials spend it (src/oauth/client-auth.ts), so a gateway introspecting on every request
 * spends it about twice a minute per isolate, while a wrong secret spends it on every try.
 */
export async function throttleClientAuth(rt: Runtime, clientId: string): Promise<void> {
  const client = clientKey(rt.clientIp);
  if (!(await allowed(rt.limits.perClient, `client:${client}`))) throw rateLimited(`client authentication rate limit for client ${client}`);
  if (!(await allowed(rt.limits.perClient, `client_id:${clientId}`))) throw rateLimited(`client authentication rate limit for client id ${clientId}`);
}
