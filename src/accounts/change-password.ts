// Password change: the current password goes through login's credential check
// (throttled, counted by the lockout), the new one through the policy; the hash, the token_version
// bump that ends every session and access token of the user, and the audit row are one D1 batch.
import { auditEvent, logAudit } from "../audit/audit";
import { AuthError } from "../errors";
import type { Runtime } from "../runtime";
import type { UserRecord } from "../storage/ports";
import { reauthenticate } from "./authenticate";
import { hashNewPassword } from "./new-password";

export async function changePassword(rt: Runtime, user: UserRecord, currentPassword: string, newPassword: string): Promise<UserRecord> {
  await reauthenticate(rt, user, currentPassword);
  const passwordHash = await hashNewPassword(rt, user, newPassword, "new_password");
  const event = auditEvent(rt, "password_changed", { userId: user.id });
  const changed = await rt.stores.accounts.changePassword(user.id, passwordHash, event);
  if (!changed) throw new AuthError("invalid_token", "The access token is invalid or has expired.", { reason: "user deleted during password change" });
  logAudit(event);
  return changed;
}
