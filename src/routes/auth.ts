// The native API (DESIGN.md §7): register, login, refresh, logout, me.
import { Hono, type Context } from "hono";
import { getCookie } from "hono/cookie";
import { z } from "zod";
import { authenticate } from "../accounts/authenticate";
import { publicUser } from "../accounts/user";
import { authenticateRequest } from "../http/access";
import { invalidFields, readJson } from "../http/body";
import { clearTokenCookies, REFRESH_COOKIE, setTokenCookies } from "../http/cookies";
import { emailField, identifierField, passwordField, refreshTokenField, usernameField } from "../http/fields";
import { assertSameOriginForCookie } from "../http/origin";
import type { AppEnv } from "../http/types";
import { registerWithSession } from "../sessions/register-session";
import { endAllSessions, refreshSession, revokeSession, startSession, type SessionResult } from "../sessions/sessions";

const registerBody = z.object({ username: usernameField, email: emailField.nullish(), password: passwordField });
const loginBody = z.object({
  identifier: identifierField.optional(),
  username: identifierField.optional(),
  email: identifierField.optional(),
  password: passwordField,
});
const refreshBody = z.object({ refresh_token: refreshTokenField.optional() });
const logoutBody = z.object({ all: z.boolean({ error: "Must be true or false." }).optional() });

function answer(c: Context<AppEnv>, result: SessionResult, status: 200 | 201) {
  setTokenCookies(c, result.tokens);
  c.header("Cache-Control", "no-store");
  return c.json({ user: publicUser(result.user), ...result.tokens }, status);
}

export const authRoutes = new Hono<AppEnv>()
  .post("/register", async (c) => {
    const body = await readJson(c, registerBody);
    return answer(c, await registerWithSession(c.get("rt"), body), 201);
  })
  .post("/login", async (c) => {
    const body = await readJson(c, loginBody);
    const identifier = body.identifier ?? body.username ?? body.email;
    if (!identifier) throw invalidFields({ identifier: "This field is required." });
    const rt = c.get("rt");
    const user = await authenticate(rt, identifier, body.password);
    return answer(c, await startSession(rt, user), 200);
  })
  .post("/refresh", async (c) => {
    const body = await readJson(c, refreshBody);
    const cookie = getCookie(c, REFRESH_COOKIE);
    const presented = body.refresh_token ?? cookie;
    if (!presented) throw invalidFields({ refresh_token: "This field is required." });
    if (!body.refresh_token) assertSameOriginForCookie(c);
    return answer(c, await refreshSession(c.get("rt"), presented), 200);
  })
  .post("/logout", async (c) => {
    // A bearer logout may send no body at all (it is not cookie-authenticated, so no CSRF risk);
    // a cookie logout's body stays JSON-only, which a cross-site form cannot send without a preflight.
    const body = await readJson(c, logoutBody, { emptyAllowed: c.req.header("Authorization") !== undefined });
    const { claims, via } = await authenticateRequest(c);
    if (via === "cookie") assertSameOriginForCookie(c);
    const rt = c.get("rt");
    if (body.all === true) await endAllSessions(rt, claims.sub, claims.sid);
    else await revokeSession(rt, claims.sid, "logout");
    clearTokenCookies(c);
    return c.body(null, 204);
  })
  .get("/me", async (c) => {
    const { user } = await authenticateRequest(c);
    c.header("Cache-Control", "no-store");
    return c.json({ user: publicUser(user) });
  });

