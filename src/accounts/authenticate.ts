// Credential check. An unknown identifier, a wrong password and a disabled account give the same
// error after the same work: the password is always verified at the current settings' cost,
// against a dummy hash if need be (passwords/kdf.ts verifyAtCurrentCost).
// Throttling and lockout run first (throttling/lockout.ts), so every API shape inherits them.
import { assertUsable } from "../config";
import { AuthError } from "../errors";
import { hashPassword, needsRehash, verifyAtCurrentCost } from "../passwords/kdf";
import type { Runtime } from "../runtime";
import type { UserRecord } from "../storage/ports";
import { normaliseEmail, normaliseUsername } from "./identifiers";
import { passwordTooLong } from "./password-policy";
import { guardLoginAttempt, recordLoginFailure, recordLoginSuccess } from "../throttling/lockout";

export const INVALID_CREDENTIALS = "The username/email or password is incorrect.";

/**
 * `purpose` "reauthenticate" is a signed-in user confirming a sensitive change with the password
 * (reauthenticate below): the same throttle, lockout and cost, but no REQUIRE_VERIFIED_EMAIL gate.
 */
export async function authenticate(rt: Runtime, identifier: string, password: string, purpose: "login" | "reauthenticate" = "login"): Promise<UserRecord> {
  assertUsable(rt.config);
  if (passwordTooLong(password)) {
    throw new AuthError("invalid_request", "The request has invalid fields.", { fields: { password: "This password is too long." } });
  }
  const key = identifier.includes("@") ? normaliseEmail(identifier) : normaliseUsername(identifier);
  const { attempt, found: user } = await guardLoginAttempt(rt, key, () => rt.stores.users.findByIdentifier(key));
  const matches = await verifyAtCurrentCost(password, user?.passwordHash ?? null, rt.config.password);
  if (!user || !matches || !user.isActive) {
    const reason = !user ? "unknown identifier" : !matches ? "wrong password" : "inactive account";
    await recordLoginFailure(rt, attempt, user, reason);
    throw new AuthError("invalid_credentials", INVALID_CREDENTIALS, { reason });
  }
  // REQUIRE_VERIFIED_EMAIL: said only to whoever just proved the password, so it tells nobody
  // else whether the account exists; nothing is recorded as a login.
  if (purpose === "login" && rt.config.requireVerifiedEmail && !user.emailVerified) {
    throw new AuthError("email_not_verified", "Verify your email address before logging in.", { reason: "email not verified" });
  }
  const at = new Date(rt.now()).toISOString();
  // Parameters changed since this hash was made (more iterations, another hash): upgrade it now,
  // the only moment the plain password is known.
  const upgraded = needsRehash(user.passwordHash, rt.config.password) ? await hashPassword(password, rt.config.password) : undefined;
  await rt.stores.users.recordLogin(user.id, at, upgraded);
  await recordLoginSuccess(rt, attempt, user);
  return { ...user, lastLoginAt: at, passwordHash: upgraded ?? user.passwordHash };
}

/**
 * The login credential check for a signed-in user (password change, account deletion): throttled,
 * counted by the lockout, and answered 401 invalid_credentials like a failed login.
 */
export async function reauthenticate(rt: Runtime, user: UserRecord, password: string): Promise<void> {
  const checked = await authenticate(rt, normaliseUsername(user.username), password, "reauthenticate");
  if (checked.id !== user.id) throw new AuthError("invalid_credentials", INVALID_CREDENTIALS, { reason: "identifier names another account" });
}
