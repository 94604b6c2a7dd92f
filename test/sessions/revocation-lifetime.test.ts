// A revocation holds for the session's whole remaining life, not only for the lifetime of its
// access tokens: a record written back after the revoke (a rotation or a cookie-session slide that
// read it before, or a delete that KV refused) must never bring the session back.
import { describe, expect, it } from "vitest";
import { memorySessionStore } from "../../src/storage/memory";
import type { SessionRecord } from "../../src/storage/ports";
import { json, memoryApp, registerUser, STRONG_PASSWORD } from "../helpers";
import { cookieHeader, cookieValue } from "../profiles/support";

const INVALID_GRANT = { error: "invalid_grant", error_description: "The refresh token is invalid, expired or revoked." };
const HOUR = 3600;
const DAY = 86_400;

const sidOf = (credential: string) => credential.slice(0, credential.indexOf("."));

/** Writes back a record read before the revoke, as a racing rotation or slide would. */
async function writeBack(stores: ReturnType<typeof memoryApp>["stores"], record: SessionRecord, now: number) {
  await stores.sessions.put(record, (record.expiresAt - now) / 1000);
}

describe("a revoked session whose record is written back after the revoke", () => {
  it("refuses the refresh token past the longest access-token lifetime and until the record's own end", async () => {
    const h = memoryApp();
    const first = await registerUser(h.request);
    const before = (await h.stores.sessions.get(sidOf(first.refresh_token)))!;
    const logout = await h.request("/auth/logout", json({}, { headers: { Authorization: `Bearer ${first.access_token}` } }));
    expect(logout.status).toBe(204);
    await writeBack(h.stores, before, h.clock.ms);
    for (const seconds of [HOUR + 60, 13 * DAY]) {
      h.clock.advance(seconds);
      const refresh = await h.request("/auth/refresh", json({ refresh_token: first.refresh_token }));
      expect([refresh.status, await refresh.json()]).toEqual([401, INVALID_GRANT]);
    }
  });

  it("refuses a rotation written back after reuse detection revoked the family", async () => {
    const h = memoryApp();
    const first = await registerUser(h.request);
    const second = (await (await h.request("/auth/refresh", json({ refresh_token: first.refresh_token }))).json()) as { refresh_token: string };
    const rotated = (await h.stores.sessions.get(sidOf(first.refresh_token)))!;
    h.clock.advance(11);
    const replay = await h.request("/auth/refresh", json({ refresh_token: first.refresh_token }));
    expect([replay.status, await replay.json()]).toEqual([401, INVALID_GRANT]);
    await writeBack(h.stores, rotated, h.clock.ms);
    h.clock.advance(HOUR + 60);
    const thief = await h.request("/auth/refresh", json({ refresh_token: second.refresh_token }));
    expect([thief.status, await thief.json()]).toEqual([401, INVALID_GRANT]);
  });

  it("refuses a cookie session (seed 004) whose slid record is written back after its logout", async () => {
    const h = memoryApp();
    const { username } = await registerUser(h.request);
    const login = await h.request("/api/login/", json({ username, password: STRONG_PASSWORD }));
    expect(login.status).toBe(200);
    const { csrf_token } = (await login.json()) as { csrf_token: string };
    const cookie = cookieHeader(login);
    const sid = sidOf(cookieValue(login, "sessionid")!);
    const before = (await h.stores.sessions.get(sid))!;
    const logout = await h.request("/api/logout/", { method: "POST", headers: { Cookie: cookie, "X-CSRFToken": csrf_token } });
    expect(logout.status).toBe(200);
    await writeBack(h.stores, { ...before, lastUsedAt: h.clock.ms, expiresAt: h.clock.ms + 14 * DAY * 1000 }, h.clock.ms);
    for (const seconds of [HOUR + 60, 13 * DAY]) {
      h.clock.advance(seconds);
      const me = await h.request("/api/user/", { headers: { Cookie: cookie } });
      expect([me.status, await me.json(), me.headers.get("WWW-Authenticate")]).toEqual([
        401,
        { detail: "Authentication credentials were not provided." },
        'Session realm="edge-auth"',
      ]);
    }
  });

  it("keeps the marker until the session's absolute end plus the longest access-token lifetime, and no longer", async () => {
    const h = memoryApp();
    const createdAt = h.clock.ms;
    const first = await registerUser(h.request);
    h.clock.advance(DAY);
    await h.request("/auth/refresh", json({ refresh_token: first.refresh_token }));
    h.clock.advance(11);
    expect((await h.request("/auth/refresh", json({ refresh_token: first.refresh_token }))).status).toBe(401);
    const marker = (h.stores.sessions as ReturnType<typeof memorySessionStore>).entries.get(`revoked:${sidOf(first.refresh_token)}`);
    // SESSION_MAX_AGE (30 days) from the login, plus seed 002's 3600 s access tokens.
    expect(marker?.expiresAt).toBe(createdAt + (30 * DAY + HOUR) * 1000);
  });
});
