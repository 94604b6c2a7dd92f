// The lockout's bound on denial of service, over 24 simulated hours of a patient attacker who fails
// once whenever Retry-After allows: the rightful user, from a source that logged in before, gets
// in at any time; an unknown source meets a lock that never exceeds the cap and answers the same
// for real and unknown accounts; the counters stay bounded. Memory twins and the D1 adapter both.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { d1LoginAttemptStore } from "../../src/storage/d1-security";
import { LOCKOUT } from "../../src/throttling/lockout-policy";
import { envWith, registerUser, STRONG_PASSWORD, TestClock, uniqueName } from "../helpers";
import { expectRateLimited, login, productionLimits, throttledApp } from "./throttle-support";

const HOME = "192.0.2.10"; // where the rightful user has logged in before
const HOME_V6 = ["2001:db8:aa:bb::1", "2001:db8:aa:bb:ffff::77"]; // one /64
const ATTACKER = "203.0.113.66";
const NEW_DEVICE = "198.51.100.77";
const INVALID_CREDENTIALS = { error: "invalid_credentials", error_description: "The username/email or password is incorrect." };
const HOUR = 3600;

afterEach(() => vi.restoreAllMocks());

const answerOf = async (r: Response) => ({ status: r.status, retryAfter: r.headers.get("Retry-After"), body: await r.json() });

describe.each([
  ["memory twins", () => undefined],
  ["the D1 adapter", () => d1LoginAttemptStore(env.DB)],
])("24 hours of a patient attacker (%s)", (_name, attemptsStore) => {
  it("never locks out the rightful user's known source, caps every lock, and keeps the counters bounded", async () => {
    const clock = new TestClock(Date.UTC(2031, 0, 1) + Math.floor(Math.random() * 1e9));
    const start = clock.ms;
    const d1 = attemptsStore();
    const { send, attempts } = throttledApp(productionLimits(clock), { clock, attempts: d1, env: envWith({ PASSWORD_ITERATIONS: "1000" }) });
    const { username } = await registerUser((p, init) => send(p, init, HOME));
    const ghost = uniqueName("ghost"); // attacked the same way, has no account
    expect((await send("/auth/login", login(username, STRONG_PASSWORD), HOME)).status).toBe(200);

    const locks: number[] = [];
    let guesses = 0;
    let nextCheck = start + HOUR * 1000;
    while (clock.ms < start + 24 * HOUR * 1000) {
      const attack = await send("/auth/login", login(username, "wrong password"), ATTACKER);
      const ghostAttack = await answerOf(await send("/auth/login", login(ghost, "wrong password"), ATTACKER));
      const real = await answerOf(attack);
      expect(ghostAttack).toEqual(real); // a lock reveals nothing about the account
      if (real.status === 401) {
        expect(real.body).toEqual(INVALID_CREDENTIALS);
        guesses += 1;
        continue; // try again at once
      }
      expect([real.status, real.body]).toEqual([429, { error: "rate_limited", error_description: "Too many requests. Try again later." }]);
      locks.push(Number(real.retryAfter));
      // Once an hour, mid-lock: the rightful user from home, and from a device never used before.
      clock.advance(Number(real.retryAfter) / 2);
      if (clock.ms >= nextCheck) {
        nextCheck += HOUR * 1000;
        const home = await send("/auth/login", login(username, STRONG_PASSWORD), HOME);
        expect([home.status, ((await home.json()) as { token_type?: unknown }).token_type, home.headers.get("Set-Cookie")]).toEqual([200, "Bearer", expect.stringContaining("edge_access=")]);
        const fresh = await answerOf(await send("/auth/login", login(username, STRONG_PASSWORD), NEW_DEVICE));
        expect(fresh.status).toBe(429);
        expect(Number(fresh.retryAfter)).toBeLessThanOrEqual(LOCKOUT.maxLockMs / 1000);
      }
      clock.advance(Number(real.retryAfter) / 2);
    }

    expect(Math.max(...locks)).toBe(LOCKOUT.maxLockMs / 1000); // never above the 15-minute cap
    // At most one guess per decay period once the lock is at its cap: about 100 a day.
    expect(guesses).toBeLessThanOrEqual(LOCKOUT.maxFailures + 24 * 4);
    expect(guesses).toBeGreaterThanOrEqual(24 * 4);
    if (!d1) {
      // The two identifiers' counters; the home source's counter was cleared by each success.
      expect(attempts.rows.size).toBe(2);
      expect(Math.max(...[...attempts.rows.values()].map((r) => r.failures))).toBe(LOCKOUT.maxFailures);
      expect(attempts.sources.size).toBe(1);
    } else {
      const rows = await env.DB.prepare("SELECT failures FROM login_throttle WHERE updated_at >= ?").bind(start).all<{ failures: number }>();
      expect(rows.results.map((r) => r.failures)).toEqual([LOCKOUT.maxFailures, LOCKOUT.maxFailures]);
      const sources = await env.DB.prepare("SELECT COUNT(*) AS n FROM login_sources WHERE expires_at > ?").bind(clock.ms + 29 * 24 * HOUR * 1000).first<{ n: number }>();
      expect(sources?.n).toBe(1);
    }
  }, 60_000);
});

