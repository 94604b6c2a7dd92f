// The one-time tokens of password reset and email verification: 256 random bits, base64url,
// stored only as their SHA-256 (a leaked table grants nothing), one live token per user and
// purpose (a new one supersedes the old), redeemed once (storage/d1-accounts.ts).
import { encodeBase64Url, randomBytes, sha256Base64Url } from "../crypto/bytes";
import { AuthError } from "../errors";
import type { Runtime } from "../runtime";
import type { AccountToken, AccountTokenPurpose, AuditEvent, UserRecord } from "../storage/ports";

/** Reset: 30 minutes. Verification: a day, as the address is not a credential. */
export const TOKEN_TTL_MS: Record<AccountTokenPurpose, number> = { password_reset: 30 * 60_000, email_verification: 24 * 3_600_000 };

/** At most one message per account and purpose per minute: forgot cannot be used to flood an inbox. */
export const RESEND_AFTER_MS = 60_000;

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** Bad, used, expired, superseded, or its account gone: one answer, nothing to probe. RFC 6749 §5.2's 400. */
export const invalidAccountToken = (reason: string) =>
  new AuthError("invalid_grant", "The token is invalid, expired or already used.", { status: 400, reason });

/** A fresh token and its stored hash; made for every request, whether or not an account gets it. */
export async function newAccountToken(): Promise<{ token: string; tokenHash: string }> {
  const token = encodeBase64Url(randomBytes(32));
  return { token, tokenHash: await sha256Base64Url(token) };
}

/**
 * Stores the token for the user (superseding the older one) with its audit event; null when the
 * current token is less than a minute old (nothing is sent then, and the answer is the same).
 */
export async function storeAccountToken(
  rt: Runtime, user: UserRecord, purpose: AccountTokenPurpose, email: string, fresh: { tokenHash: string }, event: AuditEvent,
): Promise<{ expiresAt: number } | null> {
  const now = rt.now();
  const record: AccountToken = { tokenHash: fresh.tokenHash, userId: user.id, purpose, email, createdAt: now, expiresAt: now + TOKEN_TTL_MS[purpose], usedAt: null };
  const issued = await rt.stores.accounts.issueToken(user.id, record, RESEND_AFTER_MS, event);
  return issued === "issued" ? { expiresAt: record.expiresAt } : null;
}

/** The live token a presented value names, and its active user; invalid_grant otherwise. */
export async function findLiveToken(rt: Runtime, presented: string, purpose: AccountTokenPurpose): Promise<{ token: AccountToken; user: UserRecord }> {
  // Cheap checks first: a value that is not one of our tokens costs no storage read.
  if (!TOKEN_SHAPE.test(presented)) throw invalidAccountToken("malformed token");
  const token = await rt.stores.accounts.findToken(await sha256Base64Url(presented));
  if (!token || token.purpose !== purpose) throw invalidAccountToken("unknown or superseded token");
  if (token.usedAt !== null) throw invalidAccountToken("token already used");
  if (token.expiresAt <= rt.now()) throw invalidAccountToken("token expired");
  const user = await rt.stores.users.findById(token.userId);
  if (!user || !user.isActive) throw invalidAccountToken("account gone or disabled");
  return { token, user };
}
