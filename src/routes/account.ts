// The account lifecycle of the native API: password change, reset, email
// verification and account deletion. Handlers parse, call a capability in accounts/, and answer;
// messages leave after the response (delivery/deliver.ts). A cookie-authenticated change answers
// in cookie mode, as the session it replaces was a cookie session.
import { Hono, type Context } from "hono";
import * as z from "zod/mini";
import { reauthenticate } from "../accounts/authenticate";
import { changePassword } from "../accounts/change-password";
import { requestEmailVerification, verifyEmail } from "../accounts/email-verification";
import { eraseAccount } from "../accounts/erase";
import { requestPasswordReset, resetPassword } from "../accounts/password-reset";
import { publicUser } from "../accounts/user";
import { sendLater } from "../delivery/deliver";
import { authenticateRequest } from "../http/access";
import { invalidFields, readJson } from "../http/body";
import { clearTokenCookies } from "../http/cookies";
import { identifierField, passwordField } from "../http/fields";
import { assertSameOriginForCookie } from "../http/origin";
import type { AppEnv } from "../http/types";
import { revokeSession, startSession } from "../sessions/sessions";
import { answer, modeField, sessionOrSecondStep } from "./auth";

/**
 * Our tokens are 43 characters; a wrong one (a pasted link, another service's token) must be
 * answered invalid_grant, not oversized, so the cap only bounds abuse.
 */
const tokenField = z
  .string({ error: "This field is required." })
  .check(z.minLength(1, "This field may not be blank."), z.maxLength(512, "Ensure this field has no more than 512 characters."));

export const changeBody = z.strictObject({ current_password: passwordField, new_password: passwordField });
export const forgotBody = z.strictObject({ email: z.optional(identifierField), identifier: z.optional(identifierField) });
export const resetBody = z.strictObject({ token: tokenField, new_password: passwordField, mode: modeField });
export const verifyBody = z.strictObject({ token: tokenField });
export const deleteBody = z.strictObject({ password: passwordField });
export const emptyBody = z.strictObject({});

/** The signed-in user, by bearer token or access cookie; a cookie needs an allowed Origin (CSRF). */
export async function signedIn(c: Context<AppEnv>) {
  const auth = await authenticateRequest(c);
  if (auth.via === "cookie") assertSameOriginForCookie(c);
  return auth;
}

function accepted(c: Context<AppEnv>) {
  c.header("Cache-Control", "no-store");
  return c.json({}, 202);
}

export const accountRoutes = new Hono<AppEnv>()
  .post("/password", async (c) => {
    const body = await readJson(c, changeBody);
    const { user, claims, via } = await signedIn(c);
    const rt = c.get("rt");
    const changed = await changePassword(rt, user, body.current_password, body.new_password);
    // token_version already ends it; the marker also reaches isolates still caching the user row.
    await revokeSession(rt, claims.sid, "password_changed");
    return answer(c, await startSession(rt, changed), 200, via === "cookie" ? "cookie" : "token");
  })
  .post("/password/forgot", async (c) => {
    const body = await readJson(c, forgotBody);
    const identifier = body.email ?? body.identifier;
    if (!identifier) throw invalidFields({ email: "This field is required." });
    const rt = c.get("rt");
    const request = await requestPasswordReset(rt, identifier);
    if (request) sendLater(c, rt, request.message, request.userId);
    return accepted(c);
  })
  .post("/password/reset", async (c) => {
    const body = await readJson(c, resetBody);
    const rt = c.get("rt");
    const user = await resetPassword(rt, body.token, body.new_password);
    // A reset link proves the mailbox, not the second factor: a user with one gets mfa_required.
    return sessionOrSecondStep(c, user, body.mode);
  })
  .post("/email/verify/request", async (c) => {
    // As logout: with a bearer token no body is needed (no cookie, so no CSRF to guard against).
    await readJson(c, emptyBody, { emptyAllowed: c.req.header("Authorization") !== undefined });
    const { user } = await signedIn(c);
    const rt = c.get("rt");
    const message = await requestEmailVerification(rt, user);
    if (message) sendLater(c, rt, message, user.id);
    return accepted(c);
  })
  .post("/email/verify", async (c) => {
    const { token } = await readJson(c, verifyBody);
    const user = await verifyEmail(c.get("rt"), token);
    c.header("Cache-Control", "no-store");
    return c.json({ user: publicUser(user) });
  })
  .delete("/me", async (c) => {
    const { password } = await readJson(c, deleteBody);
    const { user } = await signedIn(c);
    const rt = c.get("rt");
    await reauthenticate(rt, user, password);
    await eraseAccount(rt, user.id, { userId: user.id, via: "self" });
    clearTokenCookies(c);
    return c.body(null, 204);
  });
