// Throttling and lockout: the Rate Limiting port (a fake here, so limits are exact) and the D1
// lockout counters, both checked before any password hashing, for every throttled capability.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createApp } from "../../src/app";
import { envWith, json, registerUser, STRONG_PASSWORD, TestClock, testEnv, uniqueName } from "../helpers";
import {
  BINDING_LIMITS, countingLimiter, expectRateLimited, expectRefreshed, login, productionLimits, TEST_IP, throttledApp,
} from "./throttle-support";

afterEach(() => vi.restoreAllMocks());

describe("rate limiting per client IP", () => {
  const INVALID_GRANT = { error: "invalid_grant", error_description: "The refresh token is invalid, expired or revoked." };
  const INVALID_CREDENTIALS = { error: "invalid_credentials", error_description: "The username/email or password is incorrect." };
  it.each([
    ["login", "/auth/login", () => login("someone", "whatever password"), "perClient", 401, INVALID_CREDENTIALS],
    ["register", "/auth/register", () => json({ username: uniqueName(), password: STRONG_PASSWORD, mode: "cookie" }), "perClient", 201, undefined],
    ["refresh", "/auth/refresh", () => json({ refresh_token: "a.0.b.c" }), "refreshPerClient", 401, INVALID_GRANT],
  ] as const)("answers 429 rate_limited with Retry-After on %s once the IP is over its limit, before hashing", async (action, path, body, limiter, otherStatus, otherBody) => {
    const perClient = countingLimiter(2);
    const { send } = throttledApp({ [limiter]: perClient });
    await send(path, body());
    await send(path, body());
    const deriveBits = vi.spyOn(crypto.subtle, "deriveBits");
    await expectRateLimited(await send(path, body()), "60");
    expect(deriveBits).not.toHaveBeenCalled();
    expect(perClient.counts.get(`${action}:${TEST_IP}`)).toBe(3);
    // Another client is not affected: it gets the answer its request deserves.
    const other = await send(path, body(), "198.51.100.9");
    expect(other.status).toBe(otherStatus);
    if (otherBody) expect(await other.json()).toEqual(otherBody);
    else {
      // Cookie mode: the success sets the cookies that the refusal above did not.
      expect(await other.json()).toMatchObject({ user: { id: expect.any(String) }, token_type: "Bearer" });
      expect(other.headers.get("Set-Cookie")).toContain("edge_access=");
    }
  });

  it("keys an IPv6 client by its /64, so one host cannot rotate through its own addresses", async () => {
    const perClient = countingLimiter(2);
    const { send } = throttledApp({ perClient });
    await send("/auth/login", login("someone", "whatever password"), "2001:db8:1:2::1");
    await send("/auth/login", login("someone", "whatever password"), "2001:db8:1:2:aaaa::2");
    await expectRateLimited(await send("/auth/login", login("someone", "whatever password"), "2001:0db8:0001:0002:ffff:ffff:ffff:ffff"), "60");
    expect([...perClient.counts]).toEqual([["login:2001:db8:1:2::/64", 3]]);
    expect((await send("/auth/login", login("someone", "whatever password"), "2001:db8:1:3::1")).status).toBe(401);
  });
});

describe("requests without CF-Connecting-IP (a Service Binding call, an in-process test)", () => {
  it("share one explicit per-IP bucket, 'unknown', and say so in the log", async () => {
    const perClient = countingLimiter(2);
    const { send } = throttledApp({ perClient });
    const log = vi.spyOn(console, "log");
    expect((await send("/auth/login", login("someone", "whatever password"), null)).status).toBe(401);
    expect((await send("/auth/login", login("someone", "whatever password"), null)).status).toBe(401);
    await expectRateLimited(await send("/auth/login", login("someone", "whatever password"), null), "60");
    expect([...perClient.counts]).toEqual([["login:unknown", 3]]);
    const lines = log.mock.calls.map(([line]) => JSON.parse(String(line)) as Record<string, unknown>);
    expect(lines.filter((line) => line.event === "client_ip_unknown")).toEqual(Array(3).fill({ level: "info", event: "client_ip_unknown", action: "login" }));
    // A client with an address has its own bucket.
    expect((await send("/auth/login", login("someone", "whatever password"), "192.0.2.44")).status).toBe(401);
  });
});

