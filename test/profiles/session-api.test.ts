import { describe, expect, it } from "vitest";
import { envWith, json, memoryApp, realApp, STRONG_PASSWORD, testEnv, uniqueName } from "../helpers";
import { cookieHeader, cookieValue, nativeUser, setCookies } from "./support";

const request = (path: string, init?: RequestInit) => realApp.request(path, init, testEnv);
const NOT_PROVIDED = { detail: "Authentication credentials were not provided." };

async function login(send = request) {
  const user = await nativeUser(send);
  const response = await send("/api/login/", json({ username: user.username, password: user.password }));
  expect(response.status).toBe(200);
  const body = (await response.json()) as { csrf_token: string };
  return { user, response, body, cookie: cookieHeader(response) };
}

describe("seed 004: POST /api/register/", () => {
  it("registers with matching password2 and answers 201 with the user (ids are UUID strings)", async () => {
    const username = uniqueName("s4");
    const response = await request("/api/register/", json({ username, email: `${username}@example.com`, password: STRONG_PASSWORD, password2: STRONG_PASSWORD }));
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), username, email: `${username}@example.com` });
  });

  it("refuses a password2 that does not match, in DRF's field-error style", async () => {
    const response = await request("/api/register/", json({ username: uniqueName(), email: "a@example.com", password: STRONG_PASSWORD, password2: "something else entirely" }));
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ password: ["Password fields didn't match."] });
  });

  it("lists every missing field as a list of messages", async () => {
    const response = await request("/api/register/", json({ email: "a@example.com" }));
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ username: ["This field is required."], password: ["This field is required."], password2: ["This field is required."] });
  });

  it("refuses the seed's password123 under the strict policy and accepts it under PASSWORD_POLICY=basic", async () => {
    const body = (username: string) => json({ username, email: `${username}@example.com`, password: "password123", password2: "password123" });
    const strict = await request("/api/register/", body(uniqueName()));
    expect([strict.status, await strict.json()]).toEqual([400, { password: ["This password is too common."] }]);
    const basic = await realApp.request("/api/register/", body(uniqueName()), envWith({ PASSWORD_POLICY: "basic" }));
    expect(basic.status).toBe(201);
  });

  it("refuses a taken username with 400 non_field_errors", async () => {
    const user = await nativeUser(request);
    const response = await request("/api/register/", json({ username: user.username, password: STRONG_PASSWORD, password2: STRONG_PASSWORD }));
    expect([response.status, await response.json()]).toEqual([400, { non_field_errors: ["A user with that username or email already exists."] }]);
  });
});

