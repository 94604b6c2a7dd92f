// The native API (README, Native API): register, login, refresh, logout, me. A client chooses per request
// where its tokens go: token mode (the default) answers them in the body and sets no cookie;
// cookie mode sets HttpOnly cookies and answers no token, so no script on this origin or an allowed
// one can ever read a refresh token. A refresh answers in the mode its token arrived in.
import { Hono, type Context } from "hono";
import * as z from "zod/mini";
import { authenticate } from "../accounts/authenticate";
import { publicUser } from "../accounts/user";
import { authenticateRequest, noCredentials } from "../http/access";
import { invalidFields, readJson } from "../http/body";
import type { CookieRefusal } from "../http/cookie-values";
import { clearTokenCookies, refreshCookie, setTokenCookies } from "../http/cookies";
import { emailField, identifierField, passwordField, refreshTokenField, usernameField } from "../http/fields";
import { assertSameOriginForCookie } from "../http/origin";
import type { AppEnv } from "../http/types";
import { secondStepFor } from "../mfa/challenge";
import type { UserRecord } from "../storage/ports";
import { registerWithSession } from "../sessions/register-session";
import { endAllSessions, findCurrentRefreshFamily, findRefreshFamily, refreshSession, revokeSession, startSession, type SessionResult } from "../sessions/sessions";

export type Mode = "token" | "cookie";
export const modeField = z._default(z.enum(["token", "cookie"], { error: 'Must be "token" or "cookie".' }), "token");
export const registerBody = z.object({ username: usernameField, email: z.nullish(emailField), password: passwordField, mode: modeField });
export const loginBody = z.object({
  identifier: z.optional(identifierField),
  username: z.optional(identifierField),
  email: z.optional(identifierField),
  password: passwordField,
  mode: modeField,
});
export const refreshBody = z.object({ refresh_token: z.optional(refreshTokenField) });
export const logoutBody = z.object({ all: z.optional(z.boolean({ error: "Must be true or false." })), refresh_token: z.optional(refreshTokenField) });

export function answer(c: Context<AppEnv>, result: SessionResult, status: 200 | 201, mode: Mode) {
  c.header("Cache-Control", "no-store");
  const user = publicUser(result.user);
  if (mode === "token") return c.json({ user, ...result.tokens }, status);
  setTokenCookies(c, result.tokens);
  const { access_token: _access, refresh_token: _refresh, ...lifetimes } = result.tokens;
  return c.json({ user, ...lifetimes }, status);
}

/**
 * The answer to a correct password (login, password reset): the session, or for a user with a
 * second factor 200 { mfa_required, mfa_token, factors } with no token and no cookie (mfa/challenge.ts).
 */
export async function sessionOrSecondStep(c: Context<AppEnv>, user: UserRecord, mode: Mode) {
  const rt = c.get("rt");
  const challenge = await secondStepFor(rt, user, mode);
  if (!challenge) return answer(c, await startSession(rt, user), 200, mode);
  c.header("Cache-Control", "no-store");
  return c.json(challenge);
}

/** The refresh cookie, for a request that sent no refresh token in its body; Origin-checked. */
function refreshCookieOf(c: Context<AppEnv>, refusal: CookieRefusal): string | undefined {
  const cookie = refreshCookie(c, refusal);
  if (cookie !== undefined) assertSameOriginForCookie(c);
  return cookie;
}

/**
 * The session a logout ends, named by the first credential sent: explicit ones (a body refresh
 * token, the bearer header) before ambient cookies, and within each the refresh credential first,
 * as it outlives the access token (a cookie session must be able to log out after edge_access
 * has expired).
 */
async function sessionToEnd(c: Context<AppEnv>, body: z.infer<typeof logoutBody>): Promise<{ userId: string; sid: string }> {
  const rt = c.get("rt");
  const refresh = body.refresh_token ?? (c.req.header("Authorization") === undefined ? refreshCookieOf(c, noCredentials) : undefined);
  if (refresh !== undefined && body.all !== true) return findRefreshFamily(rt, refresh);
  if (refresh !== undefined) {
    // Ending every session takes what a refresh would honour: the current token of a family whose
    // user has not logged out everywhere since (findCurrentRefreshFamily checks the user as a
    // refresh does). An old or rotated token must not end newer sessions.
    return findCurrentRefreshFamily(rt, refresh);
  }
  const { claims, via } = await authenticateRequest(c);
  if (via === "cookie") assertSameOriginForCookie(c);
  return { userId: claims.sub, sid: claims.sid };
}

export const authRoutes = new Hono<AppEnv>()
  .post("/register", async (c) => {
    const { mode, ...registration } = await readJson(c, registerBody);
    return answer(c, await registerWithSession(c.get("rt"), registration), 201, mode);
  })
  .post("/login", async (c) => {
    const body = await readJson(c, loginBody);
    const identifier = body.identifier ?? body.username ?? body.email;
    if (!identifier) throw invalidFields({ identifier: "This field is required." });
    const rt = c.get("rt");
    return sessionOrSecondStep(c, await authenticate(rt, identifier, body.password), body.mode);
  })
  .post("/refresh", async (c) => {
    const body = await readJson(c, refreshBody);
    const rt = c.get("rt");
    if (body.refresh_token !== undefined) return answer(c, await refreshSession(rt, body.refresh_token), 200, "token");
    const cookie = refreshCookieOf(c, (description) => invalidFields({ refresh_token: description }));
    if (cookie === undefined) throw invalidFields({ refresh_token: "This field is required." });
    return answer(c, await refreshSession(rt, cookie), 200, "cookie");
  })
  .post("/logout", async (c) => {
    // A bearer logout may send no body at all (it is not cookie-authenticated, so no CSRF risk);
    // a cookie logout's body stays JSON-only, which a cross-site form cannot send without a preflight.
    const body = await readJson(c, logoutBody, { emptyAllowed: c.req.header("Authorization") !== undefined });
    const rt = c.get("rt");
    const { userId, sid } = await sessionToEnd(c, body);
    if (body.all === true) await endAllSessions(rt, userId, sid);
    else await revokeSession(rt, sid, "logout");
    clearTokenCookies(c);
    return c.body(null, 204);
  })
  .get("/me", async (c) => {
    const { user } = await authenticateRequest(c);
    c.header("Cache-Control", "no-store");
    return c.json({ user: publicUser(user) });
  });
