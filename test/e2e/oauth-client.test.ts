// The OAuth endpoints driven by a client no one here wrote: oauth4webapi (panva's RFC 6749 /
// 7662 / 7009 client, from the npm registry) against the real worker started as `npm start`
// starts it. It reads RFC 8414 discovery, gets a client_credentials token with client_secret_basic,
// refreshes a user's session with no client authentication, introspects and revokes (client_secret_post
// too), and sees a logged-out user's token come back inactive. oauth4webapi refuses plain http
// unless told: the worker listens on loopback only.
import { spawnSync } from "node:child_process";
import path from "node:path";
import * as oauth from "oauth4webapi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fetchRetryingStaleSocket, startWorker, type RunningWorker } from "./worker";

const root = path.resolve(import.meta.dirname, "../..");
const insecure = { [oauth.allowInsecureRequests]: true };
let worker: RunningWorker;
let as: oauth.AuthorizationServer;
let service: { client_id: string; client_secret: string };

// The admin CLI's spawnSync blocks this process for seconds, long enough for the worker to close
// the idle keep-alive socket that the next fetch would reuse ("other side closed").
async function post(pathname: string, body: unknown, token?: string) {
  const response = await fetchRetryingStaleSocket(`${worker.url}${pathname}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

const register = async (username: string) => (await post("/auth/register", { username, password: "correct horse battery staple" })).body as { access_token: string; refresh_token: string; user: { id: string } };

beforeAll(async () => {
  worker = await startWorker();
  const issuer = new URL(worker.url);
  as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: "oauth2", ...insecure }));
  // The first admin comes from the CLI, as in production; the admin API then creates the client.
  const admin = await register("oauthadmin");
  const granted = spawnSync(process.execPath, ["scripts/admin.mjs", "grant", "oauthadmin", "admin", "--persist-to", worker.persist], { cwd: root, encoding: "utf8" });
  if (granted.status !== 0) throw new Error(`admin grant failed: ${granted.stderr}`);
  const created = await post("/admin/clients", { name: "gateway", scopes: ["orders:read", "orders:write"] }, admin.access_token);
  if (created.status !== 201) throw new Error(`client creation failed: ${JSON.stringify(created)}`);
  service = created.body as typeof service;
}, 120_000);
afterAll(() => worker?.stop());

describe("oauth4webapi against the worker", () => {
  it("reads the RFC 8414 metadata", () => {
    expect(as).toMatchObject({
      issuer: worker.url,
      token_endpoint: `${worker.url}/oauth/token`,
      introspection_endpoint: `${worker.url}/oauth/introspect`,
      revocation_endpoint: `${worker.url}/oauth/revoke`,
      grant_types_supported: ["refresh_token", "client_credentials"],
    });
  });

  it("client_credentials (client_secret_basic), introspected active, revoked, then inactive", async () => {
    const client = { client_id: service.client_id };
    const auth = oauth.ClientSecretBasic(service.client_secret);
    const tokens = await oauth.processClientCredentialsResponse(as, client, await oauth.clientCredentialsGrantRequest(as, client, auth, { scope: "orders:read" }, insecure));
    expect(tokens).toMatchObject({ token_type: "bearer", expires_in: 300, scope: "orders:read" });
    expect(tokens.refresh_token).toBeUndefined();

    const active = await oauth.processIntrospectionResponse(as, client, await oauth.introspectionRequest(as, client, auth, tokens.access_token, insecure));
    expect(active).toMatchObject({ active: true, sub: service.client_id, client_id: service.client_id, scope: "orders:read", token_type: "Bearer", iss: worker.url });

    await oauth.processRevocationResponse(await oauth.revocationRequest(as, client, auth, tokens.access_token, insecure));
    const after = await oauth.processIntrospectionResponse(as, client, await oauth.introspectionRequest(as, client, auth, tokens.access_token, insecure));
    expect(after).toEqual({ active: false });
  });

  it("a user's session: refresh grant with no client authentication, introspection by client_secret_post, logout → inactive", async () => {
    const user = await register("oauthuser");
    const publicClient = { client_id: "edge-auth" };
    const refreshed = await oauth.processRefreshTokenResponse(as, publicClient, await oauth.refreshTokenGrantRequest(as, publicClient, oauth.None(), user.refresh_token, insecure));
    expect(refreshed).toMatchObject({ token_type: "bearer", expires_in: 300, refresh_token: expect.any(String) });
    expect(refreshed.refresh_token).not.toBe(user.refresh_token);

    const gateway = { client_id: service.client_id };
    const auth = oauth.ClientSecretPost(service.client_secret);
    const introspect = async (token: string) => oauth.processIntrospectionResponse(as, gateway, await oauth.introspectionRequest(as, gateway, auth, token, insecure));
    expect(await introspect(refreshed.access_token)).toMatchObject({ active: true, sub: user.user.id, username: "oauthuser", client_id: "edge-auth", token_type: "Bearer" });
    expect(await introspect(refreshed.refresh_token!)).toMatchObject({ active: true, sub: user.user.id, token_type: "refresh_token" });

    const logout = await fetch(`${worker.url}/auth/logout`, { method: "POST", headers: { Authorization: `Bearer ${refreshed.access_token}` } });
    expect(logout.status).toBe(204);
    expect(await introspect(refreshed.access_token)).toEqual({ active: false });
    expect(await introspect(refreshed.refresh_token!)).toEqual({ active: false });
  });

  it("a wrong secret: 401 with the Basic challenge RFC 6749 §5.2 requires, and an invalid_client body", async () => {
    const client = { client_id: service.client_id };
    const response = await oauth.clientCredentialsGrantRequest(as, client, oauth.ClientSecretBasic("not-the-secret"), {}, insecure);
    const error = await oauth.processClientCredentialsResponse(as, client, response.clone()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(oauth.WWWAuthenticateChallengeError);
    expect(error).toMatchObject({ status: 401, cause: [{ scheme: "basic", parameters: { realm: "edge-auth" } }] });
    expect(await response.json()).toEqual({ error: "invalid_client", error_description: "Client authentication failed." });
  });
});
