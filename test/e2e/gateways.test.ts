// Forward auth behind real gateways: Debian's nginx (auth_request) and caddy (forward_auth), run
// from the configuration files docs/gateways.md shows, in front of a stand-in API, asking a worker
// started as `npm start` starts it. A valid token reaches the API with the X-Auth-* headers; a
// missing, forged, expired or revoked one is stopped at the gateway with 401; /admin/ asks for
// ?role=admin and is 403 for a user without it.
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error plain ESM helper shared with the dev scripts
import { generateSigningKey } from "../../scripts/keys.mjs";
import { forgeKit, type ForgeKeys } from "../security/forge";
import { startCaddy, startNginx, startUpstream, type Running } from "./gateway-servers";
import { fetchRetryingStaleSocket, freePort, startWorker, type RunningWorker } from "./worker";

const keys: ForgeKeys = { RS256: generateSigningKey("RS256"), RS256_NEXT: generateSigningKey("RS256"), ES256: generateSigningKey("ES256"), EdDSA: generateSigningKey("EdDSA") };
const kit = forgeKit(keys);
const PASSWORD = "correct horse battery staple";

let worker: RunningWorker;
let upstream: { port: number; stop(): Promise<void> };
const gateways: Record<"nginx" | "caddy", Running | undefined> = { nginx: undefined, caddy: undefined };

beforeAll(async () => {
  [worker, upstream] = await Promise.all([startWorker({ SIGNING_KEYS: JSON.stringify({ keys: [keys.RS256] }), ACTIVE_KID: keys.RS256.kid }), startUpstream()]);
  const ports = (gateway: number) => ({ gateway, worker: worker.port, upstream: upstream.port });
  [gateways.nginx, gateways.caddy] = await Promise.all([startNginx(ports(await freePort())), startCaddy(ports(await freePort()))]);
});
afterAll(async () => {
  await Promise.all([gateways.nginx?.stop(), gateways.caddy?.stop(), upstream?.stop(), worker?.stop()]);
});

async function login(roles: string[] = []) {
  const username = `gw${crypto.randomUUID().slice(0, 12)}`;
  const registered = await fetchRetryingStaleSocket(`${worker.url}/auth/register`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ username, password: PASSWORD }) });
  expect(registered.status).toBe(201);
  const { user } = (await registered.json()) as { user: { id: string } };
  if (roles.length > 0) {
    // Before the worker has read the user, so no cached row lacks them.
    const sql = `UPDATE users SET roles = '${JSON.stringify(roles)}' WHERE id = '${user.id}'`;
    const run = spawnSync("node_modules/.bin/wrangler", ["d1", "execute", "DB", "--local", "--persist-to", worker.persist, "--command", sql], { encoding: "utf8", env: { ...process.env, WRANGLER_SEND_METRICS: "false" } });
    expect(run.status, run.stderr).toBe(0);
  }
  const response = await fetchRetryingStaleSocket(`${worker.url}/auth/login`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ username, password: PASSWORD }) });
  const { access_token } = (await response.json()) as { access_token: string };
  const sid = JSON.parse(Buffer.from(access_token.split(".")[1]!, "base64url").toString()).sid as string;
  return { username, id: user.id, token: access_token, sid };
}


describe.each(["nginx", "caddy"] as const)("%s in front of the API, asking /auth/verify", (name) => {
  const get = (path: string, headers: Record<string, string> = {}) => fetchRetryingStaleSocket(`${gateways[name]!.url.replace(/\/$/, "")}${path}`, { headers });
  const context = () => `${name} log:\n${gateways[name]!.logs().slice(-2000)}\nworker log:\n${worker.logs().slice(-1500)}`;

  it("passes a valid token's request to the API with the X-Auth-* headers, replacing client-sent ones", async () => {
    const user = await login();
    const response = await get("/orders?page=2", { Authorization: `Bearer ${user.token}`, "X-Auth-User-Id": "spoofed", "X-Auth-Roles": "admin" });
    expect(response.status, context()).toBe(200);
    expect(await response.json()).toEqual({
      upstream: true,
      path: "/orders?page=2",
      // A user without roles: edge-auth answers X-Auth-Roles empty; nginx drops an empty header,
      // Caddy passes it on empty.
      headers: { "x-auth-user-id": user.id, "x-auth-username": user.username, "x-auth-session": user.sid, ...(name === "caddy" ? { "x-auth-roles": "" } : {}) },
    });
  });

  it("passes a browser's request that carries the access cookie (cookie mode) instead of a bearer token", async () => {
    const user = await login();
    const response = await fetchRetryingStaleSocket(`${worker.url}/auth/login`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ username: user.username, password: PASSWORD, mode: "cookie" }) });
    const access = /edge_access=([^;]+)/.exec(response.headers.get("Set-Cookie") ?? "")![1]!;
    const passed = await get("/orders", { Cookie: `edge_access=${access}` });
    expect(passed.status, context()).toBe(200);
    expect(((await passed.json()) as { headers: Record<string, string> }).headers["x-auth-user-id"]).toBe(user.id);
  });

  it("stops a request with no token at the gateway with 401", async () => {
    const response = await get("/orders", { "X-Auth-User-Id": "spoofed" });
    expect(response.status, context()).toBe(401);
    expect(response.headers.get("WWW-Authenticate")).toBe('Bearer realm="edge-auth"');
    expect(await response.text()).not.toContain("upstream");
  });

  it.each([
    ["forged (signed by another key)", async (token: string) => kit.resign(token, { key: keys.RS256_NEXT })],
    ["expired", async (token: string) => kit.resign(token, { claims: { iat: Math.floor(Date.now() / 1000) - 900, exp: Math.floor(Date.now() / 1000) - 600 } })],
  ])("stops a %s token at the gateway with 401", async (_, change) => {
    const user = await login();
    const response = await get("/orders", { Authorization: `Bearer ${await change(user.token)}` });
    expect(response.status, context()).toBe(401);
    expect(response.headers.get("WWW-Authenticate")).toBe('Bearer realm="edge-auth", error="invalid_token", error_description="The access token is invalid or has expired."');
    expect(await response.text()).not.toContain("upstream");
  });

  it("stops a token at the gateway with 401 once its session logged out", async () => {
    const user = await login();
    expect((await get("/orders", { Authorization: `Bearer ${user.token}` })).status, context()).toBe(200);
    const logout = await fetchRetryingStaleSocket(`${worker.url}/auth/logout`, { method: "POST", headers: { Authorization: `Bearer ${user.token}` } });
    expect(logout.status).toBe(204);
    const response = await get("/orders", { Authorization: `Bearer ${user.token}` });
    expect(response.status, context()).toBe(401);
    expect(await response.text()).not.toContain("upstream");
  });

  it("answers 403 on /admin/ for a user without the admin role, and passes an admin", async () => {
    const [plain, admin] = await Promise.all([login(), login(["admin"])]);
    const refused = await get("/admin/users", { Authorization: `Bearer ${plain.token}` });
    expect(refused.status, context()).toBe(403);
    expect(await refused.text()).not.toContain("upstream");
    const passed = await get("/admin/users", { Authorization: `Bearer ${admin.token}` });
    expect(passed.status, context()).toBe(200);
    expect(await passed.json()).toEqual({
      upstream: true,
      path: "/admin/users",
      headers: { "x-auth-user-id": admin.id, "x-auth-username": admin.username, "x-auth-roles": "admin", "x-auth-session": admin.sid },
    });
  });
});

