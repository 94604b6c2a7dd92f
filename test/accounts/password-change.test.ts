// Password change: the current password through login's credential check
// (throttled, counted by the lockout), the policy on the new one, a fresh session in the mode of
// the request's authentication, and every other session and access token ended.
import { afterEach, describe, expect, it, vi } from "vitest";
import { json, STRONG_PASSWORD } from "../helpers";
import { answer, bearer, memoryLifecycle, realLifecycle, registered } from "./lifecycle-support";

afterEach(() => vi.restoreAllMocks());

const NEW_PASSWORD = "a brand new passphrase 42";
const INVALID = { error: "invalid_credentials", error_description: "The username/email or password is incorrect." };

describe("password change", () => {
  it("answers a fresh session in token mode and ends every other session and access token", async () => {
    const { send } = realLifecycle();
    const user = await registered(send);
    const other = (await (await send("/auth/login", json({ username: user.username, password: STRONG_PASSWORD }))).json()) as { access_token: string; refresh_token: string };
    const response = await send("/auth/password", json({ current_password: STRONG_PASSWORD, new_password: NEW_PASSWORD }, { headers: bearer(user.access_token) }));
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    expect(response.headers.get("Set-Cookie")).toBeNull();
    const body = (await response.json()) as { user: Record<string, unknown>; access_token: string; refresh_token: string };
    expect(Object.keys(body).sort()).toEqual(["access_token", "expires_in", "refresh_expires_in", "refresh_token", "token_type", "user"]);
    expect(body.user).toMatchObject({ id: user.user.id, email_verified: false });

    for (const token of [user.access_token, other.access_token]) expect((await send("/auth/me", { headers: bearer(token) })).status).toBe(401);
    for (const token of [user.refresh_token, other.refresh_token]) expect((await send("/auth/refresh", json({ refresh_token: token }))).status).toBe(401);
    expect((await send("/auth/me", { headers: bearer(body.access_token) })).status).toBe(200);
    expect((await send("/auth/refresh", json({ refresh_token: body.refresh_token }))).status).toBe(200);
    expect((await send("/auth/login", json({ username: user.username, password: NEW_PASSWORD }))).status).toBe(200);
    expect((await send("/auth/login", json({ username: user.username, password: STRONG_PASSWORD }))).status).toBe(401);
  });

  it("ends the sessions every API shape started: SimpleJWT refresh tokens and cookie sessions too", async () => {
    const h = memoryLifecycle();
    const user = await registered(h.send);
    const simplejwt = (await (await h.send("/api/token/", json({ username: user.username, password: STRONG_PASSWORD }))).json()) as { refresh: string; access: string };
    const cookieLogin = await h.send("/api/login/", json({ username: user.username, password: STRONG_PASSWORD }));
    const sessionCookie = cookieLogin.headers.getAll("Set-Cookie").map((c: string) => c.split(";")[0]).join("; ");
    expect((await h.send("/api/user/", { headers: { Cookie: sessionCookie } })).status).toBe(200);
    expect((await h.send("/auth/password", json({ current_password: STRONG_PASSWORD, new_password: NEW_PASSWORD }, { headers: bearer(user.access_token) }))).status).toBe(200);
    expect(await answer(await h.send("/api/token/refresh/", json({ refresh: simplejwt.refresh })))).toEqual({ status: 401, body: { detail: "Token is invalid or expired", code: "token_not_valid" } });
    expect((await h.send("/api/token/verify/", json({ token: simplejwt.access }))).status).toBe(401);
    expect(await answer(await h.send("/api/user/", { headers: { Cookie: sessionCookie } }))).toEqual({ status: 401, body: { detail: "Authentication credentials were not provided." } });
  });

  it("answers in cookie mode when the request was authenticated by the access cookie", async () => {
    const h = memoryLifecycle();
    const user = await registered(h.send);
    const login = await h.send("/auth/login", json({ username: user.username, password: STRONG_PASSWORD, mode: "cookie" }));
    const cookie = login.headers.getAll("Set-Cookie").map((c: string) => c.split(";")[0]).join("; ");
    const response = await h.send("/auth/password", json({ current_password: STRONG_PASSWORD, new_password: NEW_PASSWORD }, { headers: { Cookie: cookie } }));
    expect(response.status).toBe(200);
    expect(Object.keys((await response.json()) as object).sort()).toEqual(["expires_in", "refresh_expires_in", "token_type", "user"]);
    expect(response.headers.getAll("Set-Cookie").map((c: string) => c.split("=")[0])).toEqual(["edge_access", "edge_refresh"]);
  });

  it("refuses a cookie-authenticated change from a foreign origin before checking anything", async () => {
    const h = memoryLifecycle();
    const user = await registered(h.send);
    const login = await h.send("/auth/login", json({ username: user.username, password: STRONG_PASSWORD, mode: "cookie" }));
    const cookie = login.headers.getAll("Set-Cookie").map((c: string) => c.split(";")[0]).join("; ");
    const response = await h.send("/auth/password", json({ current_password: STRONG_PASSWORD, new_password: NEW_PASSWORD }, { headers: { Cookie: cookie, Origin: "https://evil.example" } }));
    expect(await answer(response)).toEqual({ status: 403, body: { error: "forbidden", error_description: "Cross-origin requests authenticated by cookie are not allowed from this origin." } });
  });

  it("answers a wrong current password 401 invalid_credentials, counted by the lockout (429 after five)", async () => {
    const h = memoryLifecycle();
    const user = await registered(h.send);
    const attempt = () => h.send("/auth/password", json({ current_password: "not the password", new_password: NEW_PASSWORD }, { headers: bearer(user.access_token) }));
    for (let i = 0; i < 5; i++) expect(await answer(await attempt())).toEqual({ status: 401, body: INVALID });
    const locked = await attempt();
    expect(locked.status).toBe(429);
    expect(await locked.json()).toEqual({ error: "rate_limited", error_description: "Too many requests. Try again later." });
    // The same counter as login's: the identifier is locked there too.
    expect((await h.send("/auth/login", json({ username: user.username, password: STRONG_PASSWORD }))).status).toBe(429);
    expect(h.stores.audit.events.filter((e) => e.event === "login_failure")).toHaveLength(5);
  });

  it("applies the password policy to the new password, after the current one was checked", async () => {
    const h = memoryLifecycle();
    const user = await registered(h.send);
    const weak = await h.send("/auth/password", json({ current_password: STRONG_PASSWORD, new_password: "password" }, { headers: bearer(user.access_token) }));
    expect(await answer(weak)).toEqual({ status: 400, body: { error: "invalid_request", error_description: "The request has invalid fields.", fields: { new_password: "This password is too common." } } });
    expect((await h.send("/auth/me", { headers: bearer(user.access_token) })).status).toBe(200);
  });

  it("audits password_changed", async () => {
    const h = memoryLifecycle();
    const user = await registered(h.send);
    await h.send("/auth/password", json({ current_password: STRONG_PASSWORD, new_password: NEW_PASSWORD }, { headers: bearer(user.access_token) }));
    expect(h.stores.audit.events.filter((e) => e.event === "password_changed").map((e) => e.userId)).toEqual([user.user.id]);
  });

  it("needs a signed-in user: no token is 401 with a bare challenge", async () => {
    const h = memoryLifecycle();
    const response = await h.send("/auth/password", json({ current_password: STRONG_PASSWORD, new_password: NEW_PASSWORD }));
    expect(response.status).toBe(401);
    expect(response.headers.get("WWW-Authenticate")).toBe('Bearer realm="edge-auth"');
    expect(await response.json()).toEqual({ error: "invalid_token", error_description: "No access token was provided." });
  });
});
