// How a native client chooses where its tokens go: `mode: "token"` (the default) answers tokens in
// the body and sets no cookie; `mode: "cookie"` sets HttpOnly cookies and puts no token in the
// body, so no script on an allowed origin can read a refresh token. Refresh answers in the mode
// the refresh token arrived in; logout accepts the refresh credential too.
import { describe, expect, it } from "vitest";
import { json, memoryApp, realApp, registerUser, setCookies, STRONG_PASSWORD, testEnv, uniqueName } from "../helpers";

const request = (path: string, init?: RequestInit) => realApp.request(path, init, testEnv);

const USER = { id: expect.stringMatching(/^[0-9a-f-]{36}$/), username: expect.any(String), email: null, email_verified: false, roles: [], created_at: expect.any(String) };
const TOKEN_BODY = { user: USER, access_token: expect.any(String), token_type: "Bearer", expires_in: 300, refresh_token: expect.any(String), refresh_expires_in: expect.any(Number) };
const COOKIE_BODY = { user: USER, token_type: "Bearer", expires_in: 300, refresh_expires_in: expect.any(Number) };
// workerd advances its clock after I/O, so the refresh lifetime may be a second short.
const REFRESH_MAX_AGE = "(?:1209600|120959[0-9])";
const ACCESS_COOKIE = /^edge_access=[A-Za-z0-9._-]+; Max-Age=300; Path=\/; HttpOnly; SameSite=Strict$/;
const REFRESH_COOKIE = new RegExp(`^edge_refresh=[A-Za-z0-9._-]+; Max-Age=${REFRESH_MAX_AGE}; Path=/auth; HttpOnly; SameSite=Strict$`);
const CLEARED = ["edge_access=; Max-Age=0; Path=/; HttpOnly; SameSite=Strict", "edge_refresh=; Max-Age=0; Path=/auth; HttpOnly; SameSite=Strict"];
const INVALID_GRANT = { error: "invalid_grant", error_description: "The refresh token is invalid, expired or revoked." };

/** The Cookie header a browser sends back after this response: `name=value; ...`. */
const cookieHeaderOf = (response: Response) => setCookies(response).map((line) => line.split(";")[0]).join("; ");
const cookieNamed = (response: Response, name: string) => setCookies(response).map((line) => line.split(";")[0]!).find((pair) => pair.startsWith(`${name}=`))!;

describe("mode on login and register", () => {
  it("token mode (the default) answers the tokens in the body and sets no cookie", async () => {
    const username = uniqueName("tok");
    for (const [path, body, status] of [
      ["/auth/register", { username, password: STRONG_PASSWORD }, 201],
      ["/auth/login", { username, password: STRONG_PASSWORD }, 200],
      ["/auth/login", { username, password: STRONG_PASSWORD, mode: "token" }, 200],
    ] as const) {
      const response = await request(path, json(body));
      expect([path, response.status, response.headers.get("Cache-Control"), setCookies(response)]).toEqual([path, status, "no-store", []]);
      expect(await response.json()).toEqual({ ...TOKEN_BODY, user: { ...USER, username } });
    }
  });

  it("cookie mode sets both HttpOnly cookies and answers no token in the body", async () => {
    const username = uniqueName("ck");
    for (const [path, status] of [["/auth/register", 201], ["/auth/login", 200]] as const) {
      const response = await request(path, json({ username, password: STRONG_PASSWORD, mode: "cookie" }));
      expect([path, response.status, response.headers.get("Cache-Control")]).toEqual([path, status, "no-store"]);
      expect(setCookies(response)).toEqual([expect.stringMatching(ACCESS_COOKIE), expect.stringMatching(REFRESH_COOKIE)]);
      expect(await response.json()).toEqual({ ...COOKIE_BODY, user: { ...USER, username } });
    }
  });

  it.each([["a", "session"], ["a number", 1], ["null", null]])("refuses %s as mode with 400 fields.mode and starts no session", async (_, mode) => {
    const response = await request("/auth/register", json({ username: uniqueName("bad"), password: STRONG_PASSWORD, mode }));
    expect([response.status, setCookies(response)]).toEqual([400, []]);
    expect(await response.json()).toEqual({ error: "invalid_request", error_description: "The request has invalid fields.", fields: { mode: 'Must be "token" or "cookie".' } });
  });
});

