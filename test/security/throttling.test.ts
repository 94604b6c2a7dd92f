// Throttling and lockout: the Rate Limiting port (a fake here, so limits are exact) and the D1
// lockout counters, both checked before any password hashing, for every throttled capability.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createApp } from "../../src/app";
import { memoryAuditStore, memoryLoginAttemptStore } from "../../src/storage/memory-security";
import { memorySessionStore, memoryUserStore } from "../../src/storage/memory";
import type { RateLimits } from "../../src/throttling/rate-limit";
import { json, registerUser, STRONG_PASSWORD, TestClock, testEnv, uniqueName } from "../helpers";

/** A limiter that allows `limit` calls per key and records every key it saw. */
function countingLimiter(limit: number) {
  const counts = new Map<string, number>();
  return { counts, allow: async (key: string) => (counts.set(key, (counts.get(key) ?? 0) + 1).get(key)! <= limit) };
}

function throttledApp(limits: Partial<RateLimits> = {}) {
  const clock = new TestClock();
  const audit = memoryAuditStore();
  const attempts = memoryLoginAttemptStore(audit);
  const stores = { users: memoryUserStore(), sessions: memorySessionStore(clock.now), attempts, audit };
  const all: RateLimits = { perClient: countingLimiter(1000), perIdentifier: countingLimiter(1000), ...limits };
  const app = createApp({ stores: () => stores, clock: clock.now, rateLimits: () => all });
  const send = (path: string, init: RequestInit = {}, ip = "203.0.113.7") =>
    app.request(path, { ...init, headers: { ...(init.headers as Record<string, string>), "CF-Connecting-IP": ip } }, testEnv);
  return { send, clock, audit, attempts, users: stores.users };
}

const login = (username: string, password: string) => json({ username, password });
const RATE_LIMITED = { error: "rate_limited", error_description: "Too many requests. Try again later." };

async function expectRateLimited(response: Response, retryAfter: string) {
  expect(response.status).toBe(429);
  expect(response.headers.get("Retry-After")).toBe(retryAfter);
  expect(response.headers.get("Set-Cookie")).toBeNull();
  expect(await response.json()).toEqual(RATE_LIMITED);
}

afterEach(() => vi.restoreAllMocks());

describe("rate limiting per client IP", () => {
  it.each([
    ["login", "/auth/login", () => login("someone", "whatever password")],
    ["register", "/auth/register", () => json({ username: uniqueName(), password: STRONG_PASSWORD })],
    ["refresh", "/auth/refresh", () => json({ refresh_token: "a.0.b.c" })],
  ])("answers 429 rate_limited with Retry-After on %s once the IP is over its limit, before hashing", async (action, path, body) => {
    const perClient = countingLimiter(2);
    const { send } = throttledApp({ perClient });
    await send(path, body());
    await send(path, body());
    const deriveBits = vi.spyOn(crypto.subtle, "deriveBits");
    await expectRateLimited(await send(path, body()), "60");
    expect(deriveBits).not.toHaveBeenCalled();
    expect(perClient.counts.get(`${action}:203.0.113.7`)).toBe(3);
    // Another client is not affected.
    expect((await send(path, body(), "198.51.100.9")).status).not.toBe(429);
  });
});

describe("the reads before a credential check", () => {
  it("reads the account and the lockout state only after the limiter let the login through", async () => {
    const { send, users, attempts } = throttledApp({ perClient: countingLimiter(1) });
    const findByIdentifier = vi.spyOn(users, "findByIdentifier");
    const lockedUntil = vi.spyOn(attempts, "lockedUntil");
    expect((await send("/auth/login", login("someone", "whatever password"))).status).toBe(401);
    expect([findByIdentifier.mock.calls, lockedUntil.mock.calls.length]).toEqual([[["someone"]], 1]);
    await expectRateLimited(await send("/auth/login", login("someone", "whatever password")), "60");
    expect([findByIdentifier.mock.calls.length, lockedUntil.mock.calls.length]).toEqual([1, 1]);
  });

  it("reads the account while the lockout read is in flight (one round trip, not two)", async () => {
    const { send, users, attempts } = throttledApp();
    const findByIdentifier = vi.spyOn(users, "findByIdentifier");
    let accountReadStarted: boolean | undefined;
    vi.spyOn(attempts, "lockedUntil").mockImplementation(async () => {
      await new Promise((resolve) => setTimeout(resolve, 0));
      accountReadStarted = findByIdentifier.mock.calls.length === 1;
      return null;
    });
    expect((await send("/auth/login", login("someone", "whatever password"))).status).toBe(401);
    expect(accountReadStarted).toBe(true);
  });
});

describe("rate limiting per login identifier", () => {
  it("throttles one identifier across client IPs and leaves other identifiers alone", async () => {
    const { send } = throttledApp({ perIdentifier: countingLimiter(2) });
    const { username } = await registerUser((p, i) => send(p, i));
    await send("/auth/login", login(username, "wrong password 1"), "192.0.2.1");
    await send("/auth/login", login(username.toUpperCase(), "wrong password 2"), "192.0.2.2");
    await expectRateLimited(await send("/auth/login", login(username, STRONG_PASSWORD), "192.0.2.3"), "60");
    expect((await send("/auth/login", login(uniqueName("other"), "wrong password 3"), "192.0.2.3")).status).toBe(401);
  });

  it("fails closed with 503 when the limiter itself fails", async () => {
    const { send } = throttledApp({ perIdentifier: { allow: async () => Promise.reject(new Error("binding down")) } });
    const response = await send("/auth/login", login("anyone", "whatever password"));
    expect(response.status).toBe(503);
    expect(response.headers.get("Retry-After")).toBe("5");
    expect(await response.json()).toEqual({ error: "temporarily_unavailable", error_description: "The service is temporarily unavailable. Try again shortly." });
  });
});

