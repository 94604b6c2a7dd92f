// Seed 003 (Stroppy v1 API): register and login → { user, token } plus a refresh token the client
// can use, refresh with { refresh_token }, logout with the bearer token (which then stops working).
// Errors are `{ "error", "message", "code" }` with the HTTP status as `code`.
import { Hono, type Context } from "hono";
import * as z from "zod/mini";
import { registerWithSession } from "../sessions/register-session";
import { authenticateRequest } from "../http/access";
import { readJson } from "../http/body";
import { authenticateForProfile, MFA_PROFILE_REFUSAL } from "../mfa/profiles";
import { emailField, identifierField, passwordField, refreshTokenField, usernameField } from "../http/fields";
import type { AppEnv, ErrorShape } from "../http/types";
import { refreshSession, revokeSession, startSession, type SessionResult } from "../sessions/sessions";
import type { UserRecord } from "../storage/ports";

const ERROR_NAMES: Record<number, string> = { 400: "bad_request", 401: "unauthorized", 500: "internal_error", 503: "service_unavailable" };

export const v1ApiShape: ErrorShape = (error) => {
  if (error.status === 401) {
    const message = error.variant === "mfa_required" ? MFA_PROFILE_REFUSAL : error.code === "invalid_credentials" ? "Invalid username or password" : "Invalid or expired token";
    return { status: 401, body: { error: "unauthorized", message, code: 401 }, headers: { "WWW-Authenticate": 'Bearer realm="edge-auth"' } };
  }
  const fields = error.code === "invalid_request" && error.fields ? { fields: error.fields } : {};
  return { status: error.status, body: { error: ERROR_NAMES[error.status] ?? error.code, message: error.message, code: error.status, ...fields } };
};

export const registerBody = z.object({ username: usernameField, email: z.nullish(emailField), password: passwordField });
export const loginBody = z.object({ username: identifierField, password: passwordField });
export const refreshBody = z.object({ refresh_token: refreshTokenField });

/** The seed's timestamps are RFC 3339 to the second ("2024-01-15T10:30:00Z"). */
const userView = ({ id, username, email, createdAt }: UserRecord) => ({ id, username, email, created_at: createdAt.replace(/\.\d+Z$/, "Z") });

function answer(c: Context<AppEnv>, { user, tokens }: SessionResult, status: 200 | 201) {
  c.header("Cache-Control", "no-store");
  return c.json({ user: userView(user), token: tokens.access_token, refresh_token: tokens.refresh_token, expires_in: tokens.expires_in }, status);
}

export const v1ApiRoutes = new Hono<AppEnv>()
  .post("/api/v1/auth/register", async (c) => {
    return answer(c, await registerWithSession(c.get("rt"), await readJson(c, registerBody), { clientId: "v1-api" }), 201);
  })
  .post("/api/v1/auth/login", async (c) => {
    const { username, password } = await readJson(c, loginBody);
    const rt = c.get("rt");
    return answer(c, await startSession(rt, await authenticateForProfile(rt, "v1-api", username, password), { clientId: "v1-api" }), 200);
  })
  .post("/api/v1/auth/refresh", async (c) => {
    const { refresh_token } = await readJson(c, refreshBody);
    return answer(c, await refreshSession(c.get("rt"), refresh_token), 200);
  })
  .post("/api/v1/auth/logout", async (c) => {
    const { claims } = await authenticateRequest(c, { cookie: false });
    await revokeSession(c.get("rt"), claims.sid, "logout");
    return c.json({ message: "Logged out" });
  })
  // Not in the seed: the current user, so an app can check a token and see the seed's 401.
  .get("/api/v1/auth/me", async (c) => {
    const { user } = await authenticateRequest(c, { cookie: false });
    c.header("Cache-Control", "no-store");
    return c.json({ user: userView(user) });
  });
