// Email verification: a one-time token sent to the account's current address;
// redeeming it marks the email verified only while that address is still the account's. Changing
// the email (PATCH /admin/users/{id}: src/admin/users.ts) resets the flag.
import { auditEvent, logAudit } from "../audit/audit";
import { assertDeliveryUsable } from "../delivery/deliver";
import { buildMessage, type Message } from "../delivery/message";
import { AuthError } from "../errors";
import type { Runtime } from "../runtime";
import type { UserRecord } from "../storage/ports";
import { identifierSubject } from "../throttling/lockout";
import { throttle } from "../throttling/rate-limit";
import { findLiveToken, invalidAccountToken, newAccountToken, storeAccountToken } from "./account-tokens";
import { normaliseEmail } from "./identifiers";

/** The message to send, or null when one was sent less than a minute ago (the answer is the same). */
export async function requestEmailVerification(rt: Runtime, user: UserRecord): Promise<Message | null> {
  if (!user.email) throw new AuthError("invalid_request", "The account has no email address to verify.");
  if (user.emailVerified) throw new AuthError("conflict", "The email address is already verified.");
  assertDeliveryUsable(rt);
  const email = normaliseEmail(user.email);
  await throttle(rt, "password", await identifierSubject(rt, email));
  const fresh = await newAccountToken();
  const event = auditEvent(rt, "email_verification_requested", { userId: user.id });
  logAudit(event);
  const stored = await storeAccountToken(rt, user, "email_verification", email, fresh, event);
  return stored && buildMessage(rt, "email_verification", user, user.email, fresh.token, stored.expiresAt);
}

export async function verifyEmail(rt: Runtime, presented: string): Promise<UserRecord> {
  await throttle(rt, "password");
  const { token, user } = await findLiveToken(rt, presented, "email_verification");
  const event = auditEvent(rt, "email_verified", { userId: user.id });
  const verified = await rt.stores.accounts.redeemVerification(user.id, token.tokenHash, rt.now(), event);
  // Redeemed concurrently, or the email changed since the token was sent.
  if (!verified) throw invalidAccountToken("token redeemed concurrently, lapsed, or sent to a former address");
  logAudit(event);
  return verified;
}
