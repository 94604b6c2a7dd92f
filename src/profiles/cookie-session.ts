// Seed 000 (Django session login): POST /accounts/login/ (form or JSON) sets `sessionid` and
// `csrftoken`; POST /accounts/logout/ needs the CSRF token and ends the session server-side.
// Errors are `{ "error": <message>, "status": <status> }`.
import { Hono } from "hono";
import * as z from "zod/mini";
import { readJsonOrForm } from "../http/body";
import { CSRF_HEADER, logInWithCookies, logOutWithCookies } from "../http/csrf";
import { identifierField, passwordField } from "../http/fields";
import { MFA_PROFILE_REFUSAL } from "../mfa/profiles";
import type { AppEnv, ErrorShape } from "../http/types";

/** RFC 7235 wants a challenge with every 401; a cookie session has no Bearer scheme to offer. */
export const SESSION_CHALLENGE = { "WWW-Authenticate": 'Session realm="edge-auth"' };

export const cookieSessionShape: ErrorShape = (error) => {
  if (error.code === "invalid_token") return { status: 401, body: { error: "Authentication required", status: 401 }, headers: SESSION_CHALLENGE };
  if (error.variant === "mfa_required") return { status: 401, body: { error: MFA_PROFILE_REFUSAL, status: 401 }, headers: SESSION_CHALLENGE };
  if (error.code === "invalid_credentials") return { status: 401, body: { error: "Invalid username or password", status: 401 }, headers: SESSION_CHALLENGE };
  const fields = error.code === "invalid_request" && error.fields ? { fields: error.fields } : {};
  return { status: error.status, body: { error: error.message, status: error.status, ...fields } };
};

// csrfmiddlewaretoken may come along with the login form; there is no session to bind it to yet.
export const loginBody = z.object({ username: identifierField, password: passwordField });

export const cookieSessionRoutes = new Hono<AppEnv>()
  .post("/accounts/login/", async (c) => {
    const session = await logInWithCookies(c, await readJsonOrForm(c, loginBody), "cookie-session");
    // The seed lets clients take the CSRF token "from cookie or response header".
    c.header(CSRF_HEADER, session.csrfToken);
    const { id, username, email } = session.user;
    return c.json({ message: "Login successful", user: { id, username, email } });
  })
  .post("/accounts/logout/", async (c) => {
    await logOutWithCookies(c);
    return c.json({ message: "Logout successful" });
  });
