// Discovery lists only what is true of this service: the issuer, where its keys are, the
// access-token algorithm, and the OAuth endpoints for gateways and service clients (token,
// introspection, revocation) with their grants, client authentication methods and scopes.
// No ID tokens are issued, so no ID-token algorithms, and no authorization endpoint exists, so no
// response types; /auth/login is not an RFC 6749 token endpoint.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { defaultStores } from "../../src/runtime";
import { guardStorage } from "../../src/storage/guard";
import { realApp, testEnv } from "../helpers";

const BASE = "https://auth.test.example";

async function scopesInD1(): Promise<string[]> {
  const { results } = await env.DB.prepare("SELECT scopes FROM clients").all<{ scopes: string }>();
  return [...new Set(results.flatMap((r) => JSON.parse(r.scopes) as string[]))].sort();
}

describe.each(["/.well-known/openid-configuration", "/.well-known/oauth-authorization-server"])("GET %s", (path) => {
  it("answers exactly the issuer, keys, algorithm and the OAuth endpoints (RFC 8414 §2)", async () => {
    await env.DB.prepare("INSERT OR IGNORE INTO clients (client_id, name, scopes, secret_hash, created_at) VALUES ('discovery-client', 'd', '[\"reports:read\",\"invoices:read\"]', 'hmac_sha256$x', '2026-01-01T00:00:00.000Z')").run();
    const response = await realApp.request(path, {}, testEnv);
    expect([response.status, response.headers.get("Cache-Control")]).toEqual([200, "public, max-age=300"]);
    const scopes = await scopesInD1();
    expect(scopes).toEqual(expect.arrayContaining(["invoices:read", "reports:read"]));
    expect(await response.json()).toEqual({
      issuer: BASE,
      jwks_uri: `${BASE}/.well-known/jwks.json`,
      token_endpoint: `${BASE}/oauth/token`,
      introspection_endpoint: `${BASE}/oauth/introspect`,
      revocation_endpoint: `${BASE}/oauth/revoke`,
      grant_types_supported: ["refresh_token", "client_credentials"],
      response_types_supported: [],
      token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post", "none"],
      introspection_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
      revocation_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post", "none"],
      scopes_supported: scopes,
      access_token_signing_alg_values_supported: ["RS256"],
    });
  });

  it("answers 503 with Retry-After when the clients cannot be read (the scopes would be wrong)", async () => {
    const stores = defaultStores(testEnv);
    stores.clients.list = () => guardStorage("clients.list", () => Promise.reject(new Error("injected fault")));
    const response = await createApp({ stores: () => stores }).request(path, {}, testEnv);
    expect([response.status, response.headers.get("Retry-After"), await response.json()]).toEqual([
      503,
      "5",
      { error: "temporarily_unavailable", error_description: "The service is temporarily unavailable. Try again shortly." },
    ]);
  });
});
