// Seed 002 (FastAPI bearer API): /api/auth/register → { user_id, username, email },
// /api/auth/login → { access_token, token_type: "bearer", expires_in }. JWT_EXPIRATION sets the
// lifetime (3600 s when unset); JWT_ALGORITHM=HS256 with JWT_SECRET_KEY signs as the seed does.
// Errors are FastAPI's `{ "detail": ... }`; validation errors are 422 with a `detail` list.
import { Hono } from "hono";
import * as z from "zod/mini";
import { registerUser } from "../accounts/register";
import { authenticateRequest } from "../http/access";
import { readJson } from "../http/body";
import { authenticateForProfile, MFA_PROFILE_REFUSAL } from "../mfa/profiles";
import { emailField, identifierField, passwordField, usernameField } from "../http/fields";
import type { AppEnv, ErrorShape } from "../http/types";
import { startSession } from "../sessions/sessions";
import type { UserRecord } from "../storage/ports";

const CHALLENGE = { "WWW-Authenticate": "Bearer" };

export const bearerApiShape: ErrorShape = (error) => {
  if (error.code === "invalid_token") {
    const detail = error.variant === "missing" ? "Not authenticated" : error.variant === "expired" ? "Token has expired" : "Invalid authentication credentials";
    return { status: 401, body: { detail }, headers: CHALLENGE };
  }
  if (error.variant === "mfa_required") return { status: 401, body: { detail: MFA_PROFILE_REFUSAL }, headers: CHALLENGE };
  if (error.code === "invalid_credentials") return { status: 401, body: { detail: "Incorrect username or password" }, headers: CHALLENGE };
  if (error.code === "invalid_request" && error.fields) {
    // FastAPI's RequestValidationError, minus `input`: a rejected password is never echoed.
    const detail = Object.entries(error.fields).map(([name, msg]) => ({ type: "value_error", loc: ["body", name], msg }));
    return { status: 422, body: { detail } };
  }
  return { status: error.status, body: { detail: error.message } };
};

export const registerBody = z.object({ username: usernameField, email: z.nullish(emailField), password: passwordField });
export const loginBody = z.object({ username: identifierField, password: passwordField });

const userView = ({ id, username, email }: UserRecord) => ({ user_id: id, username, email });

export const bearerApiRoutes = new Hono<AppEnv>()
  .post("/api/auth/register", async (c) => {
    return c.json(userView(await registerUser(c.get("rt"), await readJson(c, registerBody))), 201);
  })
  .post("/api/auth/login", async (c) => {
    const { username, password } = await readJson(c, loginBody);
    const rt = c.get("rt");
    const user = await authenticateForProfile(rt, "bearer-api", username, password);
    // No refresh token in this dialect: the session (what logout-all and revocation name) ends with the token.
    const ttl = rt.config.bearerAccessTtl;
    const { tokens } = await startSession(rt, user, { clientId: "bearer-api", accessTtl: ttl, idleTtl: ttl });
    c.header("Cache-Control", "no-store");
    return c.json({ access_token: tokens.access_token, token_type: "bearer", expires_in: tokens.expires_in });
  })
  // Not in the seed: the current user, so an app or gateway can check a token and see the seed's 401s.
  .get("/api/auth/me", async (c) => {
    const { user } = await authenticateRequest(c, { cookie: false });
    c.header("Cache-Control", "no-store");
    return c.json(userView(user));
  });
