// The Django-style cookie session over HTTP: `sessionid` (HttpOnly) and `csrftoken` (readable by
// the page, which echoes it) cookies, and the CSRF check every unsafe cookie-authenticated request
// passes. Hono's csrf middleware checks Origin only; Django also checks a token bound to the
// session, and so do we: X-CSRFToken header, else the `csrfmiddlewaretoken` form field.
import type { Context } from "hono";
import { deleteCookie, setCookie } from "hono/cookie";
import { AuthError } from "../errors";
import { authenticateForProfile } from "../mfa/profiles";
import type { ProfileName } from "../profiles/gate";
import { csrfMatches, endCookieSession, resumeCookieSession, startCookieSession, type CookieSession } from "../sessions/cookie-session";
import { isForm } from "./body";
import { soleCookie } from "./cookie-values";
import { isHttps } from "./cookies";
import { assertAllowedOrigin } from "./origin";
import type { AppEnv } from "./types";

export const SESSION_COOKIE = "sessionid";
export const CSRF_COOKIE = "csrftoken";
export const CSRF_HEADER = "X-CSRFToken";
export const CSRF_FORM_FIELD = "csrfmiddlewaretoken";

/** SameSite=Lax as Django sets it; Secure whenever the request came over https. */
export function setSessionCookies(c: Context<AppEnv>, session: CookieSession): void {
  const base = { path: "/", sameSite: "Lax" as const, secure: isHttps(c), maxAge: c.get("rt").config.sessionMaxAge };
  setCookie(c, SESSION_COOKIE, session.sessionId, { ...base, httpOnly: true });
  setCookie(c, CSRF_COOKIE, session.csrfToken, base);
}

export function clearSessionCookies(c: Context<AppEnv>): void {
  const secure = isHttps(c);
  deleteCookie(c, SESSION_COOKIE, { path: "/", secure, httpOnly: true, sameSite: "Lax" });
  deleteCookie(c, CSRF_COOKIE, { path: "/", secure, sameSite: "Lax" });
}

/**
 * These names stay unprefixed (the seeds' clients read them), so a sibling subdomain can plant a
 * second `sessionid`: two different values are answered as no session at all, never resolved by
 * picking one.
 */
export async function authenticateSession(c: Context<AppEnv>, options?: { slide?: boolean }): Promise<CookieSession> {
  const sessionId = soleCookie(c, SESSION_COOKIE, (description, reason) => new AuthError("invalid_token", description, { reason, tokenPresented: false, variant: "missing" }));
  return resumeCookieSession(c.get("rt"), sessionId, options);
}

async function presentedCsrfToken(c: Context<AppEnv>): Promise<string | undefined> {
  const header = c.req.header(CSRF_HEADER);
  if (header !== undefined) return header;
  if (!isForm(c)) return undefined;
  const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
  const field = form[CSRF_FORM_FIELD];
  return typeof field === "string" ? field : undefined;
}

const CSRF_FAILED = "CSRF verification failed. Request aborted.";
const refused = (reason: string, variant: "csrf" | "csrf_origin" = "csrf") => new AuthError("forbidden", CSRF_FAILED, { reason, variant });

// Its own variant: a dialect that words refusals (seed 004) must not blame a token that was right.
const requireAllowedOrigin = (c: Context<AppEnv>) => assertAllowedOrigin(c, (origin) => refused(`origin ${origin} not allowed`, "csrf_origin"));

/**
 * For every unsafe request authenticated by the session cookie: a browser's Origin must be this
 * service or an allowed origin (a same-site page on another port can read `csrftoken`, so the token
 * alone is not enough), and the presented token must be the session's own.
 */
export async function requireCsrf(c: Context<AppEnv>, session: CookieSession): Promise<void> {
  requireAllowedOrigin(c);
  // The page echoes whichever csrftoken it reads; with two, which one it read is anybody's guess.
  soleCookie(c, CSRF_COOKIE, (_, reason) => refused(reason));
  if (!csrfMatches(session, await presentedCsrfToken(c))) throw refused("CSRF token missing or incorrect");
}

/** Login for the cookie dialects: check the credentials, start a session, set both cookies. */
export async function logInWithCookies(c: Context<AppEnv>, credentials: { username: string; password: string }, clientId: ProfileName): Promise<CookieSession> {
  // Login CSRF: a foreign page must not log the browser into the attacker's account.
  requireAllowedOrigin(c);
  const rt = c.get("rt");
  const session = await startCookieSession(rt, await authenticateForProfile(rt, clientId, credentials.username, credentials.password), clientId);
  setSessionCookies(c, session);
  c.header("Cache-Control", "no-store");
  return session;
}

/** Logout for the cookie dialects: a live session (401), its CSRF token (403), then revoke. */
export async function logOutWithCookies(c: Context<AppEnv>): Promise<void> {
  // Not slid: the record is deleted next, and a second write to its key within a second would
  // make KV refuse the delete.
  const session = await authenticateSession(c, { slide: false });
  await requireCsrf(c, session);
  await endCookieSession(c.get("rt"), session);
  clearSessionCookies(c);
  c.header("Cache-Control", "no-store");
}