describe("the known-source exception", () => {
  async function lockedAccount() {
    const { send, clock, attempts, audit } = throttledApp();
    const { username } = await registerUser((p, init) => send(p, init, HOME));
    expect((await send("/auth/login", login(username, STRONG_PASSWORD), HOME_V6[0])).status).toBe(200);
    for (let i = 0; i < 5; i++) expect((await send("/auth/login", login(username, "wrong password"), ATTACKER)).status).toBe(401);
    return { send, clock, attempts, audit, username };
  }

  it("recognises a source by its /64 (IPv6) and still checks the password", async () => {
    const { send, username } = await lockedAccount();
    await expectRateLimited(await send("/auth/login", login(username, STRONG_PASSWORD), NEW_DEVICE), "30");
    expect((await send("/auth/login", login(username, STRONG_PASSWORD), HOME_V6[1])).status).toBe(200);
    expect(await answerOf(await send("/auth/login", login(username, "wrong password"), HOME_V6[1]))).toEqual({ status: 401, retryAfter: null, body: INVALID_CREDENTIALS });
  });

  it("counts a known source's failures on its own counter, with the same backoff", async () => {
    const { send, audit, username } = await lockedAccount();
    const before = audit.events.filter((e) => e.event === "login_failure").length;
    for (let i = 0; i < 5; i++) expect((await send("/auth/login", login(username, "wrong password"), HOME_V6[1])).status).toBe(401);
    await expectRateLimited(await send("/auth/login", login(username, STRONG_PASSWORD), HOME_V6[1]), "30");
    expect(audit.events.filter((e) => e.event === "login_failure").length).toBe(before + 5);
  });

  it("gives no exception to requests without a client address (they cannot be told apart)", async () => {
    const { send, username } = await lockedAccount();
    expect((await send("/auth/login", login(username, STRONG_PASSWORD), null)).status).toBe(429);
    const { send: send2 } = throttledApp();
    const other = await registerUser((p, init) => send2(p, init, null));
    expect((await send2("/auth/login", login(other.username, STRONG_PASSWORD), null)).status).toBe(200);
    for (let i = 0; i < 5; i++) await send2("/auth/login", login(other.username, "wrong password"), ATTACKER);
    await expectRateLimited(await send2("/auth/login", login(other.username, STRONG_PASSWORD), null), "30");
  });

  it("forgets a source 30 days after its last success", async () => {
    const { send, clock, username } = await lockedAccount();
    clock.advance(30 * 24 * HOUR);
    for (let i = 0; i < 5; i++) await send("/auth/login", login(username, "wrong password"), ATTACKER);
    await expectRateLimited(await send("/auth/login", login(username, STRONG_PASSWORD), HOME_V6[1]), "30");
  });
});

describe("the lock decays once the failures stop", () => {
  it("forgives one failure per quiet 15 minutes and forgets the streak when it has decayed", async () => {
    const { send, clock, attempts } = throttledApp();
    const name = uniqueName("decay");
    for (let failures = 0; failures < LOCKOUT.maxFailures; ) {
      const r = await send("/auth/login", login(name, "wrong password"), ATTACKER);
      if (r.status === 401) failures += 1;
      else clock.advance(Number(r.headers.get("Retry-After")));
    }
    await expectRateLimited(await send("/auth/login", login(name, "wrong password"), ATTACKER), "900");
    // 45 quiet minutes forgive three of the ten: the next failure is the 8th, locked 240 s, not 900.
    clock.advance(45 * 60);
    expect((await send("/auth/login", login(name, "wrong password"), ATTACKER)).status).toBe(401);
    await expectRateLimited(await send("/auth/login", login(name, "wrong password"), ATTACKER), "240");
    // 150 quiet minutes forgive the whole streak: the row is purged, and one failure does not lock.
    clock.advance(150 * 60);
    expect((await send("/auth/login", login(uniqueName("other"), "wrong password"), ATTACKER)).status).toBe(401); // purges
    expect([...attempts.rows.values()].map((r) => r.failures)).toEqual([1]);
    expect((await send("/auth/login", login(name, "wrong password"), ATTACKER)).status).toBe(401);
    expect((await send("/auth/login", login(name, "wrong password"), ATTACKER)).status).toBe(401);
  });
});

describe("the per-identifier rate limit under a stranger's flood", () => {
  it("still lets a known source through (held to its own limit), while strangers meet 429", async () => {
    const clock = new TestClock();
    const limits = productionLimits(clock);
    const { send } = throttledApp(limits, { clock });
    const { username } = await registerUser((p, init) => send(p, init, HOME));
    expect((await send("/auth/login", login(username, STRONG_PASSWORD), HOME)).status).toBe(200);
    // Ten a minute from ten addresses (each well under its own per-client limit) fill LOGIN_LIMITER.
    for (let i = 0; i < 12; i++) await send("/auth/login", login(username, "wrong password"), `203.0.113.${i + 1}`);
    await expectRateLimited(await send("/auth/login", login(username, STRONG_PASSWORD), NEW_DEVICE), "60");
    const home = await send("/auth/login", login(username, STRONG_PASSWORD), HOME);
    expect([home.status, ((await home.json()) as { token_type?: unknown }).token_type, home.headers.get("Set-Cookie")]).toEqual([200, "Bearer", expect.stringContaining("edge_access=")]);
    // The known source has its own LOGIN_LIMITER budget, not an unlimited one.
    for (let i = 0; i < 9; i++) await send("/auth/login", login(username, "wrong password"), HOME);
    await expectRateLimited(await send("/auth/login", login(username, STRONG_PASSWORD), HOME), "60");
  });
});
