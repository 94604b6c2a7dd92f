// Seed 004 (DRF session API): a refusal because of the browser's Origin names the origin check, in
// DRF's "CSRF Failed: <reason>" form (Django's reason is "Origin checking failed"), instead of
// blaming a CSRF token the client may well have sent correctly. A bad token keeps DRF's own text.
import { describe, expect, it } from "vitest";
import { json, realApp, testEnv } from "../helpers";
import { cookieHeader, nativeUser } from "../profiles/support";

const request = (path: string, init?: RequestInit) => realApp.request(path, init, testEnv);
const ORIGIN_REFUSED = { detail: "CSRF Failed: Origin checking failed - the request's Origin does not match any trusted origins." };
const TOKEN_REFUSED = { detail: "CSRF Failed: CSRF token missing or incorrect." };

async function login() {
  const user = await nativeUser(request);
  const response = await request("/api/login/", json({ username: user.username, password: user.password }));
  const { csrf_token } = (await response.json()) as { csrf_token: string };
  return { Cookie: cookieHeader(response), "Content-Type": "application/json", "X-CSRFToken": csrf_token };
}

describe("seed 004: an Origin refusal has its own message", () => {
  it("refuses a logout with the right token from a foreign origin: 403, origin message, session kept", async () => {
    const headers = await login();
    const refused = await request("/api/logout/", { method: "POST", headers: { ...headers, Origin: "https://evil.example" }, body: "{}" });
    expect([refused.status, refused.headers.get("Set-Cookie"), await refused.json()]).toEqual([403, null, ORIGIN_REFUSED]);
    const user = await request("/api/user/", { headers: { Cookie: headers.Cookie } });
    expect(user.status).toBe(200);
  });

  it("refuses a login form posted from a foreign page with the origin message", async () => {
    const refused = await request("/api/login/", { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: "https://evil.example" }, body: "username=a&password=b" });
    expect([refused.status, await refused.json()]).toEqual([403, ORIGIN_REFUSED]);
  });

  it("keeps DRF's token message for a wrong token from the service's own origin", async () => {
    const headers = await login();
    const refused = await request("/api/logout/", { method: "POST", headers: { ...headers, "X-CSRFToken": "wrong", Origin: "http://localhost" }, body: "{}" });
    expect([refused.status, await refused.json()]).toEqual([403, TOKEN_REFUSED]);
  });
});
