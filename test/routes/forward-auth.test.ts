// Forward auth (/auth/verify): the sub-request nginx auth_request, Caddy forward_auth and Traefik
// ForwardAuth make for every request. Real local D1/KV; exact status, headers and body together.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { defaultStores } from "../../src/runtime";
import { guardStorage } from "../../src/storage/guard";
import type { AllStores } from "../../src/storage/ports";
import { basic, form, makeClient, send } from "../oauth/support";
import { json, realApp, registerUser, STRONG_PASSWORD, TestClock, testEnv, uniqueName } from "../helpers";

const request = (path: string, init?: RequestInit) => realApp.request(path, init, testEnv);
const bearer = (token: string) => ({ headers: { Authorization: `Bearer ${token}` } });

/** Every response header but the ones secureHeaders and CORS (Vary: Origin) add to every answer. */
function ownHeaders(response: Response): Record<string, string> {
  const common = new Set(["cross-origin-opener-policy", "cross-origin-resource-policy", "origin-agent-cluster", "referrer-policy", "strict-transport-security", "x-content-type-options", "x-frame-options", "vary"]);
  return Object.fromEntries([...response.headers.entries()].filter(([name]) => !common.has(name)));
}

async function userWithRoles(roles: string[], username = uniqueName("fwd")) {
  const registered = await registerUser(request, username);
  // Set before anything reads the user, so no isolate cache holds the row without them.
  await env.DB.prepare("UPDATE users SET roles = ? WHERE id = ?").bind(JSON.stringify(roles), registered.user.id).run();
  const login = await request("/auth/login", json({ username, password: STRONG_PASSWORD }));
  const body = (await login.json()) as { access_token: string; refresh_token: string };
  const sid = JSON.parse(atob(body.access_token.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/"))).sid as string;
  return { ...registered, ...body, sid };
}

const INVALID = { error: "invalid_token", error_description: "The access token is invalid or has expired." };
const CHALLENGE = 'Bearer realm="edge-auth", error="invalid_token", error_description="The access token is invalid or has expired."';

describe("GET /auth/verify (forward auth)", () => {
  it("answers 200 with no body and the X-Auth-* headers for a valid bearer token", async () => {
    const user = await userWithRoles(["editor", "billing"]);
    const response = await request("/auth/verify", bearer(user.access_token));
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("");
    expect(ownHeaders(response)).toEqual({
      "cache-control": "no-store",
      "x-auth-user-id": user.user.id,
      "x-auth-username": user.username,
      "x-auth-roles": "editor,billing",
      "x-auth-session": user.sid,
    });
  });

  it("answers any method the same way: a gateway may forward the original one", async () => {
    const user = await userWithRoles([]);
    for (const method of ["POST", "PUT", "DELETE", "PATCH", "HEAD"]) {
      const response = await request("/auth/verify", { method, headers: { Authorization: `Bearer ${user.access_token}`, "Content-Type": "text/plain" }, body: method === "HEAD" ? undefined : "the original body" });
      expect([method, response.status, response.headers.get("X-Auth-User-Id"), response.headers.get("X-Auth-Roles")]).toEqual([method, 200, user.user.id, ""]);
    }
  });

  it("accepts the native access cookie, with no Origin check: a sub-request is a read that changes nothing", async () => {
    const username = uniqueName("fwdc");
    await registerUser(request, username);
    const login = await request("/auth/login", json({ username, password: STRONG_PASSWORD, mode: "cookie" }));
    const access = login.headers.get("Set-Cookie")!.match(/edge_access=([^;]+)/)![1]!;
    const response = await request("/auth/verify", { headers: { Cookie: `edge_access=${access}`, Origin: "https://elsewhere.example" } });
    expect([response.status, response.headers.get("X-Auth-Username")]).toEqual([200, username]);
  });

  it("answers 401 with a bare challenge when no token is sent", async () => {
    const response = await request("/auth/verify");
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: "invalid_token", error_description: "No access token was provided." });
    expect(ownHeaders(response)).toEqual({ "cache-control": "no-store", "content-type": "application/json", "www-authenticate": 'Bearer realm="edge-auth"' });
  });

  it.each([
    ["a forged token", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"],
    ["a malformed header", "not a token"],
  ])("answers 401 invalid_token for %s", async (_, token) => {
    const response = await request("/auth/verify", bearer(token));
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual(INVALID);
    expect(ownHeaders(response)).toEqual({ "cache-control": "no-store", "content-type": "application/json", "www-authenticate": CHALLENGE });
  });

  it("answers 401 once the session is logged out, though the token has not expired", async () => {
    const user = await userWithRoles([]);
    expect((await request("/auth/verify", bearer(user.access_token))).status).toBe(200);
    expect((await request("/auth/logout", { method: "POST", ...bearer(user.access_token) })).status).toBe(204);
    const response = await request("/auth/verify", bearer(user.access_token));
    expect([response.status, await response.json(), response.headers.get("WWW-Authenticate")]).toEqual([401, INVALID, CHALLENGE]);
  });

  it("answers 401 for a disabled user and after the user's token_version moved", async () => {
    const disabled = await userWithRoles([]);
    await env.DB.prepare("UPDATE users SET is_active = 0 WHERE id = ?").bind(disabled.user.id).run();
    const bumped = await userWithRoles([]);
    await env.DB.prepare("UPDATE users SET token_version = token_version + 1 WHERE id = ?").bind(bumped.user.id).run();
    // Fresh apps over the real bindings, with no cached row: the cross-isolate case is the read cache's bound.
    for (const token of [disabled.access_token, bumped.access_token]) {
      const app = createApp({ stores: () => defaultStores(testEnv) });
      const response = await app.request("/auth/verify", bearer(token), testEnv);
      expect([response.status, await response.json()]).toEqual([401, INVALID]);
    }
  });

  it("answers 401 for an expired token", async () => {
    const clock = new TestClock(Date.now());
    const app = createApp({ clock: clock.now });
    const user = await userWithRoles([]);
    clock.advance(301);
    const response = await app.request("/auth/verify", bearer(user.access_token), testEnv);
    expect([response.status, await response.json(), response.headers.get("WWW-Authenticate")]).toEqual([401, INVALID, CHALLENGE]);
  });
});

describe("/auth/verify and service tokens", () => {
  it("answers 401 for a client_credentials token: forward auth names users; a gateway checks a service's token by introspection", async () => {
    const client = await makeClient(["orders:read"]);
    const issued = await send("/oauth/token", form({ grant_type: "client_credentials" }, basic(client.client_id, client.client_secret)));
    const { access_token } = (await issued.json()) as { access_token: string };
    const response = await request("/auth/verify", bearer(access_token));
    expect([response.status, await response.json(), response.headers.get("X-Auth-User-Id")]).toEqual([401, INVALID, null]);
  });
});

describe("GET /auth/verify?role=NAME", () => {
  it("answers 200 when the user holds every role named", async () => {
    const user = await userWithRoles(["admin", "ops"]);
    const response = await request("/auth/verify?role=admin&role=ops", bearer(user.access_token));
    expect([response.status, response.headers.get("X-Auth-Roles")]).toEqual([200, "admin,ops"]);
  });

  it("answers 403 forbidden, with no X-Auth-* headers, when the user lacks one", async () => {
    const user = await userWithRoles(["ops"]);
    const response = await request("/auth/verify?role=admin", bearer(user.access_token));
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ error: "forbidden", error_description: "This account lacks the role this resource requires." });
    expect(ownHeaders(response)).toEqual({ "cache-control": "no-store", "content-type": "application/json" });
  });

  it("checks the token before the role: no token is 401, not 403", async () => {
    const response = await request("/auth/verify?role=admin");
    expect([response.status, response.headers.get("WWW-Authenticate")]).toEqual([401, 'Bearer realm="edge-auth"']);
  });

  it("answers 400 for an empty role name (a gateway misconfiguration, not a missing role)", async () => {
    const user = await userWithRoles([]);
    const response = await request("/auth/verify?role=", bearer(user.access_token));
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: "invalid_request", error_description: "The request has invalid fields.", fields: { role: "This field may not be blank." } });
  });
});

