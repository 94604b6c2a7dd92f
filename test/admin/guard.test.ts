// Who may call /admin: the role is read from the STORED user on every request (not the token's
// claim), so a demotion or a disable works at once; no token is 401, a non-admin 403 on every route.
import { describe, expect, it } from "vitest";
import { json } from "../helpers";
import { FORBIDDEN, bearer, makeAdmin, makeUser, patch, send } from "./support";

const ROUTES: [string, string, RequestInit?][] = [
  ["GET", "/admin/users"],
  ["GET", "/admin/users/00000000-0000-4000-8000-000000000000"],
  ["PATCH", "/admin/users/00000000-0000-4000-8000-000000000000", patch({ roles: ["admin"] })],
  ["POST", "/admin/users/00000000-0000-4000-8000-000000000000/logout"],
  ["DELETE", "/admin/users/00000000-0000-4000-8000-000000000000"],
  ["GET", "/admin/audit"],
  ["POST", "/admin/clients", json({ name: "x", scopes: [] })],
  ["GET", "/admin/clients"],
  ["DELETE", "/admin/clients/00000000-0000-4000-8000-000000000000"],
  ["POST", "/admin/clients/00000000-0000-4000-8000-000000000000/secret"],
];

describe("attack: a non-admin on every admin route", () => {
  it.each(ROUTES)("%s %s → 403 forbidden, nothing else said", async (method, path, init) => {
    const user = await makeUser("plain");
    const response = await user.as(path, { ...init, method });
    expect([response.status, await response.json()]).toEqual([403, FORBIDDEN]);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
  });

  it.each(ROUTES)("%s %s without a token → 401 invalid_token with a bare challenge", async (method, path, init) => {
    const response = await send(path, { ...init, method });
    expect([response.status, await response.json()]).toEqual([401, { error: "invalid_token", error_description: "No access token was provided." }]);
    expect(response.headers.get("WWW-Authenticate")).toBe('Bearer realm="edge-auth"');
  });

  it("refuses a forged or garbage token with 401 before any role check", async () => {
    const response = await send("/admin/users", { headers: bearer("not.a.jwt") });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: string }).error).toBe("invalid_token");
  });
});

describe("attack: an admin demoted mid-session", () => {
  it("is refused on the next admin call although the token still claims the role", async () => {
    const [a, b] = [await makeAdmin(), await makeAdmin()];
    expect((await a.as("/admin/users?limit=1")).status).toBe(200);
    const demoted = await b.as(`/admin/users/${a.id}`, patch({ roles: [] }));
    expect(demoted.status).toBe(200);
    // A's access token was issued while A was admin; it is still valid as a token.
    expect((await a.as("/auth/me")).status).toBe(200);
    const next = await a.as("/admin/users?limit=1");
    expect([next.status, await next.json()]).toEqual([403, FORBIDDEN]);
  });

  it("a disabled admin's token is dead: 401, not even 403", async () => {
    const [a, b] = [await makeAdmin(), await makeAdmin()];
    expect((await b.as(`/admin/users/${a.id}`, patch({ is_active: false }))).status).toBe(200);
    const next = await a.as("/admin/users?limit=1");
    expect([next.status, await next.json()]).toEqual([401, { error: "invalid_token", error_description: "The access token is invalid or has expired." }]);
  });

  it("a user promoted mid-session is admitted with the token it already holds (roles claim [])", async () => {
    const [a, user] = [await makeAdmin(), await makeUser("promo")];
    expect((await user.as("/admin/users?limit=1")).status).toBe(403);
    expect((await a.as(`/admin/users/${user.id}`, patch({ roles: ["admin"] }))).status).toBe(200);
    expect((await user.as("/admin/users?limit=1")).status).toBe(200);
  });
});

describe("an admin authenticated by cookie", () => {
  async function cookieAdmin() {
    const admin = await makeAdmin();
    const login = await send("/auth/login", json({ username: admin.username, password: "correct horse battery staple", mode: "cookie" }));
    expect(login.status).toBe(200);
    const access = (login.headers.get("Set-Cookie") ?? "").match(/edge_access=([^;]+)/)![1]!;
    return { admin, cookie: `edge_access=${access}` };
  }

  it("reads with the cookie, and an unsafe request from a foreign Origin is refused before anything changes", async () => {
    const { cookie } = await cookieAdmin();
    const target = await makeUser("victim");
    expect((await send("/admin/users?limit=1", { headers: { Cookie: cookie, Origin: "https://evil.example" } })).status).toBe(200);
    const forged = await send(`/admin/users/${target.id}`, { ...patch({ roles: ["admin"] }), headers: { "Content-Type": "application/json", Cookie: cookie, Origin: "https://evil.example" } });
    expect([forged.status, await forged.json()]).toEqual([403, { error: "forbidden", error_description: "Cross-origin requests authenticated by cookie are not allowed from this origin." }]);
    const same = await send(`/admin/users/${target.id}`, { ...patch({ roles: ["staff"] }), headers: { "Content-Type": "application/json", Cookie: cookie, Origin: "http://localhost" } });
    expect(same.status).toBe(200);
    expect(((await same.json()) as { user: { roles: string[] } }).user.roles).toEqual(["staff"]);
  });
});
