// Cookie mode of edge-auth/client: no token anywhere in JavaScript, credentials "include" on every
// request, the lifetimes from the body; plus events, logout and session revocation.
import { describe, expect, it, onTestFinished, vi } from "vitest";
import { createAuthClient, NetworkError, type AuthEvents } from "../../src/client/index";
import { apiError, fakeService, json, recordingStorage, tokens } from "./fake-service";

const BASE = "https://auth.example.com";

function cookieService() {
  return fakeService({
    "POST /auth/login": () => json(tokens(1, { mode: "cookie" })),
    "POST /auth/refresh": () => json(tokens(2, { mode: "cookie" })),
    "GET /auth/me": () => json({ user: tokens(1).user }),
    "GET /auth/sessions": () => json({ sessions: [{ id: "sid-c", client_id: "native", created_at: "t", last_used_at: "t", expires_at: "t", current: true, user_agent: null }] }),
    "DELETE /auth/sessions/sid-c": () => new Response(null, { status: 204 }),
    "POST /auth/logout": () => new Response(null, { status: 204 }),
    "GET /orders": () => json({ orders: [] }),
  });
}

describe("edge-auth/client cookie mode", () => {
  it("stores no token anywhere: storage is never touched, no Authorization header, credentials include", async () => {
    vi.useFakeTimers({ now: Date.UTC(2026, 10, 25, 12), toFake: ["Date"] });
    onTestFinished(() => void vi.useRealTimers());
    const service = cookieService();
    const storage = recordingStorage(true);
    const auth = createAuthClient({ baseUrl: BASE, mode: "cookie", fetch: service.fetch, storage, autoRefresh: false });
    const { user } = await auth.login({ identifier: "ada", password: "pw" });
    expect(user?.username).toBe("ada");
    expect(auth.expiresAt).toBe(Date.now() + 300_000);
    await auth.me();
    await auth.refresh();
    await auth.sessions();
    await auth.fetch("https://api.example.com/orders");
    await auth.logout();
    expect(storage.writes).toEqual([]);
    expect(storage.items.size).toBe(0);
    // Every cookie POST has a JSON body: the service's CSRF rule (a cross-site form cannot send one).
    expect(service.seen.map((s) => [s.method, s.path, s.body, s.contentType, s.credentials, s.authorization])).toEqual([
      ["POST", "/auth/login", { identifier: "ada", password: "pw", mode: "cookie" }, "application/json", "include", null],
      ["GET", "/auth/me", undefined, null, "include", null],
      ["POST", "/auth/refresh", {}, "application/json", "include", null],
      ["GET", "/auth/sessions", undefined, null, "include", null],
      ["GET", "/orders", undefined, null, "include", null],
      ["POST", "/auth/logout", {}, "application/json", "include", null],
    ]);
  });

  it("in a page, baseUrl \"/\" is the page's origin; a path prefix is kept", async () => {
    vi.stubGlobal("location", { href: "https://app.example.com/demo/page.html" });
    onTestFinished(() => void vi.unstubAllGlobals());
    const urls: string[] = [];
    const fetch = async (input: RequestInfo | URL) => {
      urls.push(new Request(input).url);
      return json(tokens(1, { mode: "cookie" }));
    };
    await createAuthClient({ baseUrl: "/", mode: "cookie", fetch, autoRefresh: false }).login({ identifier: "ada", password: "pw" });
    await createAuthClient({ baseUrl: "https://example.com/auth-service/", mode: "cookie", fetch, autoRefresh: false }).login({ identifier: "ada", password: "pw" });
    expect(urls).toEqual(["https://app.example.com/auth/login", "https://example.com/auth-service/auth/login"]);
  });

  it("after a reload the state is unknown; me() over a live cookie signs in, without an expiry", async () => {
    const service = cookieService();
    const auth = createAuthClient({ baseUrl: BASE, mode: "cookie", fetch: service.fetch, autoRefresh: false });
    const signedIn: AuthEvents["signedIn"][] = [];
    auth.on("signedIn", (event) => signedIn.push(event));
    expect(auth.user).toBeNull();
    expect((await auth.me()).username).toBe("ada");
    expect(auth.user?.username).toBe("ada");
    expect(auth.expiresAt).toBeNull();
    expect(signedIn).toEqual([{ user: tokens(1).user, expiresAt: null, fromOtherTab: false }]);
  });

  it("revokeSession() of the session sessions() marked current signs out (the cookie cannot be read)", async () => {
    const service = cookieService();
    const auth = createAuthClient({ baseUrl: BASE, mode: "cookie", fetch: service.fetch, autoRefresh: false });
    const reasons: string[] = [];
    auth.on("signedOut", (e) => reasons.push(e.reason));
    await auth.login({ identifier: "ada", password: "pw" });
    const [current] = await auth.sessions();
    await auth.revokeSession(current!.id);
    expect(auth.user).toBeNull();
    expect(reasons).toEqual(["session_revoked"]);
  });

  it("after a reload with an expired access cookie: me() refreshes once, retries, and that is a signedIn", async () => {
    const service = fakeService({
      "GET /auth/me": (_, n) => (n === 1 ? apiError(401, "invalid_token") : json({ user: tokens(1).user })),
      "POST /auth/refresh": () => json(tokens(2, { mode: "cookie" })),
    });
    const auth = createAuthClient({ baseUrl: BASE, mode: "cookie", fetch: service.fetch, autoRefresh: false });
    const heard: string[] = [];
    auth.on("signedIn", () => heard.push("signedIn"));
    auth.on("refreshed", () => heard.push("refreshed"));
    expect((await auth.me()).username).toBe("ada");
    expect(service.seen.map((s) => `${s.method} ${s.path}`)).toEqual(["GET /auth/me", "POST /auth/refresh", "GET /auth/me"]);
    expect(heard).toEqual(["signedIn"]);
    expect(auth.expiresAt).not.toBeNull();
  });

  it("after a reload without cookies: one refresh attempt, signedOut once, then no more refreshes", async () => {
    const service = fakeService({
      "GET /auth/me": () => apiError(401, "invalid_token"),
      "POST /auth/refresh": () => json({ error: "invalid_request", error_description: "Invalid fields.", fields: { refresh_token: "This field is required." } }, 400),
    });
    const auth = createAuthClient({ baseUrl: BASE, mode: "cookie", fetch: service.fetch, autoRefresh: false });
    const reasons: string[] = [];
    auth.on("signedOut", (event) => reasons.push(event.reason));
    await expect(auth.me()).rejects.toMatchObject({ status: 401, code: "invalid_token" });
    await expect(auth.me()).rejects.toMatchObject({ status: 401, code: "invalid_token" });
    expect(service.seen.map((s) => `${s.method} ${s.path}`)).toEqual(["GET /auth/me", "POST /auth/refresh", "GET /auth/me"]);
    expect(reasons).toEqual(["refresh_refused"]);
  });
});