describe("lockout with backoff (exact D1-style counters)", () => {
  const answerOf = async (r: Response) => ({ status: r.status, retryAfter: r.headers.get("Retry-After"), body: await r.json() });

  it("locks an identifier after 5 failures, refuses even the right password, and unlocks after the backoff", async () => {
    const { send, clock } = throttledApp();
    const { username } = await registerUser((p, i) => send(p, i));
    for (let i = 0; i < 5; i++) expect((await send("/auth/login", login(username, `wrong password ${i}`))).status).toBe(401);
    const deriveBits = vi.spyOn(crypto.subtle, "deriveBits");
    await expectRateLimited(await send("/auth/login", login(username, STRONG_PASSWORD)), "30");
    expect(deriveBits).not.toHaveBeenCalled();
    clock.advance(29);
    await expectRateLimited(await send("/auth/login", login(username, STRONG_PASSWORD)), "1");
    clock.advance(1);
    expect((await send("/auth/login", login(username, STRONG_PASSWORD))).status).toBe(200);
  });

  it("doubles the lock with each further failure, up to 15 minutes", async () => {
    const { send, clock } = throttledApp();
    const name = uniqueName("victim");
    for (let i = 0; i < 5; i++) await send("/auth/login", login(name, "wrong password"));
    const locks: string[] = [];
    for (let i = 0; i < 7; i++) {
      const refused = await send("/auth/login", login(name, "wrong password"));
      expect(refused.status).toBe(429);
      locks.push(refused.headers.get("Retry-After")!);
      clock.advance(Number(locks.at(-1)));
      expect((await send("/auth/login", login(name, "wrong password"))).status).toBe(401);
    }
    expect(locks).toEqual(["30", "60", "120", "240", "480", "900", "900"]);
  });

  it("resets the counter on success", async () => {
    const { send, attempts } = throttledApp();
    const { username } = await registerUser((p, i) => send(p, i));
    for (let i = 0; i < 4; i++) await send("/auth/login", login(username, "wrong password"));
    expect((await send("/auth/login", login(username, STRONG_PASSWORD))).status).toBe(200);
    expect(attempts.rows.size).toBe(0);
    for (let i = 0; i < 4; i++) expect((await send("/auth/login", login(username, "wrong password"))).status).toBe(401);
    expect((await send("/auth/login", login(username, STRONG_PASSWORD))).status).toBe(200);
  });

  it("gives existing and unknown identifiers the same answers, attempt by attempt", async () => {
    const { send } = throttledApp();
    const { username } = await registerUser((p, i) => send(p, i));
    const ghost = uniqueName("ghost");
    for (let i = 0; i < 7; i++) {
      const real = await answerOf(await send("/auth/login", login(username, "wrong password")));
      const unknown = await answerOf(await send("/auth/login", login(ghost, "wrong password")));
      expect(unknown).toEqual(real);
      expect(real.status).toBe(i < 5 ? 401 : 429);
    }
  });

  it("records login failures, the lockout and the success in the audit trail, without secrets", async () => {
    const { send, clock, audit } = throttledApp();
    const { username, user } = await registerUser((p, i) => send(p, i));
    for (let i = 0; i < 5; i++) await send("/auth/login", login(username, "Tr0ub4dor&3-guess"));
    clock.advance(30);
    await send("/auth/login", login(username, STRONG_PASSWORD));
    expect(audit.events.map((e) => e.event)).toEqual(["login_failure", "login_failure", "login_failure", "login_failure", "login_failure", "lockout", "login_success"]);
    expect(audit.events.every((e) => e.userId === user.id && e.ip === "203.0.113.7" && /^[A-Za-z0-9_-]{32}$/.test(e.subject!))).toBe(true);
    expect(audit.events[5]!.detail).toEqual({ failures: 5, locked_until: clock.ms });
    for (const secretOrTyped of ["Tr0ub4dor&3-guess", STRONG_PASSWORD, username]) expect(JSON.stringify(audit.events)).not.toContain(secretOrTyped);
  });
});

describe("lockout on the real D1 counters", () => {
  it("locks after 5 failures, answers 429 for the right password, and writes audit rows", async () => {
    const app = createApp();
    const send = (path: string, init?: RequestInit) => app.request(path, init, testEnv);
    const { username, user } = await registerUser(send);
    for (let i = 0; i < 5; i++) expect((await send("/auth/login", login(username, "wrong password"))).status).toBe(401);
    await expectRateLimited(await send("/auth/login", login(username, STRONG_PASSWORD)), "30");
    const rows = await env.DB.prepare("SELECT event, detail FROM audit_events WHERE user_id = ? ORDER BY id").bind(user.id).all<{ event: string; detail: string }>();
    expect(rows.results.map((r) => r.event)).toEqual(["login_failure", "login_failure", "login_failure", "login_failure", "login_failure", "lockout"]);
    expect(JSON.parse(rows.results[5]!.detail)).toEqual({ failures: 5, locked_until: expect.any(Number) });
  });
});
