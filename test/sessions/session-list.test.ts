// GET /auth/sessions and DELETE /auth/sessions/{id} over the real worker on local D1 and KV:
// every API shape's sessions are listed for their own user the moment they open, ended ones are
// not, and a user can end only their own.
import { env } from "cloudflare:workers";
import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { cookieHeader } from "../profiles/support";
import { sessionsOf, type ListedSession } from "./listed";
import { json, realApp, registerUser, setCookies, STRONG_PASSWORD, testEnv, uniqueName } from "../helpers";

const request = async (path: string, init?: RequestInit) => realApp.request(path, init, testEnv);
const bearer = (token: string, headers: Record<string, string> = {}) => ({ headers: { Authorization: `Bearer ${token}`, ...headers } });
const sidOf = (accessToken: string) => decodeJwt(accessToken).sid as string;
const ISO = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
const NOT_FOUND = { error: "not_found", error_description: "No such session." };


async function list(accessToken: string): Promise<ListedSession[]> {
  return sessionsOf(await request("/auth/sessions", bearer(accessToken)));
}

const endSession = (accessToken: string, sid: string, headers: Record<string, string> = {}) => request(`/auth/sessions/${sid}`, { method: "DELETE", ...bearer(accessToken, headers) });

async function login(username: string, userAgent?: string) {
  const response = await request("/auth/login", json({ username, password: STRONG_PASSWORD }, { headers: userAgent ? { "User-Agent": userAgent } : {} }));
  expect(response.status).toBe(200);
  return (await response.json()) as { access_token: string; refresh_token: string };
}

