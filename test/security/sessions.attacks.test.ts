// Security regression suite, refresh tokens and credentials: replay and family revocation,
// forged tokens naming real sessions, concurrent redemptions, and account enumeration.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { memoryAuditStore, memoryLoginAttemptStore } from "../../src/storage/memory-security";
import { json, memoryApp, realApp, registerUser, STRONG_PASSWORD, testEnv, uniqueName } from "../helpers";

const request = (path: string, init?: RequestInit) => realApp.request(path, init, testEnv);
const refresh = (refresh_token: string, send = request) => send("/auth/refresh", json({ refresh_token }));
const INVALID_GRANT = { error: "invalid_grant", error_description: "The refresh token is invalid, expired or revoked." };

async function expectInvalidGrant(response: Response) {
  expect(response.status).toBe(401);
  expect(response.headers.get("Set-Cookie")).toBeNull();
  expect(await response.json()).toEqual(INVALID_GRANT);
}

afterEach(() => vi.restoreAllMocks());

describe("attack: refresh token replay", () => {
  it("revokes the whole family when a rotated token comes back after the reuse interval", async () => {
    const audit = memoryAuditStore();
    const { request: send, clock } = memoryApp(undefined, { audit, attempts: memoryLoginAttemptStore(audit) });
    const first = await registerUser(send);
    const second = (await (await refresh(first.refresh_token, send)).json()) as { refresh_token: string; access_token: string };
    clock.advance(11);
    await expectInvalidGrant(await refresh(first.refresh_token, send));
    // The family is gone: the legitimate holder's newer tokens stop working too.
    await expectInvalidGrant(await refresh(second.refresh_token, send));
    expect((await send("/auth/me", { headers: { Authorization: `Bearer ${second.access_token}` } })).status).toBe(401);
    expect(audit.events.map((e) => [e.event, e.userId])).toContainEqual(["refresh_reuse_detected", first.user.id]);
  });
});

describe("attack: forged refresh token naming a real session", () => {
  it.each([
    ["another secret and MAC", (sid: string, gen: string, secret: string, mac: string) => `${sid}.${gen}.${"A".repeat(43)}.${mac}`],
    ["a later generation", (sid: string, _gen: string, secret: string, mac: string) => `${sid}.7.${secret}.${mac}`],
    ["an earlier generation (would look like reuse)", (sid: string, _gen: string, secret: string, mac: string) => `${sid}.0.${secret}.${mac}`],
    ["a MAC of zeros", (sid: string, gen: string, secret: string) => `${sid}.${gen}.${secret}.${"A".repeat(43)}`],
  ])("refuses %s and leaves the session working", async (_, forge) => {
    const first = await registerUser(request);
    const rotated = (await (await refresh(first.refresh_token)).json()) as { refresh_token: string };
    const [sid, gen, secret, mac] = rotated.refresh_token.split(".") as [string, string, string, string];
    await expectInvalidGrant(await refresh(forge(sid, gen, secret, mac)));
    const still = await refresh(rotated.refresh_token);
    expect(still.status).toBe(200);
  });
});

describe("attack: concurrent redemptions", () => {
  it("answers 50 parallel redemptions of one token with one successor and keeps the session", async () => {
    const { refresh_token } = await registerUser(request);
    const responses = await Promise.all(Array.from({ length: 50 }, () => refresh(refresh_token)));
    expect(responses.map((r) => r.status)).toEqual(Array(50).fill(200));
    const successors = new Set(await Promise.all(responses.map(async (r) => ((await r.json()) as { refresh_token: string }).refresh_token)));
    expect(successors.size).toBe(1);
    const [successor] = [...successors] as [string];
    expect(successor.split(".")[1]).toBe("1");
    expect((await refresh(successor)).status).toBe(200);
  });
});

describe("attack: account enumeration", () => {
  const headersOf = (r: Response) => Object.fromEntries(r.headers);

  it("answers unknown user, wrong password and disabled account identically, after hashing in each case", async () => {
    const known = await registerUser(request);
    const disabled = await registerUser(request);
    await env.DB.prepare("UPDATE users SET is_active = 0 WHERE id = ?").bind(disabled.user.id).run();
    const deriveBits = vi.spyOn(crypto.subtle, "deriveBits");
    const answers = [];
    for (const username of [uniqueName("ghost"), known.username, disabled.username]) {
      const before = deriveBits.mock.calls.length;
      const response = await request("/auth/login", json({ username, password: "not the password at all" }));
      answers.push({ status: response.status, body: await response.json(), headers: headersOf(response), kdfCalls: deriveBits.mock.calls.length - before });
    }
    expect(answers[0]).toEqual({
      status: 401,
      body: { error: "invalid_credentials", error_description: "The username/email or password is incorrect." },
      headers: expect.objectContaining({ "cache-control": "no-store", "content-type": "application/json" }),
      kdfCalls: 1,
    });
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[2]).toEqual(answers[0]);
  });

  it("hashes a correct password exactly once too, so success costs what failure costs", async () => {
    const known = await registerUser(request);
    const deriveBits = vi.spyOn(crypto.subtle, "deriveBits");
    const response = await request("/auth/login", json({ username: known.username, password: STRONG_PASSWORD }));
    expect(response.status).toBe(200);
    expect(deriveBits).toHaveBeenCalledTimes(1);
  });
});
