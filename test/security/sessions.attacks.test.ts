// Security regression suite in workerd, where the clock and the KDF can be watched: refresh replay
// after the reuse interval, and enumeration with evidence of hashing work. The clock-free classes
// (forged refresh tokens, 50 concurrent redemptions, ...) run over HTTP in test/e2e/attacks.test.ts.
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
