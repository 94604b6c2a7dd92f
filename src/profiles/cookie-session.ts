// Seed 000 (Django session login): POST /accounts/login/ (form or JSON) sets `sessionid` and
// `csrftoken`; POST /accounts/logout/ needs the CSRF token and ends the session server-side.
// Errors are `{ "error": <message>, "status": <status> }`.
import { Hono } from "hono";
import { z } from "zod";
import { authenticate } from "../accounts/authenticate";
import { readJsonOrForm } from "../http/body";
import { authenticateSession, clearSessionCookies, CSRF_HEADER, requireCsrf, setSessionCookies } from "../http/csrf";
import { identifierField, passwordField } from "../http/fields";
import type { AppEnv, ErrorShape } from "../http/types";
import { endCookieSession, startCookieSession } from "../sessions/cookie-session";
import { profileGate } from "./gate";

/** RFC 7235 wants a challenge with every 401; a cookie session has no Bearer scheme to offer. */
export const SESSION_CHALLENGE = { "WWW-Authenticate": 'Session realm="edge-auth"' };

export const cookieSessionShape: ErrorShape = (error) => {
  if (error.code === "invalid_token") return { status: 401, body: { error: "Authentication required", status: 401 }, headers: SESSION_CHALLENGE };
  if (error.code === "invalid_credentials") return { status: 401, body: { error: "Invalid username or password", status: 401 }, headers: SESSION_CHALLENGE };
  const fields = error.code === "invalid_request" && error.fields ? { fields: error.fields } : {};
  return { status: error.status, body: { error: error.message, status: error.status, ...fields } };
};

const on = profileGate("cookie-session", cookieSessionShape);
// csrfmiddlewaretoken may come along with the login form; there is no session to bind it to yet.
const loginBody = z.object({ username: identifierField, password: passwordField });

export const cookieSessionRoutes = new Hono<AppEnv>()
  .post("/accounts/login/", on, async (c) => {
    const { username, password } = await readJsonOrForm(c, loginBody);
    const rt = c.get("rt");
    const session = await startCookieSession(rt, await authenticate(rt, username, password), "cookie-session");
    setSessionCookies(c, session);
    // The seed lets clients take the CSRF token "from cookie or response header".
    c.header(CSRF_HEADER, session.csrfToken);
    c.header("Cache-Control", "no-store");
    const { id, username: name, email } = session.user;
    return c.json({ message: "Login successful", user: { id, username: name, email } });
  })
  .post("/accounts/logout/", on, async (c) => {
    const session = await authenticateSession(c);
    await requireCsrf(c, session);
    await endCookieSession(c.get("rt"), session);
    clearSessionCookies(c);
    c.header("Cache-Control", "no-store");
    return c.json({ message: "Logout successful" });
  });
