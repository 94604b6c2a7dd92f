// createApp(): the middleware order, the mounted route groups and the one error handler.
// Storage and clock are injectable so tests can drive lifetimes and faults without test hooks here.
import { Hono } from "hono";
import { secureHeaders } from "hono/secure-headers";
import { AuthError } from "./errors";
import { limitBody } from "./http/body";
import { corsAllowlist } from "./http/cors";
import { developmentIssuer } from "./http/dev-issuer";
import { toErrorResponse } from "./http/error-response";
import type { AppEnv } from "./http/types";
import { bearerApiRoutes, cookieSessionRoutes, PROFILE_GATES, sessionApiRoutes, simpleJwtRoutes, v1ApiRoutes } from "./profiles";
import { oauthDialect } from "./oauth/dialect";
import { openApiRoutes } from "./openapi/route";
import { accountRoutes } from "./routes/account";
import { adminRoutes } from "./routes/admin";
import { lazyRoutes } from "./routes/lazy";
import { MFA_ROUTES, PASSKEY_ROUTES } from "./routes/second-factor-table";
import { authRoutes } from "./routes/auth";
import { demoRoutes } from "./routes/demo";
import { verifyRoutes } from "./routes/verify";
import { oauthRoutes } from "./routes/oauth";
import { sessionRoutes } from "./routes/sessions";
import { wellKnownRoutes } from "./routes/well-known";
import { buildRuntime, type RuntimeOptions } from "./runtime";

export function createApp(options: RuntimeOptions = {}) {
  const app = new Hono<AppEnv>();

  // secure-headers' defaults, less the ones no current browser acts on for a JSON API and its
  // static pages: X-XSS-Protection (the auditor it controls is gone), X-Download-Options (IE 8),
  // X-DNS-Prefetch-Control, X-Permitted-Cross-Domain-Policies (Flash, Acrobat); and no X-Powered-By
  // to delete, since workerd sets none. Each header set is a call into the runtime on every
  // response: these five were a tenth of an authenticated GET's CPU (bench/README.md).
  app.use(secureHeaders({ crossOriginResourcePolicy: "cross-origin", xXssProtection: false, xDownloadOptions: false, xDnsPrefetchControl: false, xPermittedCrossDomainPolicies: false, removePoweredBy: false }));
  app.use(async (c, next) => {
    c.set("rt", await buildRuntime(c.env, options, c.req.header("CF-Connecting-IP") ?? null));
    await next();
  });
  app.use(developmentIssuer);
  // The error dialect is chosen by path before anything below can refuse the request.
  for (const [path, gate] of PROFILE_GATES) app.use(path, gate);
  app.use("/oauth/*", oauthDialect);
  app.use(corsAllowlist);
  app.use(limitBody);
  app.use(async (c, next) => {
    c.get("rt").userAgent = c.req.header("User-Agent") ?? null;
    await next();
  });

  app.route("/", wellKnownRoutes);
  app.route("/auth", authRoutes);
  app.route("/auth", sessionRoutes);
  app.route("/auth", accountRoutes);
  app.route("/auth", verifyRoutes);
  // The second factor's routes (and otpauth, uqr, @noble/hashes, @oslojs/*) load on first use.
  app.route("/auth", lazyRoutes("/auth", PASSKEY_ROUTES, () => import("./routes/passkeys").then((m) => m.passkeyRoutes)));
  app.route("/auth", lazyRoutes("/auth", MFA_ROUTES, () => import("./routes/mfa").then((m) => m.mfaRoutes)));
  app.route("/admin", adminRoutes);
  app.route("/oauth", oauthRoutes);
  app.route("/", openApiRoutes);
  // Each profile's paths check PROFILES themselves (config is per request) and set its error dialect.
  for (const profile of [cookieSessionRoutes, simpleJwtRoutes, bearerApiRoutes, v1ApiRoutes, sessionApiRoutes]) app.route("/", profile);
  // The demo app's files, when DEMO_PAGE allows (wrangler.toml run_worker_first sends them here).
  app.route("/", demoRoutes);

  // Every registered path, so an unknown method on a known path is 405 rather than 404.
  const methodsByPath = new Map<string, Set<string>>();
  for (const { path, method } of app.routes) {
    if (method === "ALL") continue;
    const set = methodsByPath.get(path) ?? methodsByPath.set(path, new Set()).get(path)!;
    set.add(method);
    if (method === "GET") set.add("HEAD");
  }
  app.notFound((c) => {
    const allowed = methodsByPath.get(c.req.path);
    if (allowed) {
      throw new AuthError("method_not_allowed", `The ${c.req.method} method is not allowed here.`, { headers: { Allow: [...allowed].join(", ") } });
    }
    throw new AuthError("not_found", "No such endpoint.");
  });
  app.onError((error, c) => toErrorResponse(c, error));
  return app;
}
