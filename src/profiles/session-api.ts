// Seed 004 (Django REST framework session API): register with `password2`, login that sets the
// session cookie and returns the CSRF token, logout that needs X-CSRFToken, and GET /api/user/.
// Errors are DRF's: `{ "detail": ... }`, field errors `{ field: [message] }`.
import { Hono } from "hono";
import * as z from "zod/mini";
import { registerUser } from "../accounts/register";
import type { UserRecord } from "../storage/ports";
import { invalidFields, readJsonOrForm } from "../http/body";
import { authenticateSession, logInWithCookies, logOutWithCookies } from "../http/csrf";
import { emailField, identifierField, passwordField, usernameField } from "../http/fields";
import type { AppEnv, ErrorShape } from "../http/types";
import { MFA_PROFILE_REFUSAL } from "../mfa/profiles";
import { SESSION_CHALLENGE } from "./cookie-session";
import { drfError } from "./gate";

export const sessionApiShape: ErrorShape = (error) => {
  if (error.code === "invalid_token") {
    return { status: 401, body: { detail: "Authentication credentials were not provided." }, headers: SESSION_CHALLENGE };
  }
  if (error.variant === "mfa_required") return { status: 401, body: { detail: MFA_PROFILE_REFUSAL }, headers: SESSION_CHALLENGE };
  if (error.code === "invalid_credentials") return { status: 401, body: { detail: "Invalid username or password." }, headers: SESSION_CHALLENGE };
  if (error.variant === "csrf") return { status: 403, body: { detail: "CSRF Failed: CSRF token missing or incorrect." } };
  // Django's own reason for this refusal is "Origin checking failed"; the origin is not echoed.
  if (error.variant === "csrf_origin") {
    return { status: 403, body: { detail: "CSRF Failed: Origin checking failed - the request's Origin does not match any trusted origins." } };
  }
  return drfError(error);
};

export const registerBody = z.object({ username: usernameField, email: z.nullish(emailField), password: passwordField, password2: passwordField });
export const loginBody = z.object({ username: identifierField, password: passwordField });

/** The seed shows integer ids; ids here are UUID strings everywhere, for every profile. */
const userView = ({ id, username, email }: UserRecord) => ({ id, username, email });

export const sessionApiRoutes = new Hono<AppEnv>()
  .post("/api/register/", async (c) => {
    const { password2, ...input } = await readJsonOrForm(c, registerBody);
    if (input.password !== password2) throw invalidFields({ password: "Password fields didn't match." });
    return c.json(userView(await registerUser(c.get("rt"), input)), 201);
  })
  .post("/api/login/", async (c) => {
    const session = await logInWithCookies(c, await readJsonOrForm(c, loginBody), "session-api");
    return c.json({ message: "Login successful", user: userView(session.user), csrf_token: session.csrfToken });
  })
  .post("/api/logout/", async (c) => {
    await logOutWithCookies(c);
    return c.json({ message: "Logout successful" });
  })
  .get("/api/user/", async (c) => {
    const { user } = await authenticateSession(c);
    c.header("Cache-Control", "no-store");
    return c.json(userView(user));
  });
