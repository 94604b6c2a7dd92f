// An administrator's view and reset of a user's second factors (docs/mfa.md, "Admin reset"). The
// reset is the way back for a user who lost every factor and every recovery code: it removes the
// TOTP factor, the passkeys, the recovery codes and any pending mfa_token in one write with its audit row. It
// ends no session: the user's sessions passed the second step when they began, and a reset asked
// for because a device was stolen is followed by POST /admin/users/{id}/logout, which says so.
import { auditEvent, logAudit } from "../audit/audit";
import { factorSummary } from "../mfa/factors";
import type { Runtime } from "../runtime";
import type { UserRecord } from "../storage/ports";
import { findUser } from "./users";

/** `mfa` of GET /admin/users/{id}: { totp, passkeys, recovery_codes } (unused codes left). */
export async function userFactors(rt: Runtime, userId: string) {
  const summary = await factorSummary(rt, userId);
  return { totp: summary.totp, passkeys: summary.passkeys, recovery_codes: summary.recoveryCodes };
}

export async function resetFactors(rt: Runtime, actor: UserRecord, id: string): Promise<void> {
  const user = await findUser(rt, id);
  const event = auditEvent(rt, "admin_mfa_reset", { userId: user.id, detail: { actor: actor.id } });
  await rt.stores.mfa.resetAll(user.id, event);
  logAudit(event);
}
