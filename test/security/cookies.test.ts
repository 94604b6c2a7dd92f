// Cookie names and attributes over https (the e2e suite covers plain http), and the refusal of a
// credential cookie that arrives more than once (a sibling subdomain can plant a second one).
import { describe, expect, it } from "vitest";
import { json, realApp, registerUser, setCookies, STRONG_PASSWORD, testEnv, uniqueName } from "../helpers";

const HTTPS = "https://auth.test.example";
const request = (path: string, init?: RequestInit) => realApp.request(path, init, testEnv);
const cookieLogin = (base = "") => request(`${base}/auth/register`, json({ username: uniqueName("ck"), password: STRONG_PASSWORD, mode: "cookie" }));
/** `name=value` of the cookie this response sets under `name`. */
const pairOf = (response: Response, name: string) => setCookies(response).map((line) => line.split(";")[0]!).find((pair) => pair.startsWith(`${name}=`))!;
const valueOf = (response: Response, name: string) => pairOf(response, name).slice(name.length + 1);

describe("native cookies over https", () => {
  it("are __Host- cookies: Secure, Path=/, no Domain, HttpOnly, SameSite=Strict", async () => {
    const response = await cookieLogin(HTTPS);
    expect(response.status).toBe(201);
    expect(setCookies(response)).toEqual([
      expect.stringMatching(/^__Host-edge_access=[A-Za-z0-9._-]+; Max-Age=300; Path=\/; HttpOnly; Secure; SameSite=Strict$/),
      expect.stringMatching(/^__Host-edge_refresh=[A-Za-z0-9._-]+; Max-Age=(?:120959[0-9]|1209600); Path=\/; HttpOnly; Secure; SameSite=Strict$/),
    ]);
  });

  it("are read under their __Host- names only, and cleared under them at logout", async () => {
    const login = await cookieLogin(HTTPS);
    const access = valueOf(login, "__Host-edge_access");
    const me = await request(`${HTTPS}/auth/me`, { headers: { Cookie: `__Host-edge_access=${access}` } });
    expect(me.status).toBe(200);
    // The unprefixed name is what a sibling subdomain could set; over https it is not a credential.
    const planted = await request(`${HTTPS}/auth/me`, { headers: { Cookie: `edge_access=${access}` } });
    expect([planted.status, await planted.json()]).toEqual([401, { error: "invalid_token", error_description: "No access token was provided." }]);
    const refresh = await request(`${HTTPS}/auth/refresh`, json({}, { headers: { Cookie: `edge_refresh=${valueOf(login, "__Host-edge_refresh")}` } }));
    expect(refresh.status).toBe(400);

    const logout = await request(`${HTTPS}/auth/logout`, json({}, { headers: { Cookie: pairOf(login, "__Host-edge_refresh") } }));
    expect([logout.status, setCookies(logout)]).toEqual([204, [
      "__Host-edge_access=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Strict",
      "__Host-edge_refresh=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Strict",
    ]]);
  });
});

describe("a credential cookie that arrives twice is refused, never resolved by picking one", () => {
  const AMBIGUOUS = (name: string) => `More than one ${name} cookie was sent (another site on this domain may have set one); clear this site's cookies and log in again.`;

  it("two edge_refresh values: refresh answers as with no refresh token, and the session lives on", async () => {
    const login = await cookieLogin();
    const real = pairOf(login, "edge_refresh");
    const planted = "edge_refresh=planted.0.by.sibling";
    for (const cookie of [`${planted}; ${real}`, `${real}; ${planted}`]) {
      const response = await request("/auth/refresh", json({}, { headers: { Cookie: cookie } }));
      expect([response.status, setCookies(response), await response.json()]).toEqual([
        400, [], { error: "invalid_request", error_description: "The request has invalid fields.", fields: { refresh_token: AMBIGUOUS("edge_refresh") } },
      ]);
    }
    const logout = await request("/auth/logout", json({}, { headers: { Cookie: `${real}; ${planted}` } }));
    expect([logout.status, logout.headers.get("WWW-Authenticate"), await logout.json()]).toEqual([
      401, 'Bearer realm="edge-auth"', { error: "invalid_token", error_description: AMBIGUOUS("edge_refresh") },
    ]);
    expect((await request("/auth/refresh", json({}, { headers: { Cookie: real } }))).status).toBe(200);
  });

  it("two edge_access values: /auth/me answers as with no access token", async () => {
    const login = await cookieLogin();
    const response = await request("/auth/me", { headers: { Cookie: `edge_access=planted; ${pairOf(login, "edge_access")}` } });
    expect([response.status, response.headers.get("WWW-Authenticate"), await response.json()]).toEqual([
      401, 'Bearer realm="edge-auth"', { error: "invalid_token", error_description: AMBIGUOUS("edge_access") },
    ]);
  });

  it("the same value twice (one cookie at two paths) is one credential", async () => {
    const login = await cookieLogin();
    const access = pairOf(login, "edge_access");
    expect((await request("/auth/me", { headers: { Cookie: `${access}; ${access}` } })).status).toBe(200);
  });

  it("two sessionid values: seed 000 answers 401 Authentication required, and the session lives on", async () => {
    const user = await registerUser(request);
    const login = await request("/accounts/login/", json({ username: user.username, password: STRONG_PASSWORD }));
    expect(login.status).toBe(200);
    const csrf = valueOf(login, "csrftoken");
    const cookie = `${pairOf(login, "sessionid")}; csrftoken=${csrf}`;
    // The browser orders cookies by path length, then age: the planted one may come either first or last.
    for (const twice of [`sessionid=planted-by-sibling; ${cookie}`, `${cookie}; sessionid=planted-by-sibling`]) {
      const logout = await request("/accounts/logout/", json({}, { headers: { Cookie: twice, "X-CSRFToken": csrf } }));
      expect([logout.status, logout.headers.get("WWW-Authenticate"), await logout.json()]).toEqual([
        401, 'Session realm="edge-auth"', { error: "Authentication required", status: 401 },
      ]);
    }
    const proper = await request("/accounts/logout/", json({}, { headers: { Cookie: cookie, "X-CSRFToken": csrf } }));
    expect([proper.status, await proper.json()]).toEqual([200, { message: "Logout successful" }]);
  });

  it("two sessionid values: seed 004's GET /api/user/ answers 401 as without a session", async () => {
    const user = await registerUser(request);
    const login = await request("/api/login/", json({ username: user.username, password: STRONG_PASSWORD }));
    const response = await request("/api/user/", { headers: { Cookie: `${pairOf(login, "sessionid")}; sessionid=planted` } });
    expect([response.status, await response.json()]).toEqual([401, { detail: "Authentication credentials were not provided." }]);
  });

  it("two csrftoken values: seed 004's logout is refused as with a missing CSRF token", async () => {
    const user = await registerUser(request);
    const login = await request("/api/login/", json({ username: user.username, password: STRONG_PASSWORD }));
    const csrf = valueOf(login, "csrftoken");
    const headers = { Cookie: `${pairOf(login, "sessionid")}; csrftoken=planted; csrftoken=${csrf}`, "X-CSRFToken": csrf };
    const logout = await request("/api/logout/", json({}, { headers }));
    expect([logout.status, await logout.json()]).toEqual([403, { detail: "CSRF Failed: CSRF token missing or incorrect." }]);
  });
});