describe("/auth/verify header values", () => {
  it("percent-encodes a username outside printable ASCII, so the header stays valid and decodes back", async () => {
    const username = uniqueName("zoë");
    const user = await userWithRoles([], username);
    const response = await request("/auth/verify", bearer(user.access_token));
    expect(response.status).toBe(200);
    const header = response.headers.get("X-Auth-Username")!;
    expect(header).toMatch(/^[\x21-\x7e]+$/);
    expect(decodeURIComponent(header)).toBe(username);
  });
});

describe("/auth/verify role values", () => {
  it("percent-encodes a comma, a space or a line break inside a role, so roles split on ',' and no header can be injected", async () => {
    const user = await userWithRoles(["a,b", "ops team", "x\r\nX-Injected: 1"]);
    const response = await request("/auth/verify?role=a%2Cb", bearer(user.access_token));
    expect(response.status).toBe(200);
    expect(response.headers.get("X-Auth-Roles")).toBe("a%2Cb,ops%20team,x%0D%0AX-Injected:%201");
    expect(response.headers.get("X-Injected")).toBeNull();
  });
});

describe("/auth/verify fast path", () => {
  it("writes nothing and never hashes: every write and the identifier lookup fail if called", async () => {
    const user = await userWithRoles(["ops"]);
    const stores = defaultStores(testEnv);
    const forbid = (port: keyof AllStores, method: string) => {
      (stores[port] as unknown as Record<string, unknown>)[method] = () => Promise.reject(new Error(`${port}.${method} called on the fast path`));
    };
    for (const method of ["create", "recordLogin", "bumpTokenVersion", "findByIdentifier"]) forbid("users", method);
    for (const method of ["put", "revoke"]) forbid("sessions", method);
    for (const method of ["recordFailure", "recordSuccess", "lockState"]) forbid("attempts", method);
    forbid("audit", "record");
    const app = createApp({ stores: () => stores });
    const response = await app.request("/auth/verify?role=ops", bearer(user.access_token), testEnv);
    expect([response.status, response.headers.get("X-Auth-User-Id")]).toEqual([200, user.user.id]);
  });

  it("fails closed with 503 and Retry-After when the revocation read fails", async () => {
    const user = await userWithRoles([]);
    const stores = defaultStores(testEnv);
    stores.sessions.isRevoked = () => guardStorage("sessions.isRevoked", () => Promise.reject(new Error("injected fault")));
    const app = createApp({ stores: () => stores });
    const response = await app.request("/auth/verify", bearer(user.access_token), testEnv);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ error: "temporarily_unavailable", error_description: "The service is temporarily unavailable. Try again shortly." });
    expect(ownHeaders(response)).toEqual({ "cache-control": "no-store", "content-type": "application/json", "retry-after": "5" });
  });
});
