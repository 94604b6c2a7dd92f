// The audit trail's event: what the audit capability records and the storage ports persist
// (D1 `audit_events`, docs/storage.md).

/** A security event for the audit trail (D1 `audit_events`); never a secret in any field. */
export interface AuditEvent {
  at: string;
  event:
    | "login_success" | "login_failure" | "lockout" | "refresh_reuse_detected" | "logout_all" | "password_changed"
    | "session_revoked_by_user" | AccountEvent | MfaEvent | AdminAuditEvent | PasskeyEvent;
  userId: string | null;
  /** Keyed digest of a login identifier, for events about an identifier rather than an account. */
  subject: string | null;
  ip: string | null;
  detail: Record<string, string | number | boolean | null>;
}

/** The account lifecycle's events (docs/accounts.md). */
export type AccountEvent =
  | "password_reset_requested" | "password_reset" | "email_verification_requested" | "email_verified" | "account_deleted" | "delivery_failed";

/** The second factor's events (docs/mfa.md); `mfa_failure` and `lockout` come from the lockout's counter. */
export type MfaEvent =
  | "mfa_totp_enrolled" | "mfa_totp_enabled" | "mfa_totp_disabled" | "mfa_recovery_codes_regenerated" | "mfa_recovery_code_used"
  | "mfa_challenge_issued" | "mfa_success" | "mfa_failure" | "mfa_profile_refused" | "mfa_profile_allowed";

/** Events of administrators' changes; each has the acting admin's id in `detail.actor`. */
export type AdminAuditEvent =
  | "admin_user_updated"
  | "admin_user_disabled"
  | "admin_user_enabled"
  | "admin_logout"
  | "admin_user_deleted"
  | "admin_client_created"
  | "admin_client_deleted"
  | "admin_client_secret_rotated"
  | "admin_role_granted"
  | "admin_role_revoked"
  | "admin_mfa_reset";

/** Passkeys' events (docs/passkeys.md); `detail.passkey_id` names the credential. */
export type PasskeyEvent = "passkey_registered" | "passkey_removed" | "passkey_login_success" | "passkey_login_failure";
