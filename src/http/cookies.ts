// Cookies of the native API's cookie mode, for browser clients that keep tokens out of JavaScript:
// the access token and the refresh token, HttpOnly and SameSite=Strict. Over https they are
// `__Host-` cookies (Secure, Path=/, no Domain): a browser refuses a `__Host-` cookie set by any
// other host, so a sibling subdomain cannot set or overwrite one (RFC 6265bis §4.1.3.2). The
// prefix requires Path=/, so over https the refresh cookie travels to every path of this host, not
// only /auth; nothing outside /auth reads it. Over plain http (local development, `wrangler dev`
// on 127.0.0.1) a `__Host-` cookie cannot be set, and the plain names keep the refresh cookie on
// /auth.
import type { Context } from "hono";
import { deleteCookie, setCookie } from "hono/cookie";
import type { IssuedTokens } from "../sessions/issue-tokens";
import { soleCookie, type CookieRefusal } from "./cookie-values";

export const ACCESS_COOKIE = "edge_access";
const REFRESH_COOKIE = "edge_refresh";

export const isHttps = (c: Context) => new URL(c.req.url).protocol === "https:";

interface TokenCookie {
  name: string;
  path: string;
}

/** The names and paths for this request's scheme; only these names are read. */
export function tokenCookies(c: Context): { access: TokenCookie; refresh: TokenCookie } {
  if (isHttps(c)) return { access: { name: `__Host-${ACCESS_COOKIE}`, path: "/" }, refresh: { name: `__Host-${REFRESH_COOKIE}`, path: "/" } };
  return { access: { name: ACCESS_COOKIE, path: "/" }, refresh: { name: REFRESH_COOKIE, path: "/auth" } };
}

const attributes = (c: Context, cookie: TokenCookie) => ({ path: cookie.path, secure: isHttps(c), httpOnly: true, sameSite: "Strict" as const });

export function setTokenCookies(c: Context, tokens: IssuedTokens): void {
  const { access, refresh } = tokenCookies(c);
  setCookie(c, access.name, tokens.access_token, { ...attributes(c, access), maxAge: tokens.expires_in });
  setCookie(c, refresh.name, tokens.refresh_token, { ...attributes(c, refresh), maxAge: tokens.refresh_expires_in });
}

export function clearTokenCookies(c: Context): void {
  const { access, refresh } = tokenCookies(c);
  deleteCookie(c, access.name, attributes(c, access));
  deleteCookie(c, refresh.name, attributes(c, refresh));
}

/** The access cookie's one value; a second, different one is refused (see cookie-values.ts). */
export const accessCookie = (c: Context, refusal: CookieRefusal) => soleCookie(c, tokenCookies(c).access.name, refusal);

export const refreshCookie = (c: Context, refusal: CookieRefusal) => soleCookie(c, tokenCookies(c).refresh.name, refusal);
