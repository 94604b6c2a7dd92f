// The second factor's storage port (D1 `mfa_totp`, `mfa_recovery_codes`, `mfa_challenges`,
// migration 0010; docs/mfa.md). Single use (an mfa_token, a recovery code, a TOTP time step) is
// decided inside one conditional statement, so it holds under concurrent requests; every write
// that changes a factor is stored with its audit event or not at all. storage/ports.ts re-exports it.
import type { AuditEvent } from "../audit/event";

export type AnswerMode = "token" | "cookie";

/** A user's TOTP factor; `secret` is the AES-GCM ciphertext (mfa/secret-box.ts), never the secret. */
export interface TotpFactor {
  userId: string;
  secret: string;
  createdAt: number;
  /** Null while the enrollment is pending: a pending factor is not a factor. */
  confirmedAt: number | null;
  /** The last accepted RFC 6238 time step; a code of this step or an earlier one is refused. */
  lastStep: number | null;
}

/** The mfa_token a password check issued (stored by hash), bound to what that check saw. */
export interface MfaChallenge {
  tokenHash: string;
  userId: string;
  tokenVersion: number;
  mode: AnswerMode;
  expiresAt: number;
}

/** What a user has: a confirmed TOTP factor, and how many recovery codes are unused. */
export interface StoredFactors {
  totp: boolean;
  recoveryCodes: number;
}

export interface MfaStore {
  /**
   * Stores a pending TOTP secret, replacing a pending one; "confirmed" (nothing written) when the
   * user's TOTP factor is already confirmed.
   */
  putPendingTotp(userId: string, secret: string, now: number): Promise<"pending" | "confirmed">;
  findTotp(userId: string): Promise<TotpFactor | null>;
  /**
   * Confirms the pending factor whose ciphertext is `secret` with `step` as its last accepted
   * step, replaces the recovery codes with `codeHashes` and records `event`, in one transaction;
   * false (nothing written) when that enrollment is no longer pending.
   */
  confirmTotp(userId: string, secret: string, step: number, codeHashes: readonly string[], now: number, event: AuditEvent): Promise<boolean>;
  /** Accepts `step` if it is later than the last accepted one of a confirmed factor; false otherwise. */
  acceptTotpStep(userId: string, step: number): Promise<boolean>;
  /** Replaces the ciphertext `from` with `to` (re-encryption under the current key); false if it changed meanwhile. */
  reencryptTotp(userId: string, from: string, to: string): Promise<boolean>;
  /** Deletes the TOTP factor (and the recovery codes when `dropRecoveryCodes`) and records `event`; false (nothing written) when there was none. */
  removeTotp(userId: string, dropRecoveryCodes: boolean, event: AuditEvent): Promise<boolean>;
  /** Replaces every recovery code of the user with `codeHashes` and records `event`, atomically. */
  replaceRecoveryCodes(userId: string, codeHashes: readonly string[], now: number, event: AuditEvent): Promise<void>;
  /** Marks the unused code used and records `event`, atomically; false when it is unknown, another user's or used. */
  useRecoveryCode(userId: string, codeHash: string, now: number, event: AuditEvent): Promise<boolean>;
  factors(userId: string): Promise<StoredFactors>;
  /** Deletes every factor (TOTP and passkeys), recovery code and pending mfa_token of the user and records `event` (admin reset). */
  resetAll(userId: string, event: AuditEvent): Promise<void>;
  /** Stores a challenge and records `event`; the user's expired challenges are deleted in the same write. */
  issueChallenge(challenge: MfaChallenge, now: number, event: AuditEvent): Promise<void>;
  /** The unexpired challenge with this hash, without consuming it. */
  findChallenge(tokenHash: string, now: number): Promise<MfaChallenge | null>;
  /** Deletes and returns the unexpired challenge: of concurrent consumers exactly one gets it. */
  consumeChallenge(tokenHash: string, now: number): Promise<MfaChallenge | null>;
}
