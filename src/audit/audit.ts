// The audit trail: security events as D1 rows (`audit_events`) and as structured log lines.
// Callers pass ids, digests and codes only; never a password, token, secret or cookie value.
import { logEvent, type LogLevel } from "../log";
import type { Runtime } from "../runtime";
import type { AuditEvent } from "./event";

type EventName = AuditEvent["event"];

const LEVEL: Record<EventName, LogLevel> = {
  login_success: "info",
  login_failure: "info",
  lockout: "warn",
  refresh_reuse_detected: "warn",
  logout_all: "info",
  password_changed: "info",
  session_revoked_by_user: "info",
  password_reset_requested: "info",
  password_reset: "info",
  email_verification_requested: "info",
  email_verified: "info",
  account_deleted: "info",
  delivery_failed: "warn",
  passkey_registered: "info",
  passkey_removed: "info",
  passkey_login_success: "info",
  passkey_login_failure: "info",
  mfa_totp_enrolled: "info",
  mfa_totp_enabled: "info",
  mfa_totp_disabled: "warn",
  mfa_recovery_codes_regenerated: "info",
  mfa_recovery_code_used: "warn",
  mfa_challenge_issued: "info",
  mfa_success: "info",
  mfa_failure: "info",
  mfa_profile_refused: "info",
  // MFA_PROFILES=allow: a login with the password alone by a user who has a second factor.
  mfa_profile_allowed: "warn",
  // Administrators' changes: warn, as each one changes who may do what.
  admin_user_updated: "warn",
  admin_user_disabled: "warn",
  admin_user_enabled: "warn",
  admin_logout: "warn",
  admin_user_deleted: "warn",
  admin_client_created: "warn",
  admin_client_deleted: "warn",
  admin_client_secret_rotated: "warn",
  admin_role_granted: "warn",
  admin_role_revoked: "warn",
  admin_mfa_reset: "warn",
};

export function auditEvent(rt: Runtime, event: EventName, fields: Partial<Pick<AuditEvent, "userId" | "subject" | "detail">> = {}): AuditEvent {
  return {
    at: new Date(rt.now()).toISOString(),
    event,
    userId: fields.userId ?? null,
    subject: fields.subject ?? null,
    ip: rt.clientIp,
    detail: fields.detail ?? {},
  };
}

/** Writes the log line of an event that is (or is about to be) stored. */
export function logAudit(event: AuditEvent): void {
  logEvent(LEVEL[event.event], "audit", { audit_event: event.event, user_id: event.userId, subject: event.subject, ip: event.ip, ...event.detail });
}

/** Records one security event; a storage failure is a 503, like any other write. */
export async function audit(rt: Runtime, event: EventName, fields: Partial<Pick<AuditEvent, "userId" | "subject" | "detail">> = {}): Promise<void> {
  const record = auditEvent(rt, event, fields);
  logAudit(record);
  await rt.stores.audit.record(record);
}
