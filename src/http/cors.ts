// CORS with credentials for the origins in ALLOWED_ORIGINS only: never `*`, never a reflected
// origin. A preflight from any other origin is refused, and a simple request from one gets no
// CORS headers, so the browser withholds the response from the page.
import type { MiddlewareHandler } from "hono";
import { cors } from "hono/cors";
import { AuthError } from "../errors";
import type { AppEnv } from "./types";

const allowCredentialed = cors({
  origin: (origin) => origin,
  credentials: true,
  allowMethods: ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
  allowHeaders: ["Content-Type", "Authorization", "X-CSRFToken", "X-Requested-With"],
  exposeHeaders: ["WWW-Authenticate", "Retry-After"],
  maxAge: 600,
});

export const corsAllowlist: MiddlewareHandler<AppEnv> = async (c, next) => {
  const origin = c.req.header("Origin");
  // hono's cors() adds Vary: Origin itself for an allowed origin; every other answer varies too.
  if (origin && c.get("rt").config.allowedOrigins.includes(origin)) return allowCredentialed(c, next);
  c.header("Vary", "Origin", { append: true });
  if (c.req.method === "OPTIONS" && c.req.header("Access-Control-Request-Method")) {
    throw new AuthError("forbidden", "This origin is not allowed to call this service.", { reason: `CORS preflight from ${origin ?? "no origin"}` });
  }
  await next();
};