describe("GET /auth/sessions", () => {
  it("lists a just-created session at once for its own user, marked current, with its User-Agent", async () => {
    const username = uniqueName("list");
    const response = await request("/auth/register", json({ username, password: STRONG_PASSWORD }, { headers: { "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0" } }));
    const registered = (await response.json()) as { access_token: string; refresh_expires_in: number };
    const sessions = await list(registered.access_token);
    expect(sessions).toEqual([
      { id: sidOf(registered.access_token), client_id: "edge-auth", created_at: ISO, last_used_at: ISO, expires_at: ISO, current: true, user_agent: "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0" },
    ]);
    const [only] = sessions;
    expect(only!.last_used_at).toBe(only!.created_at);
    expect(Date.parse(only!.expires_at) - Date.parse(only!.created_at)).toBe(1_209_600_000);
  });

  it("lists the sessions of every API shape with their client_id, and only the presenter's as current", async () => {
    const { username, access_token } = await registerUser(request);
    const credentials = { username, password: STRONG_PASSWORD };
    const opened = await Promise.all([
      request("/auth/login", json({ ...credentials, mode: "cookie" })),
      request("/api/token/", json(credentials)),
      request("/api/auth/login", json(credentials)),
      request("/api/v1/auth/login", json(credentials)),
      request("/accounts/login/", json(credentials)),
      request("/api/login/", json(credentials)),
    ]);
    expect(opened.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    const sessions = await list(access_token);
    expect(sessions.map((s) => [s.client_id, s.current]).sort()).toEqual([
      ["bearer-api", false], ["cookie-session", false], ["edge-auth", false], ["edge-auth", true], ["session-api", false], ["simplejwt", false], ["v1-api", false],
    ]);
    expect(new Set(sessions.map((s) => s.id)).size).toBe(7);
    // Newest first: the registration's session opened before all the others.
    expect(sessions.at(-1)!.id).toBe(sidOf(access_token));

    // Authenticated by the native access cookie, the cookie's session is the current one.
    const cookieLogin = opened[0]!;
    const byCookie = await request("/auth/sessions", { headers: { Cookie: cookieHeader(cookieLogin) } });
    const accessCookie = /edge_access=([^;]+)/.exec(cookieHeader(cookieLogin))![1]!;
    expect((await sessionsOf(byCookie)).filter((s) => s.current).map((s) => s.id)).toEqual([sidOf(accessCookie)]);
  });

  it("leaves out sessions ended by logout, SimpleJWT blacklist/ and DELETE, and a user_agent never sent is null", async () => {
    const { username, access_token } = await registerUser(request);
    const loggedOut = await login(username);
    const blacklisted = (await (await request("/api/token/", json({ username, password: STRONG_PASSWORD }))).json()) as { refresh: string; access: string };
    const deleted = await login(username);
    const kept = await login(username);
    expect((await request("/auth/logout", json({}, bearer(loggedOut.access_token)))).status).toBe(204);
    expect((await request("/api/token/blacklist/", json({ refresh: blacklisted.refresh }))).status).toBe(200);
    expect((await endSession(access_token, sidOf(deleted.access_token))).status).toBe(204);
    const sessions = await list(access_token);
    expect(sessions.map((s) => s.id).sort()).toEqual([sidOf(access_token), sidOf(kept.access_token)].sort());
    expect(sessions.find((s) => s.id === sidOf(kept.access_token))!.user_agent).toBeNull();
    // Their index rows are gone too, not only filtered out.
    const rows = await env.DB.prepare("SELECT sid FROM user_sessions WHERE sid IN (?, ?, ?)").bind(sidOf(loggedOut.access_token), sidOf(blacklisted.access), sidOf(deleted.access_token)).all();
    expect(rows.results).toEqual([]);
  });

  it("keeps 256 characters of a longer User-Agent", async () => {
    const { username } = await registerUser(request);
    const long = "A".repeat(300);
    const session = await login(username, long);
    const listed = await list(session.access_token);
    expect(listed.find((s) => s.current)!.user_agent).toBe(long.slice(0, 256));
  });

  it("after logout-all, lists only sessions opened since, and the index holds no row of the ended ones", async () => {
    const { username, user, access_token } = await registerUser(request);
    await login(username);
    expect((await request("/auth/logout", json({ all: true }, bearer(access_token)))).status).toBe(204);
    const fresh = await login(username);
    expect((await list(fresh.access_token)).map((s) => s.id)).toEqual([sidOf(fresh.access_token)]);
    const rows = await env.DB.prepare("SELECT sid FROM user_sessions WHERE user_id = ?").bind(user.id).all<{ sid: string }>();
    expect(rows.results).toEqual([{ sid: sidOf(fresh.access_token) }]);
  });

  it("answers 401 with a bare challenge without credentials, and 405 to other methods", async () => {
    const response = await request("/auth/sessions");
    expect([response.status, response.headers.get("WWW-Authenticate"), await response.json()]).toEqual([
      401, 'Bearer realm="edge-auth"', { error: "invalid_token", error_description: "No access token was provided." },
    ]);
    const post = await request("/auth/sessions", json({}));
    expect([post.status, post.headers.get("Allow")]).toEqual([405, "GET, HEAD"]);
  });
});

describe("DELETE /auth/sessions/{id}", () => {
  it("ends another session of the user: 204, its refresh and access tokens stop working, audited", async () => {
    const { username, user, access_token } = await registerUser(request);
    const other = await login(username);
    const response = await endSession(access_token, sidOf(other.access_token));
    expect([response.status, await response.text(), response.headers.get("Cache-Control")]).toEqual([204, "", "no-store"]);
    expect((await request("/auth/refresh", json({ refresh_token: other.refresh_token }))).status).toBe(401);
    expect((await request("/auth/me", bearer(other.access_token))).status).toBe(401);
    expect((await request("/auth/me", bearer(access_token))).status).toBe(200);
    const audit = await env.DB.prepare("SELECT event, detail FROM audit_events WHERE user_id = ? AND event = 'session_revoked_by_user'").bind(user.id).all();
    expect(audit.results).toEqual([{ event: "session_revoked_by_user", detail: JSON.stringify({ sid: sidOf(other.access_token), why: "deleted_by_user" }) }]);
    // Ended already: now it is no session of theirs.
    expect([(await endSession(access_token, sidOf(other.access_token))).status]).toEqual([404]);
  });

  it("ends the current session: its refresh answers 401, and cookie mode's cookies are cleared", async () => {
    const { username, access_token, refresh_token } = await registerUser(request);
    const response = await endSession(access_token, sidOf(access_token));
    expect(response.status).toBe(204);
    const refresh = await request("/auth/refresh", json({ refresh_token }));
    expect([refresh.status, await refresh.json()]).toEqual([401, { error: "invalid_grant", error_description: "The refresh token is invalid, expired or revoked." }]);
    expect((await request("/auth/me", bearer(access_token))).status).toBe(401);

    const cookieLogin = await request("/auth/login", json({ username, password: STRONG_PASSWORD, mode: "cookie" }));
    const accessCookie = /edge_access=([^;]+)/.exec(cookieHeader(cookieLogin))![1]!;
    const byCookie = await request(`/auth/sessions/${sidOf(accessCookie)}`, { method: "DELETE", headers: { Cookie: cookieHeader(cookieLogin) } });
    expect([byCookie.status, setCookies(byCookie)]).toEqual([204, ["edge_access=; Max-Age=0; Path=/; HttpOnly; SameSite=Strict", "edge_refresh=; Max-Age=0; Path=/auth; HttpOnly; SameSite=Strict"]]);
    const cookieRefresh = await request("/auth/refresh", json({}, { headers: { Cookie: cookieHeader(cookieLogin) } }));
    expect([cookieRefresh.status, await cookieRefresh.json()]).toEqual([401, { error: "invalid_grant", error_description: "The refresh token is invalid, expired or revoked." }]);
  });

  it("refuses a cookie-authenticated DELETE from a foreign Origin (403) and the session lives on", async () => {
    const { username } = await registerUser(request);
    const cookieLogin = await request("/auth/login", json({ username, password: STRONG_PASSWORD, mode: "cookie" }));
    const sid = sidOf(/edge_access=([^;]+)/.exec(cookieHeader(cookieLogin))![1]!);
    const refused = await request(`/auth/sessions/${sid}`, { method: "DELETE", headers: { Cookie: cookieHeader(cookieLogin), Origin: "https://evil.example" } });
    expect([refused.status, await refused.json()]).toEqual([403, { error: "forbidden", error_description: "Cross-origin requests authenticated by cookie are not allowed from this origin." }]);
    const still = await request("/auth/sessions", { headers: { Cookie: cookieHeader(cookieLogin) } });
    expect((await sessionsOf(still)).map((s) => s.id)).toContain(sid);
  });

  it("attack: another user's session id answers 404 like an unknown one, and that session keeps working", async () => {
    const victim = await registerUser(request);
    const victimCookie = await request("/accounts/login/", json({ username: victim.username, password: STRONG_PASSWORD }));
    const attacker = await registerUser(request);
    const victimSids = (await list(victim.access_token)).map((s) => s.id);
    expect(victimSids).toHaveLength(2);
    for (const sid of victimSids) {
      const response = await endSession(attacker.access_token, sid);
      expect([response.status, await response.json(), response.headers.get("Cache-Control")]).toEqual([404, NOT_FOUND, "no-store"]);
    }
    const refreshed = await request("/auth/refresh", json({ refresh_token: victim.refresh_token }));
    expect(refreshed.status).toBe(200);
    const next = (await refreshed.json()) as { access_token: string };
    expect((await request("/accounts/logout/", { method: "POST", headers: { Cookie: cookieHeader(victimCookie), "X-CSRFToken": /csrftoken=([^;]+)/.exec(cookieHeader(victimCookie))![1]! } })).status).toBe(200);
    expect((await list(next.access_token)).map((s) => s.id)).toEqual([victimSids.find((sid) => sid === sidOf(victim.access_token))]);
  });

  it.each([
    ["an unknown id of the right shape", "AAAAAAAAAAAAAAAAAAAAAA"],
    ["a malformed id", "not-a-session"],
    ["an over-long id", "A".repeat(5000)],
    ["an encoded path", "..%2F..%2Fauth%2Fme"],
    ["a refresh token", "REFRESH"],
  ])("answers 404 to %s", async (_, id) => {
    const { access_token, refresh_token } = await registerUser(request);
    const response = await endSession(access_token, id === "REFRESH" ? refresh_token : id);
    expect([response.status, await response.json()]).toEqual([404, NOT_FOUND]);
    expect((await list(access_token)).length).toBe(1);
  });

  it("answers 401 without credentials", async () => {
    const response = await request("/auth/sessions/AAAAAAAAAAAAAAAAAAAAAA", { method: "DELETE" });
    expect([response.status, await response.json()]).toEqual([401, { error: "invalid_token", error_description: "No access token was provided." }]);
  });
});