describe("refresh throttles that fit gateways and shared addresses", () => {
  async function sessions(send: ReturnType<typeof throttledApp>["send"], count: number) {
    const tokens: string[] = [];
    // Registered from their own addresses; only the refreshes below share one.
    for (let i = 0; i < count; i++) tokens.push((await registerUser((p, init) => send(p, init, `192.0.2.${i + 1}`))).refresh_token);
    return tokens;
  }

  it("lets one address refresh 50 sessions at 200 a minute for 3 minutes without a single 429", async () => {
    const clock = new TestClock();
    const { send } = throttledApp(productionLimits(clock), { clock, env: envWith({ PASSWORD_ITERATIONS: "1000" }) });
    const tokens = await sessions(send, 50);
    for (let i = 0; i < 600; i++) {
      const which = i % tokens.length;
      const { refresh_token } = await expectRefreshed(await send("/auth/refresh", json({ refresh_token: tokens[which] }), "198.51.100.20"));
      tokens[which] = refresh_token;
      clock.advance(0.3); // 200 per minute
    }
  });

  it("does not let a neighbour's junk spend the refresh budget of the address", async () => {
    const clock = new TestClock();
    const { send } = throttledApp(productionLimits(clock), { clock });
    const [token] = await sessions(send, 1);
    for (let i = 0; i < 100; i++) {
      const junk = await send("/auth/refresh", json({ refresh_token: `forged${i}.0.secret.mac` }), "198.51.100.20");
      expect([junk.status, await junk.json()]).toEqual([401, { error: "invalid_grant", error_description: "The refresh token is invalid, expired or revoked." }]);
    }
    await expectRefreshed(await send("/auth/refresh", json({ refresh_token: token }), "198.51.100.20"));
  });

  it("binds the limits the README states", () => {
    expect(BINDING_LIMITS).toEqual({ LOGIN_LIMITER: 10, IP_LIMITER: 60, REFRESH_IP_LIMITER: 1000, REFRESH_SESSION_LIMITER: 60 });
  });

  it("throttles one session hammering refresh, keyed by its session id, and leaves the others alone", async () => {
    const clock = new TestClock();
    const limits = { ...productionLimits(clock), refreshPerSession: countingLimiter(BINDING_LIMITS.REFRESH_SESSION_LIMITER!) };
    const { send } = throttledApp(limits, { clock });
    let [token, other] = await sessions(send, 2);
    for (let i = 0; i < 60; i++) token = (await expectRefreshed(await send("/auth/refresh", json({ refresh_token: token }), "198.51.100.20"))).refresh_token;
    await expectRateLimited(await send("/auth/refresh", json({ refresh_token: token }), "198.51.100.20"), "60");
    await expectRateLimited(await send("/auth/refresh", json({ refresh_token: token }), "192.0.2.200"), "60"); // from any address
    await expectRefreshed(await send("/auth/refresh", json({ refresh_token: other }), "198.51.100.20"));
    const sid = token!.split(".")[0];
    expect(limits.refreshPerSession.counts.get(`refresh:${sid}`)).toBe(62);
  });

  it("lets 50 concurrent redemptions of one token through (all 200, one successor, which then works)", async () => {
    const clock = new TestClock();
    const { send } = throttledApp(productionLimits(clock), { clock });
    const [token] = await sessions(send, 1);
    const answers = await Promise.all(Array.from({ length: 50 }, () => send("/auth/refresh", json({ refresh_token: token }), "198.51.100.20")));
    const successors = new Set((await Promise.all(answers.map(expectRefreshed))).map((b) => b.refresh_token));
    expect(successors.size).toBe(1);
    await expectRefreshed(await send("/auth/refresh", json({ refresh_token: [...successors][0] }), "198.51.100.20"));
  });

  it.each([
    ["SimpleJWT", "/api/token/", (u: string) => json({ username: u, password: STRONG_PASSWORD }), "/api/token/refresh/", (t: string) => json({ refresh: t }), (b: Record<string, string>) => b.refresh!, { detail: "Too many requests. Try again later." }],
    ["v1 API", "/api/v1/auth/login", (u: string) => json({ username: u, password: STRONG_PASSWORD }), "/api/v1/auth/refresh", (t: string) => json({ refresh_token: t }), (b: Record<string, string>) => b.refresh_token!, { error: "rate_limited", message: "Too many requests. Try again later.", code: 429 }],
  ] as const)("throttles a %s session hammering its refresh endpoint the same way", async (_name, loginPath, loginBody, refreshPath, refreshBody, tokenOf, throttledBody) => {
    const limits = { refreshPerSession: countingLimiter(3) };
    const { send } = throttledApp(limits);
    const { username } = await registerUser((p, init) => send(p, init, "192.0.2.9"));
    const started = await send(loginPath, loginBody(username));
    expect(started.status).toBe(200);
    let token = tokenOf((await started.json()) as Record<string, string>);
    for (let i = 0; i < 3; i++) {
      const refreshed = await send(refreshPath, refreshBody(token));
      expect(refreshed.status).toBe(200);
      token = tokenOf((await refreshed.json()) as Record<string, string>);
    }
    const refused = await send(refreshPath, refreshBody(token));
    expect([refused.status, refused.headers.get("Retry-After")]).toEqual([429, "60"]);
    expect(await refused.json()).toEqual(throttledBody);
    expect([...limits.refreshPerSession.counts.keys()]).toEqual([`refresh:${token.split(".")[0]}`]);
  });
});

