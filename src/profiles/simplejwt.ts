// Seed 001 (djangorestframework-simplejwt): /api/token/ → { refresh, access }; refresh/ rotates
// (single-use, reuse revokes the family); verify/ and blacklist/ as SimpleJWT has them.
// Lifetimes: SIMPLEJWT_ACCESS_TOKEN_LIFETIME (300 s) and SIMPLEJWT_REFRESH_TOKEN_LIFETIME (86400 s).
import { Hono } from "hono";
import * as z from "zod/mini";
import { AuthError } from "../errors";
import { verifyAccess } from "../http/access";
import { readJsonOrForm } from "../http/body";
import { authenticateForProfile, MFA_PROFILE_REFUSAL } from "../mfa/profiles";
import { identifierField, passwordField, refreshTokenField } from "../http/fields";
import type { AppEnv, ErrorShape } from "../http/types";
import type { Runtime } from "../runtime";
import { findCurrentRefreshFamily, refreshSession, revokeByRefreshToken, startSession } from "../sessions/sessions";
import { drfError } from "./gate";

/** SimpleJWT's authentication classes answer every 401 with this challenge (realm "api"). */
const CHALLENGE = { "WWW-Authenticate": 'Bearer realm="api"' };

export const simpleJwtShape: ErrorShape = (error) => {
  // DRF's AuthenticationFailed carries a code: clients tell this refusal from a wrong password by it.
  if (error.variant === "mfa_required") return { status: 401, body: { detail: MFA_PROFILE_REFUSAL, code: "mfa_required" }, headers: CHALLENGE };
  if (error.code === "invalid_credentials") {
    return { status: 401, body: { detail: "No active account found with the given credentials" }, headers: CHALLENGE };
  }
  if (error.code === "invalid_token" || error.code === "invalid_grant") {
    if (error.variant === "missing") return { status: 401, body: { detail: "Authentication credentials were not provided." }, headers: CHALLENGE };
    return { status: 401, body: { detail: "Token is invalid or expired", code: "token_not_valid" }, headers: CHALLENGE };
  }
  return drfError(error);
};

export const loginBody = z.object({ username: identifierField, password: passwordField });
export const refreshBody = z.object({ refresh: refreshTokenField });
export const tokenBody = z.object({ token: z.string({ error: "This field is required." }).check(z.minLength(1, "This field may not be blank."), z.maxLength(4096)) });

/**
 * SimpleJWT's verify/ accepts either kind of token; here the refresh token must be current. A bad
 * one is invalid_grant, which this shape answers as token_not_valid; a storage failure stays a 503.
 */
async function verifyAnyToken(rt: Runtime, token: string): Promise<void> {
  try {
    await verifyAccess(rt, token);
    return;
  } catch (error) {
    if (!(error instanceof AuthError) || error.code !== "invalid_token") throw error;
  }
  await findCurrentRefreshFamily(rt, token);
}

export const simpleJwtRoutes = new Hono<AppEnv>()
  .post("/api/token/", async (c) => {
    const { username, password } = await readJsonOrForm(c, loginBody);
    const rt = c.get("rt");
    const { accessTtl, refreshTtl } = rt.config.simpleJwt;
    const { tokens } = await startSession(rt, await authenticateForProfile(rt, "simplejwt", username, password), { clientId: "simplejwt", accessTtl, idleTtl: refreshTtl });
    c.header("Cache-Control", "no-store");
    return c.json({ refresh: tokens.refresh_token, access: tokens.access_token });
  })
  .post("/api/token/refresh/", async (c) => {
    const { refresh } = await readJsonOrForm(c, refreshBody);
    const { tokens } = await refreshSession(c.get("rt"), refresh);
    c.header("Cache-Control", "no-store");
    return c.json({ access: tokens.access_token, refresh: tokens.refresh_token });
  })
  .post("/api/token/verify/", async (c) => {
    const { token } = await readJsonOrForm(c, tokenBody);
    await verifyAnyToken(c.get("rt"), token);
    return c.json({});
  })
  .post("/api/token/blacklist/", async (c) => {
    const { refresh } = await readJsonOrForm(c, refreshBody);
    await revokeByRefreshToken(c.get("rt"), refresh);
    return c.json({});
  });