describe("edge-auth/client events, logout and sessions", () => {
  it("emits signedIn, refreshed and signedOut; an unsubscribed listener hears nothing more", async () => {
    const service = fakeService({
      "POST /auth/register": () => json(tokens(1), 201),
      "POST /auth/refresh": () => json(tokens(2)),
      "POST /auth/logout": () => new Response(null, { status: 204 }),
    });
    const auth = createAuthClient({ baseUrl: BASE, mode: "token", fetch: service.fetch, autoRefresh: false });
    const heard: string[] = [];
    const stop = auth.on("signedIn", (e) => heard.push(`signedIn ${e.user.username} ${e.fromOtherTab}`));
    auth.on("refreshed", (e) => heard.push(`refreshed ${e.expiresAt === auth.expiresAt}`));
    auth.on("signedOut", (e) => heard.push(`signedOut ${e.reason}`));
    await auth.register({ username: "ada", password: "pw" });
    await auth.refresh();
    stop();
    await auth.logout();
    await auth.register({ username: "ada", password: "pw" });
    expect(heard).toEqual(["signedIn ada false", "refreshed true", "signedOut logout"]);
  });

  it("logout and logoutAll name the session by the refresh token; a 401 (already ended) is fine", async () => {
    const service = fakeService({
      "POST /auth/login": (_, n) => json(tokens(n)),
      "POST /auth/logout": (_, n) => (n === 1 ? new Response(null, { status: 204 }) : apiError(401, "invalid_grant")),
    });
    const auth = createAuthClient({ baseUrl: BASE, mode: "token", fetch: service.fetch, autoRefresh: false });
    await auth.login({ identifier: "ada", password: "pw" });
    await auth.logout();
    await auth.login({ identifier: "ada", password: "pw" });
    await auth.logoutAll();
    expect(auth.user).toBeNull();
    expect(service.seen.filter((s) => s.path === "/auth/logout").map((s) => s.body)).toEqual([{ refresh_token: "refresh-1" }, { refresh_token: "refresh-2", all: true }]);
  });

  it("logout signs out locally even when the service cannot be reached, then throws", async () => {
    let online = true;
    const service = fakeService({ "POST /auth/login": () => json(tokens(1)) });
    const fetch = (input: RequestInfo | URL, init?: RequestInit) => (online ? service.fetch(input, init) : Promise.reject(new TypeError("fetch failed")));
    const storage = recordingStorage();
    const auth = createAuthClient({ baseUrl: BASE, mode: "token", fetch, storage, autoRefresh: false });
    const signedOut = vi.fn();
    auth.on("signedOut", signedOut);
    await auth.login({ identifier: "ada", password: "pw" });
    online = false;
    await expect(auth.logout()).rejects.toBeInstanceOf(NetworkError);
    expect(auth.user).toBeNull();
    expect(storage.items.size).toBe(0);
    expect(signedOut).toHaveBeenCalledTimes(1);
    expect(signedOut).toHaveBeenCalledWith({ reason: "logout" });
  });

  it("email verification updates the signed-in user; deleteAccount confirms with the password and signs out", async () => {
    const verified = { ...tokens(1).user, email_verified: true };
    const service = fakeService({
      "POST /auth/login": () => json(tokens(1)),
      "POST /auth/email/verify/request": () => json({}, 202),
      "POST /auth/email/verify": () => json({ user: verified }),
      "DELETE /auth/me": () => new Response(null, { status: 204 }),
    });
    const auth = createAuthClient({ baseUrl: BASE, mode: "token", fetch: service.fetch, autoRefresh: false });
    const reasons: string[] = [];
    auth.on("signedOut", (e) => reasons.push(e.reason));
    await auth.login({ identifier: "ada", password: "pw" });
    await auth.requestEmailVerification();
    expect(await auth.verifyEmail({ token: "from-the-link" })).toEqual({ user: verified });
    expect(auth.user).toEqual(verified);
    await auth.deleteAccount({ password: "pw" });
    expect([auth.user, reasons]).toEqual([null, ["account_deleted"]]);
    const bearer = `Bearer ${tokens(1).access_token}`;
    expect(service.seen.slice(1).map((s) => [s.method, s.path, s.body, s.authorization])).toEqual([
      ["POST", "/auth/email/verify/request", {}, bearer],
      ["POST", "/auth/email/verify", { token: "from-the-link" }, null],
      ["DELETE", "/auth/me", { password: "pw" }, bearer],
    ]);
  });

  it("sessions() lists; revokeSession(id) ends one, and ending this client's own signs it out", async () => {
    const listed = [{ id: "sid-1", client_id: "native", created_at: "t", last_used_at: "t", expires_at: "t", current: true, user_agent: null }];
    const service = fakeService({
      "POST /auth/login": () => json(tokens(1)),
      "GET /auth/sessions": () => json({ sessions: listed }),
      "DELETE /auth/sessions/other%2Fone": () => new Response(null, { status: 204 }),
      "DELETE /auth/sessions/sid-1": () => new Response(null, { status: 204 }),
      "DELETE /auth/sessions/gone": () => apiError(404, "not_found"),
    });
    const auth = createAuthClient({ baseUrl: BASE, mode: "token", fetch: service.fetch, autoRefresh: false });
    const reasons: string[] = [];
    auth.on("signedOut", (e) => reasons.push(e.reason));
    await auth.login({ identifier: "ada", password: "pw" });
    expect(await auth.sessions()).toEqual(listed);
    await auth.revokeSession("other/one");
    expect(auth.user).not.toBeNull();
    await expect(auth.revokeSession("gone")).rejects.toMatchObject({ status: 404, code: "not_found" });
    await auth.revokeSession("sid-1");
    expect(auth.user).toBeNull();
    expect(reasons).toEqual(["session_revoked"]);
    expect(service.seen.filter((s) => s.method === "DELETE").map((s) => s.authorization)).toEqual(Array(3).fill(`Bearer ${tokens(1).access_token}`));
  });
});