describe("the reads before a credential check", () => {
  it("reads the account and the lockout state only after the limiter let the login through", async () => {
    const { send, users, attempts } = throttledApp({ perClient: countingLimiter(1) });
    const findByIdentifier = vi.spyOn(users, "findByIdentifier");
    const lockedUntil = vi.spyOn(attempts, "lockState");
    expect((await send("/auth/login", login("someone", "whatever password"))).status).toBe(401);
    expect([findByIdentifier.mock.calls, lockedUntil.mock.calls.length]).toEqual([[["someone"]], 1]);
    await expectRateLimited(await send("/auth/login", login("someone", "whatever password")), "60");
    expect([findByIdentifier.mock.calls.length, lockedUntil.mock.calls.length]).toEqual([1, 1]);
  });

  it("reads the account while the lockout read is in flight (one round trip, not two)", async () => {
    const { send, users, attempts } = throttledApp();
    const findByIdentifier = vi.spyOn(users, "findByIdentifier");
    let accountReadStarted: boolean | undefined;
    vi.spyOn(attempts, "lockState").mockImplementation(async (subjects) => {
      await new Promise((resolve) => setTimeout(resolve, 0));
      accountReadStarted = findByIdentifier.mock.calls.length === 1;
      return { counter: subjects[0]!, lockedUntil: null };
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

  it("does not read the account for a stranger over the identifier's limit (one lockout read decides)", async () => {
    const { send, users, attempts } = throttledApp({ perIdentifier: countingLimiter(1) });
    const findByIdentifier = vi.spyOn(users, "findByIdentifier");
    const lockState = vi.spyOn(attempts, "lockState");
    expect((await send("/auth/login", login("someone", "whatever password"))).status).toBe(401);
    await expectRateLimited(await send("/auth/login", login("someone", "whatever password")), "60");
    expect([findByIdentifier.mock.calls.length, lockState.mock.calls.length]).toEqual([1, 2]);
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
