// Discovery: the public keys gateways verify with offline, the RFC 8414 metadata that points at
// them and at the OAuth endpoints, and the health check that fails closed when configuration or
// storage is unusable.
import { Hono, type Context } from "hono";
import { unavailable } from "../errors";
import { logEvent } from "../log";
import type { AppEnv } from "../http/types";
import { serverMetadata } from "../oauth/metadata";

/** RFC 8414 metadata, under the OpenID path too (gateways and libraries look in either place). */
async function discovery(c: Context<AppEnv>) {
  const rt = c.get("rt");
  if (!rt.config.issuer) throw unavailable("ISSUER is empty");
  const metadata = await serverMetadata(rt, rt.config.issuer);
  c.header("Cache-Control", "public, max-age=300");
  return c.json(metadata);
}

export const wellKnownRoutes = new Hono<AppEnv>()
  .get("/.well-known/jwks.json", (c) => {
    const { keys, config } = c.get("rt");
    if (!keys) throw unavailable(`configuration unusable: ${config.problems.join("; ")}`);
    // Short enough that a newly published key is picked up well before it starts signing.
    c.header("Cache-Control", "public, max-age=300, stale-while-revalidate=60");
    return c.json(keys.jwks);
  })
  .get("/.well-known/openid-configuration", discovery)
  .get("/.well-known/oauth-authorization-server", discovery)
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
