import { describe, expect, it } from "vitest";
import { envWith, json, realApp, STRONG_PASSWORD, testEnv, uniqueName } from "../helpers";
import { nativeUser } from "./support";

const request = (path: string, init?: RequestInit) => realApp.request(path, init, testEnv);
const UNAUTHORIZED = { error: "unauthorized", message: "Invalid or expired token", code: 401 };
type Answer = { user: Record<string, string>; token: string; refresh_token: string; expires_in: number };

describe("seed 003: register and login", () => {
  it("registers and answers 201 { user with created_at, token, refresh_token }", async () => {
    const username = uniqueName("v");
    const response = await request("/api/v1/auth/register", json({ username, email: `${username}@example.com`, password: STRONG_PASSWORD }));
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({
      user: { id: expect.stringMatching(/^[0-9a-f-]{36}$/), username, email: `${username}@example.com`, created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/) },
      token: expect.any(String),
      refresh_token: expect.any(String),
      expires_in: 300,
    });
  });

  it("logs in, refreshes with { refresh_token }, and logout makes the bearer token stop working", async () => {
    const user = await nativeUser(request);
    const login = await request("/api/v1/auth/login", json({ username: user.username, password: user.password }));
    expect(login.status).toBe(200);
    const first = (await login.json()) as Answer;
    expect(first.user).toEqual({ id: user.id, username: user.username, email: user.email, created_at: expect.stringMatching(/Z$/) });

    const refreshed = await request("/api/v1/auth/refresh", json({ refresh_token: first.refresh_token }));
    expect(refreshed.status).toBe(200);
    const second = (await refreshed.json()) as Answer;
    expect(second.refresh_token).not.toBe(first.refresh_token);

    const bearer = { Authorization: `Bearer ${second.token}` };
    const me = await request("/api/v1/auth/me", { headers: bearer });
    expect([me.status, ((await me.json()) as Answer).user.id]).toEqual([200, user.id]);
    const logout = await request("/api/v1/auth/logout", { method: "POST", headers: bearer });
    expect([logout.status, await logout.json()]).toEqual([200, { message: "Logged out" }]);
    const after = await request("/api/v1/auth/me", { headers: bearer });
    expect([after.status, await after.json()]).toEqual([401, UNAUTHORIZED]);
    const refreshAfter = await request("/api/v1/auth/refresh", json({ refresh_token: second.refresh_token }));
    expect([refreshAfter.status, await refreshAfter.json()]).toEqual([401, UNAUTHORIZED]);
  });

  it("answers a wrong password and a missing token in { error, message, code }", async () => {
    const user = await nativeUser(request);
    const wrong = await request("/api/v1/auth/login", json({ username: user.username, password: "wrong password!" }));
    expect([wrong.status, await wrong.json()]).toEqual([401, { error: "unauthorized", message: "Invalid username or password", code: 401 }]);
    const missing = await request("/api/v1/auth/logout", { method: "POST" });
    expect([missing.status, await missing.json()]).toEqual([401, UNAUTHORIZED]);
  });

  it("answers 403 forbidden in the seed's shape when registration is closed", async () => {
    const response = await realApp.request("/api/v1/auth/register", json({ username: uniqueName(), password: STRONG_PASSWORD }), envWith({ REGISTRATION: "closed" }));
    expect([response.status, await response.json()]).toEqual([403, { error: "forbidden", message: "Registration is closed.", code: 403 }]);
  });
});

describe("one user store for every profile", () => {
  it("a user registered through seed 004 logs in through 000, 001, 002, 003 and the native API", async () => {
    const username = uniqueName("any");
    const registered = await request("/api/register/", json({ username, email: `${username}@example.com`, password: STRONG_PASSWORD, password2: STRONG_PASSWORD }));
    expect(registered.status).toBe(201);
    const credentials = json({ username, password: STRONG_PASSWORD });
    const statuses = [];
    for (const path of ["/accounts/login/", "/api/token/", "/api/auth/login", "/api/v1/auth/login", "/api/login/", "/auth/login"]) {
      statuses.push([path, (await request(path, credentials)).status]);
    }
    expect(statuses).toEqual([["/accounts/login/", 200], ["/api/token/", 200], ["/api/auth/login", 200], ["/api/v1/auth/login", 200], ["/api/login/", 200], ["/auth/login", 200]]);
  });
});
