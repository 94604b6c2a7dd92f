// Shared by the throttling and lockout tests: fake limiters (exact, so limits can be asserted) and
// an app over memory twins with a clock the test drives.
import { expect } from "vitest";
import { createApp } from "../../src/app";
import { memoryAuditStore, memoryLoginAttemptStore } from "../../src/storage/memory-security";
import { memorySessionStore, memoryUserStore } from "../../src/storage/memory";
import type { LoginAttemptStore } from "../../src/storage/ports";
import type { RateLimits } from "../../src/throttling/rate-limit";
import { json, TestClock, testEnv } from "../helpers";
import wranglerToml from "../../wrangler.toml?raw";

/** A limiter that allows `limit` calls per key and records every key it saw. */
export function countingLimiter(limit: number) {
  const counts = new Map<string, number>();
  return { counts, allow: async (key: string) => (counts.set(key, (counts.get(key) ?? 0) + 1).get(key)! <= limit) };
}

/** A limiter with real per-key windows of `periodSeconds` on the test's clock (the binding's "simple" rule). */
export function windowLimiter(limit: number, clock: TestClock, periodSeconds = 60) {
  const windows = new Map<string, { window: number; count: number }>();
  return {
    windows,
    allow: async (key: string) => {
      const window = Math.floor(clock.ms / (periodSeconds * 1000));
      const entry = windows.get(key);
      const count = entry && entry.window === window ? entry.count + 1 : 1;
      windows.set(key, { window, count });
      return count <= limit;
    },
  };
}

/** The `limit` of each [[ratelimits]] binding, read from wrangler.toml itself. */
export const BINDING_LIMITS: Record<string, number> = Object.fromEntries(
  [...wranglerToml.matchAll(/\[\[ratelimits\]\]\s*name = "(\w+)"[^[]*?limit = (\d+), period = 60/g)].map(([, name, limit]) => [name!, Number(limit)]),
);

/** wrangler.toml's [[ratelimits]] bindings as windowed fakes on the test's clock. */
export function productionLimits(clock: TestClock): RateLimits {
  return {
    perClient: windowLimiter(BINDING_LIMITS.IP_LIMITER!, clock),
    perIdentifier: windowLimiter(BINDING_LIMITS.LOGIN_LIMITER!, clock),
    refreshPerClient: windowLimiter(BINDING_LIMITS.REFRESH_IP_LIMITER!, clock),
    refreshPerSession: windowLimiter(BINDING_LIMITS.REFRESH_SESSION_LIMITER!, clock),
  };
}

export const TEST_IP = "203.0.113.7";

/** `env` lets a long simulation hash passwords cheaply (PASSWORD_ITERATIONS); the rules are the same. */
export function throttledApp(limits: Partial<RateLimits> = {}, options: { clock?: TestClock; attempts?: LoginAttemptStore; env?: Env } = {}) {
  const clock = options.clock ?? new TestClock();
  const audit = memoryAuditStore();
  const attempts = memoryLoginAttemptStore(audit);
  const stores = { users: memoryUserStore(), sessions: memorySessionStore(clock.now), attempts: options.attempts ?? attempts, audit };
  const all: RateLimits = {
    perClient: countingLimiter(1000),
    perIdentifier: countingLimiter(1000),
    refreshPerClient: countingLimiter(100_000),
    refreshPerSession: countingLimiter(100_000),
    ...limits,
  };
  const app = createApp({ stores: () => stores, clock: clock.now, rateLimits: () => all });
  /** `ip` null sends no CF-Connecting-IP (a Service Binding call from another Worker). */
  const send = (path: string, init: RequestInit = {}, ip: string | null = TEST_IP) =>
    app.request(path, { ...init, headers: { ...(init.headers as Record<string, string>), ...(ip === null ? {} : { "CF-Connecting-IP": ip }) } }, options.env ?? testEnv);
  return { send, clock, audit, attempts, users: stores.users, limits: all };
}

/** Cookie mode: a login that succeeds sets cookies, so "no Set-Cookie on a refusal" means something. */
export const login = (username: string, password: string) => json({ username, password, mode: "cookie" });
export const RATE_LIMITED = { error: "rate_limited", error_description: "Too many requests. Try again later." };

export async function expectRateLimited(response: Response, retryAfter: string) {
  expect(response.status).toBe(429);
  expect(response.headers.get("Retry-After")).toBe(retryAfter);
  expect(response.headers.get("Set-Cookie")).toBeNull();
  expect(await response.json()).toEqual(RATE_LIMITED);
}

/** A 200 refresh answer of the native API: exact status, no-store, and both new tokens. */
export async function expectRefreshed(response: Response): Promise<{ access_token: string; refresh_token: string }> {
  expect(response.status).toBe(200);
  const body = (await response.json()) as { access_token: string; refresh_token: string; token_type: string };
  expect(body).toMatchObject({ access_token: expect.any(String), refresh_token: expect.any(String), token_type: "Bearer" });
  return body;
}