describe("seed 004: login, user, logout", () => {
  it("logs in with a session cookie and returns the CSRF token that the csrftoken cookie also holds", async () => {
    const { user, response, body } = await login();
    expect(body).toEqual({ message: "Login successful", user: { id: user.id, username: user.username, email: user.email }, csrf_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
    expect(cookieValue(response, "csrftoken")).toBe(body.csrf_token);
    expect(setCookies(response).sessionid).toMatch(/; HttpOnly; SameSite=Lax$/);
  });

  it("GET /api/user/ answers the user with the session cookie and 401 without it", async () => {
    const { user, cookie } = await login();
    const me = await request("/api/user/", { headers: { Cookie: cookie } });
    expect([me.status, await me.json()]).toEqual([200, { id: user.id, username: user.username, email: user.email }]);
    const anonymous = await request("/api/user/");
    expect([anonymous.status, await anonymous.json()]).toEqual([401, NOT_PROVIDED]);
  });

  it("refuses logout without X-CSRFToken (403) and logs out with it; the cookie then stops working", async () => {
    const { cookie, body } = await login();
    const refused = await request("/api/logout/", { method: "POST", headers: { Cookie: cookie, "Content-Type": "application/json" } });
    expect([refused.status, await refused.json()]).toEqual([403, { detail: "CSRF Failed: CSRF token missing or incorrect." }]);
    const done = await request("/api/logout/", { method: "POST", headers: { Cookie: cookie, "Content-Type": "application/json", "X-CSRFToken": body.csrf_token } });
    expect([done.status, await done.json()]).toEqual([200, { message: "Logout successful" }]);
    expect(setCookies(done).sessionid).toMatch(/^sessionid=; Max-Age=0;/);
    const after = await request("/api/user/", { headers: { Cookie: cookie } });
    expect([after.status, await after.json()]).toEqual([401, NOT_PROVIDED]);
  });

  it("wrong password: 401 in DRF's detail shape", async () => {
    const user = await nativeUser(request);
    const response = await request("/api/login/", json({ username: user.username, password: "not it at all" }));
    expect([response.status, await response.json()]).toEqual([401, { detail: "Invalid username or password." }]);
  });
});

describe("seed 004: idle expiry slides, writing at most once a minute", () => {
  it("keeps a used session alive past the idle timeout and ends an idle one", async () => {
    const { request: send, clock, stores } = memoryApp();
    const env = envWith({ SESSION_IDLE_TIMEOUT: "300" });
    const sendIdle = (path: string, init?: RequestInit) => send(path, init, env);
    const { cookie } = await login(sendIdle);
    const record = () => [...(stores.sessions as unknown as { entries: Map<string, { value: string }> }).entries.values()].map((e) => e.value).find((v) => v.includes('"kind":"cookie"'));
    const before = record();
    clock.advance(30);
    expect((await sendIdle("/api/user/", { headers: { Cookie: cookie } })).status).toBe(200);
    expect(record()).toBe(before);
    for (const step of [200, 200, 200]) {
      clock.advance(step);
      expect((await sendIdle("/api/user/", { headers: { Cookie: cookie } })).status).toBe(200);
    }
    clock.advance(301);
    const expired = await sendIdle("/api/user/", { headers: { Cookie: cookie } });
    expect([expired.status, await expired.json()]).toEqual([401, NOT_PROVIDED]);
  });
});

describe("seed 004: CORS with credentials for ALLOWED_ORIGINS only", () => {
  const env = envWith({ ALLOWED_ORIGINS: "http://localhost:3000" });
  const preflight = (origin: string) =>
    realApp.request("/api/logout/", { method: "OPTIONS", headers: { Origin: origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type,x-csrftoken" } }, env);

  it("allows a credentialed preflight from an allowed origin", async () => {
    const response = await preflight("http://localhost:3000");
    expect(response.status).toBe(204);
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe("http://localhost:3000");
    expect(response.headers.get("Access-Control-Allow-Credentials")).toBe("true");
    expect(response.headers.get("Access-Control-Allow-Headers")).toContain("X-CSRFToken");
  });

  // The preflight is refused before routing, so it answers in the service's native shape.
  it("refuses a preflight from any other origin with 403 in DRF's dialect and no CORS headers", async () => {
    const response = await preflight("http://localhost:4000");
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ detail: "This origin is not allowed to call this service." });
    expect(response.headers.get("Access-Control-Allow-Origin")).toBeNull();
  });
});

describe("seed 004: paths and methods", () => {
  it("answers a wrong method in DRF's dialect with Allow, and 404 for every method when the profile is off", async () => {
    const wrong = await request("/api/login/");
    expect([wrong.status, await wrong.json(), wrong.headers.get("Allow")]).toEqual([405, { detail: "The GET method is not allowed here." }, "POST"]);
    const off = envWith({ PROFILES: "cookie-session" });
    for (const init of [{}, json({})]) {
      const response = await realApp.request("/api/login/", init, off);
      expect([response.status, await response.json()]).toEqual([404, { error: "not_found", error_description: "No such endpoint." }]);
    }
    const other = await realApp.request("/api/token/", json({}), off);
    expect(other.status).toBe(404);
  });
});

describe("seed 004: a failed sliding write", () => {
  it("still answers the request when KV refuses the renewal (one write per second per key)", async () => {
    const { request: send, clock, stores } = memoryApp();
    const { cookie, user } = await login(send);
    const put = stores.sessions.put;
    stores.sessions.put = async () => {
      throw new Error("KV PUT failed: 429 Too Many Requests");
    };
    clock.advance(120);
    const response = await send("/api/user/", { headers: { Cookie: cookie } });
    stores.sessions.put = put;
    expect([response.status, await response.json()]).toEqual([200, { id: user.id, username: user.username, email: user.email }]);
  });
});
