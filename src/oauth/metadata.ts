// Authorization server metadata (RFC 8414 §2), served at /.well-known/oauth-authorization-server
// and, with the same body, /.well-known/openid-configuration. Only what is true: no authorization
// endpoint exists, so response_types_supported is empty; no ID tokens, so no ID-token algorithms.
import type { Runtime } from "../runtime";
import { GRANT_TYPES } from "./grants";

const SECRET_METHODS = ["client_secret_basic", "client_secret_post"];

export async function serverMetadata(rt: Runtime, issuer: string) {
  const base = issuer.replace(/\/$/, "");
  // The scopes any registered client may be given: the union of the clients' scopes. Read from
  // D1 on each request (the answer is cacheable for 300 s), so it follows the admin API.
  const scopes = [...new Set((await rt.stores.clients.list()).flatMap((client) => client.scopes))].sort();
  return {
    issuer,
    jwks_uri: `${base}/.well-known/jwks.json`,
    token_endpoint: `${base}/oauth/token`,
    introspection_endpoint: `${base}/oauth/introspect`,
    revocation_endpoint: `${base}/oauth/revoke`,
    grant_types_supported: [...GRANT_TYPES],
    response_types_supported: [],
    // "none": the refresh_token grant serves the native API's public client, which holds no secret.
    token_endpoint_auth_methods_supported: [...SECRET_METHODS, "none"],
    introspection_endpoint_auth_methods_supported: SECRET_METHODS,
    // Holding the token is proof enough to revoke it (as with logout).
    revocation_endpoint_auth_methods_supported: [...SECRET_METHODS, "none"],
    scopes_supported: scopes,
    access_token_signing_alg_values_supported: [rt.config.algorithm],
  };
}
