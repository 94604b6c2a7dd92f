// The demo app (public/index.html, reset-password.html, verify-email.html, public/demo/*):
// Workers Static Assets would serve those files before the worker ever ran, so wrangler.toml's
// `run_worker_first` sends these paths here, and they are served only when DEMO_PAGE allows
// (config.demoPage). Off, every method answers the same 404 as any unknown path, so a production
// deployment does not reveal that a demo exists.
import { Hono, type Context, type MiddlewareHandler } from "hono";
import { secureHeaders } from "hono/secure-headers";
import { AuthError } from "../errors";
import type { AppEnv } from "../http/types";

/**
 * The paths wrangler.toml's `run_worker_first` lists (test/routes/demo-page.test.ts keeps them
 * equal): the demo, the pages a reset or verification link opens under `npm start` (APP_URL is
 * the issuer in development), and their `.html` names, which the asset layer would otherwise
 * redirect ungated.
 */
export const DEMO_PATHS = ["/", "/index.html", "/reset-password", "/reset-password.html", "/verify-email", "/verify-email.html", "/demo/*"] as const;

// The page runs only its own files: no inline script or style, no other origin, never framed.
// connect-src falls back to 'self': the demo talks to this service only. img-src adds blob: for the
// authenticator app's QR code, an SVG the page shows as an <img> from a blob: URL (an image runs
// no script; data: stays refused).
const demoHeaders = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'self'"],
    imgSrc: ["'self'", "blob:"],
    baseUri: ["'none'"],
    formAction: ["'none'"],
    frameAncestors: ["'none'"],
    objectSrc: ["'none'"],
  },
});

const demoEnabled: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!c.get("rt").config.demoPage) throw new AuthError("not_found", "No such endpoint.");
  await next();
};

async function serveDemo(c: Context<AppEnv>): Promise<Response> {
  if (c.req.method !== "GET" && c.req.method !== "HEAD") {
    throw new AuthError("method_not_allowed", `The ${c.req.method} method is not allowed here.`, { headers: { Allow: "GET, HEAD" } });
  }
  const asset = await c.env.ASSETS.fetch(c.req.raw);
  // A missing file under /demo/ is the service's JSON 404, not the asset layer's empty one.
  if (asset.status === 404) throw new AuthError("not_found", "No such endpoint.");
  // Re-wrapped: a fetched Response's headers are immutable, and the security headers go on after.
  return new Response(asset.body, asset);
}

// `all`, not `get`: app.ts lists registered methods for its 405 answers, and with the demo off
// a POST to / must stay the 404 it was.
export const demoRoutes = new Hono<AppEnv>();
for (const path of DEMO_PATHS) demoRoutes.all(path, demoEnabled, demoHeaders, serveDemo);