describe("refresh answers in the mode the refresh token arrived in", () => {
  it("a body refresh token gets body tokens and no cookie", async () => {
    const registered = await registerUser(request);
    const response = await request("/auth/refresh", json({ refresh_token: registered.refresh_token }));
    expect([response.status, setCookies(response)]).toEqual([200, []]);
    expect(await response.json()).toEqual({ ...TOKEN_BODY, user: { ...USER, username: registered.username, email: `${registered.username}@example.com` } });
  });

  it("a refresh cookie gets rotated cookies and no token in the body", async () => {
    const login = await request("/auth/register", json({ username: uniqueName("rc"), password: STRONG_PASSWORD, mode: "cookie" }));
    const response = await request("/auth/refresh", json({}, { headers: { Cookie: cookieHeaderOf(login) } }));
    expect(response.status).toBe(200);
    expect(setCookies(response)).toEqual([expect.stringMatching(ACCESS_COOKIE), expect.stringMatching(new RegExp(`^edge_refresh=[A-Za-z0-9_-]+\\.1\\.[^;]+; Max-Age=${REFRESH_MAX_AGE}; Path=/auth; HttpOnly; SameSite=Strict$`))]);
    expect(await response.json()).toEqual({ ...COOKIE_BODY, user: expect.objectContaining({ id: expect.any(String) }) });
  });

  it("with both, the body token is used and the answer is in token mode", async () => {
    const cookieLogin = await request("/auth/register", json({ username: uniqueName("both"), password: STRONG_PASSWORD, mode: "cookie" }));
    const tokenUser = await registerUser(request);
    const response = await request("/auth/refresh", json({ refresh_token: tokenUser.refresh_token }, { headers: { Cookie: cookieHeaderOf(cookieLogin) } }));
    expect([response.status, setCookies(response)]).toEqual([200, []]);
    const body = (await response.json()) as { user: { id: string }; refresh_token: string };
    expect([body.user.id, body.refresh_token.split(".")[0]]).toEqual([tokenUser.user.id, tokenUser.refresh_token.split(".")[0]]);
  });
});

