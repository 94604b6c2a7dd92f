// Throttling with the Workers Rate Limiting binding (per location, approximate; DESIGN.md §2),
// checked by the core capabilities before any password hashing, so every API shape inherits it.
// Two limiters: per client IP (CF-Connecting-IP) and per login identifier (its keyed digest).
import { AuthError, unavailable } from "../errors";
import type { Runtime } from "../runtime";

/** One limiter: true when the request may go on. The binding's own counters decide. */
export interface RateLimiter {
  allow(key: string): Promise<boolean>;
}

export interface RateLimits {
  perClient: RateLimiter;
  perIdentifier: RateLimiter;
}

export type ThrottledAction = "login" | "register" | "refresh" | "password";

/** The period of both [[ratelimits]] bindings in wrangler.toml (the binding allows 10 or 60 s). */
export const RATE_LIMIT_PERIOD_SECONDS = 60;

function bindingLimiter(binding: RateLimit): RateLimiter {
  return { allow: async (key) => (await binding.limit({ key })).success };
}

export function bindingRateLimits(env: Env): RateLimits {
  return { perClient: bindingLimiter(env.IP_LIMITER), perIdentifier: bindingLimiter(env.LOGIN_LIMITER) };
}

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
 * Refuses with 429 when the client IP, or the identifier (a keyed digest, when given), is over its
 * limit. Without CF-Connecting-IP (only in-process tests; Cloudflare always sets it) the
 * per-client limit has no key and is skipped; the identifier limit and lockout still apply.
 */
export async function throttle(rt: Runtime, action: ThrottledAction, subject?: string): Promise<void> {
  if (rt.clientIp && !(await allowed(rt.limits.perClient, `${action}:${rt.clientIp}`))) {
    throw rateLimited(`${action} rate limit for client ${rt.clientIp}`);
  }
  if (subject && !(await allowed(rt.limits.perIdentifier, `${action}:${subject}`))) {
    throw rateLimited(`${action} rate limit for subject ${subject}`);
  }
}
