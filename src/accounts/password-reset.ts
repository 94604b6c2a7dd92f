// Password reset. `forgot` answers the same whether or not the account exists,
// after the same work: the identifier digest, the throttle, one account read, one token made and
// hashed, one D1 write (the token with its audit row, or the audit row alone); the message leaves
// after the response. `reset` redeems the token once, sets the password, ends every earlier
// session (token_version, in the same D1 batch) and clears the lockout of the account.
import { assertUsable } from "../config";
import { auditEvent, logAudit } from "../audit/audit";
import { assertDeliveryUsable } from "../delivery/deliver";
import { buildMessage, type Message } from "../delivery/message";
import type { Runtime } from "../runtime";
import { distinctIdentifiers, type UserRecord } from "../storage/ports";
import { identifierSubject, lockoutSubjects } from "../throttling/lockout";
import { throttle } from "../throttling/rate-limit";
import { findLiveToken, invalidAccountToken, newAccountToken, storeAccountToken } from "./account-tokens";
import { loginIdentifiers, normaliseEmail, normaliseUsername } from "./identifiers";
import { hashNewPassword } from "./new-password";

/** The message to send, or null (no such account, disabled, no email, or asked within the minute). */
export async function requestPasswordReset(rt: Runtime, identifier: string): Promise<{ message: Message; userId: string } | null> {
  assertUsable(rt.config);
  // Before anything account-specific: the 503 is the same for every identifier.
  assertDeliveryUsable(rt);
  const key = identifier.includes("@") ? normaliseEmail(identifier) : normaliseUsername(identifier);
  const subject = await identifierSubject(rt, key);
  await throttle(rt, "password", subject);
  const [user, fresh] = await Promise.all([rt.stores.users.findByIdentifier(key), newAccountToken()]);
  const to = user?.isActive && user.email ? user.email : null;
  const event = auditEvent(rt, "password_reset_requested", { userId: to ? user!.id : null, subject });
  logAudit(event);
  if (!user || !to) {
    await rt.stores.audit.record(event);
    return null;
  }
  const stored = await storeAccountToken(rt, user, "password_reset", normaliseEmail(to), fresh, event);
  return stored && { message: buildMessage(rt, "password_reset", user, to, fresh.token, stored.expiresAt), userId: user.id };
}

export async function resetPassword(rt: Runtime, presented: string, newPassword: string): Promise<UserRecord> {
  assertUsable(rt.config);
  await throttle(rt, "password");
  const { token, user } = await findLiveToken(rt, presented, "password_reset");
  const passwordHash = await hashNewPassword(rt, user, newPassword, "new_password");
  const event = auditEvent(rt, "password_reset", { userId: user.id });
  const updated = await rt.stores.accounts.redeemReset(user.id, token.tokenHash, passwordHash, rt.now(), event);
  // Another redemption of the same token won the D1 batch (or it lapsed meanwhile): single use.
  if (!updated) throw invalidAccountToken("token redeemed concurrently or lapsed");
  logAudit(event);
  await clearLockout(rt, updated);
  return updated;
}

/** Whoever locked the account out by guessing has lost: its owner has just proved control of it. */
async function clearLockout(rt: Runtime, user: UserRecord): Promise<void> {
  const identifiers = distinctIdentifiers(loginIdentifiers(user.username, user.email));
  const subjects = (await Promise.all(identifiers.map((identifier) => lockoutSubjects(rt, identifier)))).flat();
  await rt.stores.attempts.clearSubjects(subjects);
}
