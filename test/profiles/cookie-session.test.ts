import { describe, expect, it } from "vitest";
import { envWith, json, memoryApp, realApp, testEnv } from "../helpers";
import { cookieHeader, cookieValue, form, nativeUser, setCookieLines, setCookies } from "./support";

const request = (path: string, init?: RequestInit) => realApp.request(path, init, testEnv);
const AUTH_REQUIRED = { error: "Authentication required", status: 401 };
const CSRF_REFUSED = { error: "CSRF verification failed. Request aborted.", status: 403 };

async function login(send = request) {
  const user = await nativeUser(send);
  const response = await send("/accounts/login/", form({ username: user.username, password: user.password }));
  expect(response.status).toBe(200);
  return { user, response, cookie: cookieHeader(response), csrf: cookieValue(response, "csrftoken")! };
}

describe("seed 000: POST /accounts/login/", () => {
  it("logs in from a form and sets sessionid (HttpOnly, Lax) and csrftoken (readable) cookies", async () => {
    const { user, response, csrf } = await login();
    expect(await response.json()).toEqual({ message: "Login successful", user: { id: user.id, username: user.username, email: user.email } });
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    expect(response.headers.get("X-CSRFToken")).toBe(csrf);
    const cookies = setCookies(response);
    expect(cookies.sessionid).toMatch(/^sessionid=[A-Za-z0-9_.-]+; Max-Age=2592000; Path=\/; HttpOnly; SameSite=Lax$/);
    expect(cookies.csrftoken).toBe(`csrftoken=${csrf}; Max-Age=2592000; Path=/; SameSite=Lax`);
  });

  it("accepts JSON too, and marks both cookies Secure under https", async () => {
    const user = await nativeUser(request);
    const response = await realApp.request("https://auth.test.example/accounts/login/", json({ username: user.email, password: user.password }), testEnv);
    expect(response.status).toBe(200);
    const cookies = setCookies(response);
    expect(cookies.sessionid).toContain("; Secure;");
    expect(cookies.csrftoken).toContain("; Secure;");
  });

  it("refuses a wrong password with the seed's error shape and sets no cookie", async () => {
    const user = await nativeUser(request);
    const response = await request("/accounts/login/", form({ username: user.username, password: "wrong password" }));
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: "Invalid username or password", status: 401 });
    expect(response.headers.get("WWW-Authenticate")).toBe('Session realm="edge-auth"');
    expect(setCookieLines(response)).toEqual([]);
  });

  it("refuses a login posted from a foreign page (login CSRF) with 403", async () => {
    const user = await nativeUser(request);
    const response = await request("/accounts/login/", form({ username: user.username, password: user.password }, { Origin: "http://evil.example" }));
    expect([response.status, await response.json()]).toEqual([403, CSRF_REFUSED]);
    expect(setCookieLines(response)).toEqual([]);
  });

  it("lists missing fields with status 400", async () => {
    const response = await request("/accounts/login/", form({ username: "someone" }));
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: "The request has invalid fields.", status: 400, fields: { password: "This field is required." } });
  });
});

describe("seed 000: POST /accounts/logout/", () => {
  it("answers 401 Authentication required without a session", async () => {
    const response = await request("/accounts/logout/", { method: "POST" });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual(AUTH_REQUIRED);
    expect(response.headers.get("WWW-Authenticate")).toBe('Session realm="edge-auth"');
    expect(response.headers.get("Cache-Control")).toBe("no-store");
  });

  it("refuses a cookie-authenticated logout without the CSRF token, or with a wrong one, with 403", async () => {
    const { cookie, csrf } = await login();
    const attempts: Record<string, string>[] = [{ Cookie: cookie }, { Cookie: cookie, "X-CSRFToken": csrf.slice(1) + "A" }];
    for (const headers of attempts) {
      const response = await request("/accounts/logout/", { method: "POST", headers });
      expect(response.status).toBe(403);
      expect(await response.json()).toEqual(CSRF_REFUSED);
    }
  });

  it("refuses the right token from a browser origin that is not allowed", async () => {
    const { cookie, csrf } = await login();
    const response = await request("/accounts/logout/", { method: "POST", headers: { Cookie: cookie, "X-CSRFToken": csrf, Origin: "http://evil.example" } });
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual(CSRF_REFUSED);
  });

  it("logs out with the X-CSRFToken header, clears both cookies and invalidates the session server-side", async () => {
    const { cookie, csrf } = await login();
    const response = await request("/accounts/logout/", { method: "POST", headers: { Cookie: cookie, "X-CSRFToken": csrf } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ message: "Logout successful" });
    const cookies = setCookies(response);
    expect(cookies.sessionid).toMatch(/^sessionid=; Max-Age=0; Path=\/; HttpOnly; SameSite=Lax/);
    expect(cookies.csrftoken).toMatch(/^csrftoken=; Max-Age=0; Path=\/; SameSite=Lax/);
    const again = await request("/accounts/logout/", { method: "POST", headers: { Cookie: cookie, "X-CSRFToken": csrf } });
    expect([again.status, await again.json()]).toEqual([401, AUTH_REQUIRED]);
  });

  it("accepts the token as the csrfmiddlewaretoken form field", async () => {
    const { cookie, csrf } = await login();
    const response = await request("/accounts/logout/", form({ csrfmiddlewaretoken: csrf }, { Cookie: cookie }));
    expect([response.status, await response.json()]).toEqual([200, { message: "Logout successful" }]);
  });

  it("expires a session after SESSION_IDLE_TIMEOUT of inactivity", async () => {
    const { request: send, clock } = memoryApp();
    const env = envWith({ SESSION_IDLE_TIMEOUT: "600" });
    const sendIdle = (path: string, init?: RequestInit) => send(path, init, env);
    const { cookie, csrf } = await login(sendIdle);
    clock.advance(601);
    const response = await sendIdle("/accounts/logout/", { method: "POST", headers: { Cookie: cookie, "X-CSRFToken": csrf } });
    expect([response.status, await response.json()]).toEqual([401, AUTH_REQUIRED]);
  });
});

describe("seed 000: the session cookie is not a refresh token", () => {
  it("refuses a sessionid presented to /auth/refresh, and the session keeps working", async () => {
    const { cookie, csrf } = await login();
    const sessionid = /sessionid=([^;]+)/.exec(cookie)![1];
    const refresh = await request("/auth/refresh", json({ refresh_token: sessionid }));
    expect(refresh.status).toBe(401);
    expect(await refresh.json()).toEqual({ error: "invalid_grant", error_description: "The refresh token is invalid, expired or revoked." });
    const logout = await request("/accounts/logout/", { method: "POST", headers: { Cookie: cookie, "X-CSRFToken": csrf } });
    expect(logout.status).toBe(200);
  });
});

describe("PROFILES", () => {
  it("answers the native 404 on a profile's paths when PROFILES leaves it out", async () => {
    const response = await realApp.request("/accounts/login/", form({ username: "a", password: "b" }), envWith({ PROFILES: "simplejwt,session-api" }));
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: "not_found", error_description: "No such endpoint." });
    expect(response.headers.get("Cache-Control")).toBe("no-store");
  });
});
