// The account lifecycle's storage port (D1 `account_tokens`, migration 0007): one-time tokens and
// the writes that redeem them. storage/ports.ts re-exports it.
import type { UserRecord } from "../accounts/user-record";
import type { AuditEvent } from "../audit/event";

export type AccountTokenPurpose = "password_reset" | "email_verification";

/** A one-time token of the account lifecycle (D1 `account_tokens`); only its hash is stored. */
export interface AccountToken {
  tokenHash: string;
  userId: string;
  purpose: AccountTokenPurpose;
  /** The normalised address the message went to. */
  email: string | null;
  createdAt: number;
  expiresAt: number;
  usedAt: number | null;
}

/**
 * The account lifecycle's writes that span tables (D1 `account_tokens`, `users`,
 * `login_identifiers`, `audit_events`), each one db.batch(): a token is consumed, and what it
 * grants is written, together or not at all. Every method names its user first, so the read
 * cache drops that user's row around the write (storage/read-cache.ts withUserInvalidation).
 */
export interface AccountStore {
  /**
   * Replaces the user's token of this purpose (the older one stops working) and records `event`;
   * "too_soon" (only the event is written) while the current one is unused and younger than
   * `resendAfterMs`.
   */
  issueToken(userId: string, token: AccountToken, resendAfterMs: number, event: AuditEvent): Promise<"issued" | "too_soon">;
  findToken(tokenHash: string): Promise<AccountToken | null>;
  /**
   * Consumes the user's unused, unexpired reset token and, in the same transaction, sets the
   * password hash, bumps token_version, marks the email verified when the token went to the
   * current address, and records `event`. Null when another redemption won or the token lapsed.
   */
  redeemReset(userId: string, tokenHash: string, passwordHash: string, now: number, event: AuditEvent): Promise<UserRecord | null>;
  /** Consumes a verification token and marks the email verified, if it is still the account's. */
  redeemVerification(userId: string, tokenHash: string, now: number, event: AuditEvent): Promise<UserRecord | null>;
  /**
   * Sets the password hash, bumps token_version, drops any outstanding reset token and records
   * `event`; null when the user is gone.
   */
  changePassword(userId: string, passwordHash: string, event: AuditEvent): Promise<UserRecord | null>;
  /**
   * Deletes the user, its login identifiers and tokens, rewrites its audit rows' user id to
   * `pseudonym` and records `event` (already pseudonymous), in one transaction; false when absent.
   */
  erase(userId: string, pseudonym: string, event: AuditEvent): Promise<boolean>;
}
