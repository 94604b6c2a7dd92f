// The session index against time and KV's view of it, over the memory twins and a TestClock
// (real KV TTLs cannot be driven), plus the shared functions on real local D1/KV: expired and
// revoked sessions are not listed and their rows are pruned, a session KV has not shown yet is
// listed from its row for a bounded time, and endEveryUserSession ends every session.
import { env } from "cloudflare:workers";
import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { buildRuntime } from "../../src/runtime";
import { endEveryUserSession, endUserSession, listUserSessions, UNSEEN_RECORD_GRACE_MS } from "../../src/sessions/session-index";
import type { SessionIndexEntry } from "../../src/storage/ports";
import { memorySessionIndex } from "../../src/storage/memory-session-index";
import { cookieHeader } from "../profiles/support";
import { json, memoryApp, realApp, registerUser, STRONG_PASSWORD, TestClock, testEnv } from "../helpers";

const sidOf = (accessToken: string) => decodeJwt(accessToken).sid as string;
const DAY = 86_400;

function setup() {
  const sessionIndex = memorySessionIndex();
  const memory = memoryApp(new TestClock(), { sessionIndex });
  const runtime = () => buildRuntime(testEnv, { stores: () => memory.stores, clock: memory.clock.now });
  const login = async (username: string) => (await (await memory.request("/auth/login", json({ username, password: STRONG_PASSWORD }))).json()) as { access_token: string };
  return { ...memory, sessionIndex, runtime, login };
}

const listed = async (rt: Awaited<ReturnType<ReturnType<typeof setup>["runtime"]>>, userId: string) => (await listUserSessions(rt, userId)).map((s) => s.id);

describe("which indexed sessions are listed (memory twins, TestClock)", () => {
  it("not one past its idle deadline; its row is pruned when the list meets it", async () => {
    const { request, clock, sessionIndex, runtime, login } = setup();
    const first = await registerUser(request);
    clock.advance(14 * DAY + 1);
    const second = await login(first.username);
    expect(await listed(await runtime(), first.user.id)).toEqual([sidOf(second.access_token)]);
    expect([...sessionIndex.rows.keys()]).toEqual([sidOf(second.access_token)]);
  });

  it("not one whose record is still in KV (TTLs are at least 60 s) but whose deadline has passed", async () => {
    const { request, clock, stores, runtime } = setup();
    const { user, access_token } = await registerUser(request);
    const sid = sidOf(access_token);
    const record = (await stores.sessions.get(sid))!;
    await stores.sessions.put({ ...record, expiresAt: clock.ms + 5_000 }, 5);
    clock.advance(6);
    expect(await stores.sessions.get(sid)).not.toBeNull();
    expect(await listed(await runtime(), user.id)).toEqual([]);
  });

  it("not one whose marker is set though its record could not be deleted; the row is pruned", async () => {
    const { request, stores, sessionIndex, runtime } = setup();
    const { user, access_token } = await registerUser(request);
    const sid = sidOf(access_token);
    const record = (await stores.sessions.get(sid))!;
    await stores.sessions.revoke(sid, 3600);
    await stores.sessions.put(record, 3600);
    expect(await listed(await runtime(), user.id)).toEqual([]);
    expect(sessionIndex.rows.size).toBe(0);
  });

  it("a row whose record KV does not show here yet: listed from the row for the grace period, then pruned", async () => {
    const { request, clock, sessionIndex, runtime } = setup();
    const { user, access_token } = await registerUser(request);
    const elsewhere: SessionIndexEntry = {
      sid: "BBBBBBBBBBBBBBBBBBBBBB", userId: user.id, clientId: "simplejwt", kind: "tokens", tokenVersion: 0, userAgent: null, createdAt: clock.ms, expiresAt: clock.ms + DAY * 1000,
    };
    await sessionIndex.add(elsewhere);
    const sessions = await listUserSessions(await runtime(), user.id);
    expect(sessions.find((s) => s.id === elsewhere.sid)).toEqual({
      id: elsewhere.sid, client_id: "simplejwt", created_at: new Date(clock.ms).toISOString(), last_used_at: new Date(clock.ms).toISOString(),
      expires_at: new Date(clock.ms + DAY * 1000).toISOString(), user_agent: null, kind: "tokens",
    });
    clock.advance(UNSEEN_RECORD_GRACE_MS / 1000);
    expect(await listed(await runtime(), user.id)).toEqual([sidOf(access_token)]);
    expect([...sessionIndex.rows.keys()]).toEqual([sidOf(access_token)]);
  });

  it("none of a disabled user's (rows kept: enabling the account brings them back); none of a user who is gone", async () => {
    const { request, stores, sessionIndex, runtime } = setup();
    const { user, access_token } = await registerUser(request);
    const users = stores.users as unknown as { rows: Map<string, { isActive: boolean }> };
    users.rows.get(user.id)!.isActive = false;
    expect(await listed(await runtime(), user.id)).toEqual([]);
    expect(sessionIndex.rows.size).toBe(1);
    users.rows.get(user.id)!.isActive = true;
    expect(await listed(await runtime(), user.id)).toEqual([sidOf(access_token)]);
    users.rows.delete(user.id);
    expect(await listed(await runtime(), user.id)).toEqual([]);
    expect(sessionIndex.rows.size).toBe(0);
  });

  it("a session opened while the list ran on a cached older token_version is kept, not pruned", async () => {
    const { request, stores, sessionIndex, runtime, login } = setup();
    const { user, username } = await registerUser(request);
    await stores.users.bumpTokenVersion(user.id, new Date().toISOString());
    const fresh = await login(username);
    const users = stores.users as unknown as { rows: Map<string, { tokenVersion: number }> };
    users.rows.get(user.id)!.tokenVersion = 0; // what a stale read of the user row would say
    expect(await listed(await runtime(), user.id)).toContain(sidOf(fresh.access_token));
    expect(sessionIndex.rows.has(sidOf(fresh.access_token))).toBe(true);
  });
});

