// Cookies of the native API, for browser clients that keep tokens out of JavaScript: the access
// token (Path=/) and the refresh token (Path=/auth, so it travels only to the auth routes). Both are
// HttpOnly and SameSite=Strict, and Secure whenever the request came over https.
import type { Context } from "hono";
import { deleteCookie, setCookie } from "hono/cookie";
import type { IssuedTokens } from "../sessions/issue-tokens";

export const ACCESS_COOKIE = "edge_access";
export const REFRESH_COOKIE = "edge_refresh";

export const isHttps = (c: Context) => new URL(c.req.url).protocol === "https:";

export function setTokenCookies(c: Context, tokens: IssuedTokens): void {
  const base = { httpOnly: true, secure: isHttps(c), sameSite: "Strict" as const };
  setCookie(c, ACCESS_COOKIE, tokens.access_token, { ...base, path: "/", maxAge: tokens.expires_in });
  setCookie(c, REFRESH_COOKIE, tokens.refresh_token, { ...base, path: "/auth", maxAge: tokens.refresh_expires_in });
}

export function clearTokenCookies(c: Context): void {
  const secure = isHttps(c);
  deleteCookie(c, ACCESS_COOKIE, { path: "/", secure, httpOnly: true, sameSite: "Strict" });
  deleteCookie(c, REFRESH_COOKIE, { path: "/auth", secure, httpOnly: true, sameSite: "Strict" });
}
