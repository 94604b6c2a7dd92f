// Discovery: the public keys gateways verify with offline, the OpenID-style metadata that points
// at them, and the health check that fails closed when configuration or storage is unusable.
import { Hono } from "hono";
import { unavailable } from "../errors";
import { logEvent } from "../log";
import type { AppEnv } from "../http/types";

export const wellKnownRoutes = new Hono<AppEnv>()
  .get("/.well-known/jwks.json", (c) => {
    const { keys, config } = c.get("rt");
    if (!keys) throw unavailable(`configuration unusable: ${config.problems.join("; ")}`);
    // Short enough that a newly published key is picked up well before it starts signing.
    c.header("Cache-Control", "public, max-age=300, stale-while-revalidate=60");
    return c.json(keys.jwks);
  })
  .get("/.well-known/openid-configuration", (c) => {
    const { config } = c.get("rt");
    if (!config.issuer) throw unavailable("ISSUER is empty");
    const base = config.issuer.replace(/\/$/, "");
    c.header("Cache-Control", "public, max-age=300");
    // Only what is true today: the issuer, where the keys are, and the access-token algorithm,
    // which is what gateways read here to verify tokens offline. It is not yet a complete RFC 8414
    // or OpenID document (those require endpoints that do not exist). No ID tokens are issued, so
    // no ID-token algorithms;
    // /auth/login and /auth/logout take JSON, not RFC 6749 or RFC 7009 requests, so they are not
    // listed as the token or revocation endpoint, and /auth/register is not RFC 7591 client
    // registration. Real OAuth endpoints join this list when they exist.
    return c.json({
      issuer: config.issuer,
      jwks_uri: `${base}/.well-known/jwks.json`,
      access_token_signing_alg_values_supported: [config.algorithm],
    });
  })
  .get("/healthz", async (c) => {
    const rt = c.get("rt");
    if (rt.config.problems.length > 0) throw unavailable(`configuration unusable: ${rt.config.problems.join("; ")}`);
    try {
      // A fresh id each time: the per-isolate read cache (storage/read-cache.ts) must not answer.
      const probe = `healthz-${crypto.randomUUID()}`;
      await Promise.all([rt.stores.users.findById(probe), rt.stores.sessions.isRevoked(probe)]);
    } catch (error) {
      logEvent("error", "healthz_storage_failed", { error: error instanceof Error ? error.message : String(error) });
      throw unavailable("storage check failed");
    }
    c.header("Cache-Control", "no-store");
    return c.json({ status: "ok" });
  });
