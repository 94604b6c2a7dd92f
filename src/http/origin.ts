// Cross-site request forgery guard for the native API's cookie-authenticated unsafe requests.
// Browsers send Origin on every cross-origin POST; it must be this service or an allowed origin.
// Requests without Origin (curl, servers) carry no ambient browser credentials to abuse.
import type { Context } from "hono";
import { AuthError } from "../errors";
import type { AppEnv } from "./types";

export function isAllowedOrigin(c: Context<AppEnv>, origin: string): boolean {
  return origin === new URL(c.req.url).origin || c.get("rt").config.allowedOrigins.includes(origin);
}

/** Throws `refusal(origin)` when a browser sent an Origin that is neither ours nor allowed. */
export function assertAllowedOrigin(c: Context<AppEnv>, refusal: (origin: string) => AuthError): void {
  const origin = c.req.header("Origin");
  if (origin !== undefined && !isAllowedOrigin(c, origin)) throw refusal(origin);
}

export function assertSameOriginForCookie(c: Context<AppEnv>): void {
  assertAllowedOrigin(c, (origin) => new AuthError("forbidden", "Cross-origin requests authenticated by cookie are not allowed from this origin.", { reason: `origin ${origin}` }));
}
