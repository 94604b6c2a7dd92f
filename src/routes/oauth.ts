// The OAuth endpoints for gateways and service clients (README "Gateways", docs/gateways.md):
// token (RFC 6749), introspection (RFC 7662) and revocation (RFC 7009). Their error dialect is
// src/oauth/dialect.ts, installed on /oauth/* in app.ts.
import { Hono } from "hono";
import type { AppEnv } from "../http/types";
import { authenticateClient, identifyCaller } from "../oauth/client-auth";
import { NO_CACHE } from "../oauth/dialect";
import { clientCredentialsGrant, refreshTokenGrant, unsupportedGrant } from "../oauth/grants";
import { introspectToken } from "../oauth/introspection";
import { clientCredentialsParams, clientParams, grantTypeParams, introspectParams, parseParams, readParams, refreshTokenParams, revokeParams } from "../oauth/params";
import { revokeToken } from "../oauth/revocation";

// Client parameters are validated and checked first, as before any schema existed: a request with
// bad credentials and a missing parameter answers invalid_client (RFC 6749 §2.3 before §5.2).
export const oauthRoutes = new Hono<AppEnv>()
  .post("/token", async (c) => {
    const params = await readParams(c);
    const { grant_type: grant } = parseParams(grantTypeParams, params);
    const rt = c.get("rt");
    c.header("Cache-Control", NO_CACHE["Cache-Control"]);
    c.header("Pragma", NO_CACHE.Pragma);
    if (grant === "client_credentials") {
      const client = await authenticateClient(c, parseParams(clientParams, params));
      return c.json(await clientCredentialsGrant(rt, client, parseParams(clientCredentialsParams, params).scope));
    }
    if (grant === "refresh_token") {
      // Sessions belong to public clients (the native API's and the profiles'): a client that
      // names itself must be the session's; credentials, when sent, must be valid.
      const caller = await identifyCaller(c, parseParams(clientParams, params));
      const clientId = caller.kind === "public" ? caller.clientId : caller.kind === "confidential" ? caller.client.clientId : undefined;
      const { refresh_token, scope } = parseParams(refreshTokenParams, params);
      return c.json(await refreshTokenGrant(rt, refresh_token, scope, clientId));
    }
    throw unsupportedGrant();
  })
  .post("/introspect", async (c) => {
    const params = await readParams(c);
    await authenticateClient(c, parseParams(clientParams, params));
    const { token, token_type_hint } = parseParams(introspectParams, params);
    c.header("Cache-Control", NO_CACHE["Cache-Control"]);
    c.header("Pragma", NO_CACHE.Pragma);
    return c.json(await introspectToken(c.get("rt"), token, token_type_hint));
  })
  .post("/revoke", async (c) => {
    const params = await readParams(c);
    // Holding the token is proof enough (as with logout); client credentials, when sent, must be valid.
    await identifyCaller(c, parseParams(clientParams, params));
    await revokeToken(c.get("rt"), parseParams(revokeParams, params).token);
    c.header("Cache-Control", NO_CACHE["Cache-Control"]);
    c.header("Pragma", NO_CACHE.Pragma);
    return c.body(null, 200);
  });
