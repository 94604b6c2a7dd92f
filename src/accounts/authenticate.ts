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

export async function authenticate(rt: Runtime, identifier: string, password: string): Promise<UserRecord> {
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
  const at = new Date(rt.now()).toISOString();
  // Parameters changed since this hash was made (more iterations, another hash): upgrade it now,
  // the only moment the plain password is known.
  const upgraded = needsRehash(user.passwordHash, rt.config.password) ? await hashPassword(password, rt.config.password) : undefined;
  await rt.stores.users.recordLogin(user.id, at, upgraded);
  await recordLoginSuccess(rt, attempt, user);
  return { ...user, lastLoginAt: at, passwordHash: upgraded ?? user.passwordHash };
}