describe("endUserSession and endEveryUserSession (real local D1 and KV)", () => {
  const request = async (path: string, init?: RequestInit) => realApp.request(path, init, testEnv);

  it("endUserSession ends only a live session of that user", async () => {
    const rt = await buildRuntime(testEnv);
    const [alice, bob] = [await registerUser(request), await registerUser(request)];
    expect(await endUserSession(rt, bob.user.id, sidOf(alice.access_token), "test")).toBe(false);
    expect((await request("/auth/refresh", json({ refresh_token: alice.refresh_token }))).status).toBe(200);
    expect(await endUserSession(rt, alice.user.id, sidOf(alice.access_token), "test")).toBe(true);
    expect(await endUserSession(rt, alice.user.id, sidOf(alice.access_token), "test")).toBe(false);
  });

  it("endEveryUserSession ends every API shape's sessions, bumps token_version and empties the index", async () => {
    const { user, username, refresh_token } = await registerUser(request);
    const credentials = { username, password: STRONG_PASSWORD };
    const simpleJwt = (await (await request("/api/token/", json(credentials))).json()) as { refresh: string };
    const django = await request("/accounts/login/", json(credentials));
    await endEveryUserSession(await buildRuntime(testEnv), user.id, "test");
    expect((await request("/auth/refresh", json({ refresh_token }))).status).toBe(401);
    expect((await request("/api/token/refresh/", json({ refresh: simpleJwt.refresh }))).status).toBe(401);
    expect((await request("/api/user/", { headers: { Cookie: cookieHeader(django) } })).status).toBe(401);
    expect(await env.DB.prepare("SELECT token_version FROM users WHERE id = ?").bind(user.id).first()).toEqual({ token_version: 1 });
    expect((await env.DB.prepare("SELECT sid FROM user_sessions WHERE user_id = ?").bind(user.id).all()).results).toEqual([]);
  });

  it("endEveryUserSession leaves a revocation marker on each session, which holds once the user row is gone", async () => {
    const { user, username, access_token } = await registerUser(request);
    const second = (await (await request("/auth/login", json({ username, password: STRONG_PASSWORD }))).json()) as { access_token: string };
    await env.DB.batch([env.DB.prepare("DELETE FROM login_identifiers WHERE user_id = ?").bind(user.id), env.DB.prepare("DELETE FROM users WHERE id = ?").bind(user.id)]);
    const rt = await buildRuntime(testEnv);
    await endEveryUserSession(rt, user.id, "account_deleted");
    expect([await rt.stores.sessions.isRevoked(sidOf(access_token)), await rt.stores.sessions.isRevoked(sidOf(second.access_token))]).toEqual([true, true]);
    expect((await env.DB.prepare("SELECT sid FROM user_sessions WHERE user_id = ?").bind(user.id).all()).results).toEqual([]);
  });
});
