// GET /auth/sessions and DELETE /auth/sessions/{id} over HTTP, against the worker started as
// `npm start` starts it (local D1 and KV on disk): every API shape's session is listed at once,
// a user ends their own sessions and nobody else's.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sessionsOf, type ListedSession } from "../sessions/listed";
import { startWorker, type RunningWorker } from "./worker";

let worker: RunningWorker;
beforeAll(async () => {
  worker = await startWorker();
});
afterAll(() => worker?.stop());

const PASSWORD = "a long enough passphrase";
const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${worker.url}${path}`, { method: "POST", headers: { "Content-Type": "application/json", ...headers }, body: JSON.stringify(body) });
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const sidOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split(".")[1]!, "base64url").toString()).sid as string;
const cookiesOf = (response: Response) => response.headers.getSetCookie().map((line) => line.split(";")[0]).join("; ");


async function list(accessToken: string): Promise<ListedSession[]> {
  return sessionsOf(await fetch(`${worker.url}/auth/sessions`, { headers: bearer(accessToken) }));
}

const end = (accessToken: string, sid: string) => fetch(`${worker.url}/auth/sessions/${sid}`, { method: "DELETE", headers: bearer(accessToken) });

async function register(prefix: string, userAgent: string) {
  const username = `${prefix}${Date.now()}${Math.floor(Math.random() * 1e6)}`;
  const response = await post("/auth/register", { username, password: PASSWORD }, { "User-Agent": userAgent });
  expect(response.status).toBe(201);
  return { username, ...((await response.json()) as { access_token: string; refresh_token: string }) };
}

describe("sessions over HTTP", () => {
  it("lists every API shape's session at once, with its client_id, current flag and User-Agent", async () => {
    const me = await register("sess", "e2e-native/1.0");
    const credentials = { username: me.username, password: PASSWORD };
    const opened = [
      await post("/auth/login", { ...credentials, mode: "cookie" }, { "User-Agent": "e2e-cookie-mode/1.0" }),
      await post("/api/token/", credentials, { "User-Agent": "e2e-simplejwt/1.0" }),
      await post("/api/auth/login", credentials, { "User-Agent": "e2e-fastapi/1.0" }),
      await post("/api/v1/auth/login", credentials, { "User-Agent": "e2e-v1/1.0" }),
      await post("/accounts/login/", credentials, { "User-Agent": "e2e-django/1.0" }),
      await post("/api/login/", credentials, { "User-Agent": "e2e-drf/1.0" }),
    ];
    expect(opened.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    const sessions = await list(me.access_token);
    expect(sessions.map((s) => [s.client_id, s.user_agent, s.current]).sort()).toEqual([
      ["bearer-api", "e2e-fastapi/1.0", false],
      ["cookie-session", "e2e-django/1.0", false],
      ["edge-auth", "e2e-cookie-mode/1.0", false],
      ["edge-auth", "e2e-native/1.0", true],
      ["session-api", "e2e-drf/1.0", false],
      ["simplejwt", "e2e-simplejwt/1.0", false],
      ["v1-api", "e2e-v1/1.0", false],
    ]);
    for (const s of sessions) {
      expect(Date.parse(s.created_at)).toBeLessThanOrEqual(Date.parse(s.last_used_at));
      expect(Date.parse(s.last_used_at)).toBeLessThan(Date.parse(s.expires_at));
    }

    // The Django session ended from the list: its cookie no longer opens anything.
    const django = sessions.find((s) => s.client_id === "cookie-session")!;
    expect((await end(me.access_token, django.id)).status).toBe(204);
    const logout = await fetch(`${worker.url}/accounts/logout/`, { method: "POST", headers: { Cookie: cookiesOf(opened[4]!), "X-CSRFToken": /csrftoken=([^;]+)/.exec(cookiesOf(opened[4]!))![1]! } });
    expect([logout.status, await logout.json()]).toEqual([401, { error: "Authentication required", status: 401 }]);
    expect((await list(me.access_token)).map((s) => s.id)).not.toContain(django.id);
  });

  it("attack: another user's session id is 404 and that session keeps working; the owner ends it and its refresh is 401", async () => {
    const victim = await register("victim", "e2e-victim/1.0");
    const attacker = await register("attacker", "e2e-attacker/1.0");
    const victimSid = sidOf(victim.access_token);
    const attempt = await end(attacker.access_token, victimSid);
    expect([attempt.status, await attempt.json()]).toEqual([404, { error: "not_found", error_description: "No such session." }]);
    const refreshed = await post("/auth/refresh", { refresh_token: victim.refresh_token });
    expect(refreshed.status).toBe(200);
    const next = (await refreshed.json()) as { access_token: string; refresh_token: string };

    const ended = await end(next.access_token, victimSid);
    expect([ended.status, await ended.text()]).toEqual([204, ""]);
    const refused = await post("/auth/refresh", { refresh_token: next.refresh_token });
    expect([refused.status, await refused.json()]).toEqual([401, { error: "invalid_grant", error_description: "The refresh token is invalid, expired or revoked." }]);
    expect((await fetch(`${worker.url}/auth/me`, { headers: bearer(next.access_token) })).status).toBe(401);
    expect((await list(attacker.access_token)).map((s) => s.id)).toEqual([sidOf(attacker.access_token)]);
  });
});