describe("logout with the refresh credential", () => {
  it("ends a cookie session whose access cookie has expired, with only the refresh cookie", async () => {
    const { request: send, clock } = memoryApp();
    const login = await send("/auth/register", json({ username: uniqueName("exp"), password: STRONG_PASSWORD, mode: "cookie" }));
    expect(login.status).toBe(201);
    const refreshCookie = cookieNamed(login, "edge_refresh");
    // The browser drops edge_access after its Max-Age (300 s); only edge_refresh is left.
    clock.advance(301);
    const logout = await send("/auth/logout", json({}, { headers: { Cookie: refreshCookie } }));
    expect([logout.status, setCookies(logout), await logout.text()]).toEqual([204, CLEARED, ""]);
    const again = await send("/auth/refresh", json({}, { headers: { Cookie: refreshCookie } }));
    expect([again.status, setCookies(again), await again.json()]).toEqual([401, [], INVALID_GRANT]);
  });

  it("ends the family of a refresh token sent in the body", async () => {
    const registered = await registerUser(request);
    const logout = await request("/auth/logout", json({ refresh_token: registered.refresh_token }));
    expect([logout.status, await logout.text()]).toEqual([204, ""]);
    const again = await request("/auth/refresh", json({ refresh_token: registered.refresh_token }));
    expect([again.status, await again.json()]).toEqual([401, INVALID_GRANT]);
    const me = await request("/auth/me", { headers: { Authorization: `Bearer ${registered.access_token}` } });
    expect(me.status).toBe(401);
  });

  it('with {"all": true} and a refresh credential ends every session of the user', async () => {
    const first = await registerUser(request);
    const second = await request("/auth/login", json({ username: first.username, password: STRONG_PASSWORD, mode: "cookie" }));
    const logout = await request("/auth/logout", json({ all: true }, { headers: { Cookie: cookieNamed(second, "edge_refresh") } }));
    expect(logout.status).toBe(204);
    const refresh = await request("/auth/refresh", json({ refresh_token: first.refresh_token }));
    expect([refresh.status, await refresh.json()]).toEqual([401, INVALID_GRANT]);
  });

  it('refuses {"all": true} with a rotated refresh token, or one of a family a logout-all already ended, and the newer session lives on', async () => {
    const { request: send } = memoryApp();
    const first = await registerUser(send);
    const rotated = await send("/auth/refresh", json({ refresh_token: first.refresh_token }));
    expect(rotated.status).toBe(200);
    const stale = await send("/auth/logout", json({ all: true, refresh_token: first.refresh_token }));
    expect([stale.status, setCookies(stale), await stale.json()]).toEqual([401, [], INVALID_GRANT]);

    const second = (await (await send("/auth/login", json({ username: first.username, password: STRONG_PASSWORD }))).json()) as { access_token: string; refresh_token: string };
    expect((await send("/auth/logout", json({ all: true }, { headers: { Authorization: `Bearer ${second.access_token}` } }))).status).toBe(204);
    const third = (await (await send("/auth/login", json({ username: first.username, password: STRONG_PASSWORD }))).json()) as { access_token: string };
    const { refresh_token: ended } = (await rotated.json()) as { refresh_token: string };
    const late = await send("/auth/logout", json({ all: true, refresh_token: ended }));
    expect([late.status, await late.json()]).toEqual([401, INVALID_GRANT]);
    expect((await send("/auth/me", { headers: { Authorization: `Bearer ${third.access_token}` } })).status).toBe(200);
  });

  it("refuses a refresh-cookie logout from a foreign Origin and the session lives on", async () => {
    const login = await request("/auth/register", json({ username: uniqueName("orig"), password: STRONG_PASSWORD, mode: "cookie" }));
    const refreshCookie = cookieNamed(login, "edge_refresh");
    const logout = await request("/auth/logout", json({}, { headers: { Cookie: refreshCookie, Origin: "https://evil.example" } }));
    expect([logout.status, setCookies(logout), await logout.json()]).toEqual([
      403, [], { error: "forbidden", error_description: "Cross-origin requests authenticated by cookie are not allowed from this origin." },
    ]);
    expect((await request("/auth/refresh", json({}, { headers: { Cookie: refreshCookie } }))).status).toBe(200);
  });

  it("ends the family with the predecessor of a concurrent rotation (another tab's cookie)", async () => {
    const { request: send } = memoryApp();
    const login = await send("/auth/register", json({ username: uniqueName("tab"), password: STRONG_PASSWORD, mode: "cookie" }));
    const before = cookieNamed(login, "edge_refresh");
    const rotated = await send("/auth/refresh", json({}, { headers: { Cookie: before } }));
    expect(rotated.status).toBe(200);
    const logout = await send("/auth/logout", json({}, { headers: { Cookie: before } }));
    expect([logout.status, setCookies(logout)]).toEqual([204, CLEARED]);
    const after = await send("/auth/refresh", json({}, { headers: { Cookie: cookieNamed(rotated, "edge_refresh") } }));
    expect([after.status, await after.json()]).toEqual([401, INVALID_GRANT]);
  });

  it("refuses a forged refresh token, and a seed-000 sessionid, with 401 invalid_grant", async () => {
    const user = await registerUser(request);
    const seedLogin = await request("/accounts/login/", json({ username: user.username, password: STRONG_PASSWORD }));
    const sessionid = cookieNamed(seedLogin, "sessionid").slice("sessionid=".length);
    for (const refresh_token of ["not-a-token", sessionid]) {
      const logout = await request("/auth/logout", json({ refresh_token }));
      expect([logout.status, setCookies(logout), await logout.json()]).toEqual([401, [], INVALID_GRANT]);
    }
  });
});
