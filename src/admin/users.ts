// What an administrator does to an account. Each change and its audit events are
// one D1 batch (UserStore.update), with the acting admin in detail.actor; the last-admin rule is
// checked inside that batch by migration 0009's triggers. Sessions end in KV afterwards: D1 and KV
// share no transaction, so the D1 side (token_version) is written first and already ends them.
import { eraseAccount } from "../accounts/erase";
import { emailProblem, loginIdentifiers, usernameEmailProblem } from "../accounts/identifiers";
import { publicUser } from "../accounts/user";
import { audit, auditEvent, logAudit } from "../audit/audit";
import { AuthError } from "../errors";
import { invalidFields } from "../http/body";
import type { Runtime } from "../runtime";
import { endEveryUserSession } from "../sessions/session-index";
import type { AdminAuditEvent, AuditEvent, UserChange, UserRecord } from "../storage/ports";

export const noSuchUser = () => new AuthError("not_found", "No such user.");

export function adminUser(user: UserRecord) {
  return { ...publicUser(user), is_active: user.isActive, last_login_at: user.lastLoginAt };
}

export async function findUser(rt: Runtime, id: string): Promise<UserRecord> {
  const user = await rt.stores.users.findById(id);
  if (!user) throw noSuchUser();
  return user;
}

export interface UserPatch {
  roles?: string[];
  is_active?: boolean;
  email?: string | null;
  email_verified?: boolean;
}

type Planned = { change: UserChange; events: AuditEvent[] };

function emailChange(user: UserRecord, email: string | null): UserChange["email"] {
  const trimmed = email?.trim() || null;
  const problem = (trimmed ? emailProblem(trimmed) : undefined) ?? usernameEmailProblem(user.username, trimmed);
  if (problem) throw invalidFields({ email: problem });
  return { email: trimmed, normalized: loginIdentifiers(user.username, trimmed).email };
}

/** The change a patch makes to `user` and one audit event per effect; an unchanged field adds none. */
function plan(rt: Runtime, actor: UserRecord, user: UserRecord, patch: UserPatch): Planned {
  const change: UserChange = {};
  const events: AuditEvent[] = [];
  const record = (event: AdminAuditEvent, detail: Record<string, string> = {}) => events.push(auditEvent(rt, event, { userId: user.id, detail: { actor: actor.id, ...detail } }));
  if (patch.roles !== undefined) {
    change.roles = patch.roles;
    for (const role of patch.roles.filter((r) => !user.roles.includes(r))) record("admin_role_granted", { role });
    for (const role of user.roles.filter((r) => !patch.roles!.includes(r))) record("admin_role_revoked", { role });
  }
  if (patch.is_active !== undefined && patch.is_active !== user.isActive) {
    change.isActive = patch.is_active;
    // Disabling ends every session and access token at once (verifyAccess and refresh check both).
    change.endSessions = !patch.is_active;
    record(patch.is_active ? "admin_user_enabled" : "admin_user_disabled");
  }
  let verified = user.emailVerified;
  if (patch.email !== undefined) {
    change.email = emailChange(user, patch.email);
    if (change.email!.email !== user.email) record("admin_user_updated", { field: "email" });
    // The store resets email_verified for a new address (as the account's own email change does);
    // `verified` follows it here only to tell whether an explicit email_verified changes anything.
    if (change.email!.normalized !== loginIdentifiers(user.username, user.email).email) verified = false;
  }
  if (patch.email_verified !== undefined) {
    change.emailVerified = patch.email_verified;
    if (patch.email_verified !== verified) record("admin_user_updated", { field: "email_verified" });
  }
  return { change, events };
}

const emailTaken = () => new AuthError("conflict", "An account with this username or email already exists.");

export async function updateUser(rt: Runtime, actor: UserRecord, id: string, patch: UserPatch): Promise<UserRecord> {
  const user = await findUser(rt, id);
  const { change, events } = plan(rt, actor, user, patch);
  if (events.length === 0) return user;
  const updated = await rt.stores.users.update(id, change, new Date(rt.now()).toISOString(), events);
  if (updated === "not_found") throw noSuchUser();
  if (updated === "conflict") throw emailTaken();
  events.forEach(logAudit);
  if (change.endSessions) await endEveryUserSession(rt, id, "admin_user_disabled", updated.tokenVersion);
  return updated;
}

/** Ends every session and access token of the user (token_version), then its indexed sessions. */
export async function logOutUser(rt: Runtime, actor: UserRecord, id: string): Promise<void> {
  const event = auditEvent(rt, "admin_logout", { userId: id, detail: { actor: actor.id } });
  const updated = await rt.stores.users.update(id, { endSessions: true }, event.at, [event]);
  if (updated === "not_found" || updated === "conflict") throw noSuchUser();
  logAudit(event);
  await endEveryUserSession(rt, id, "admin_logout", updated.tokenVersion);
}

/** As DELETE /auth/me: erasure leaves only a pseudonym in the audit trail, so this event names none. */
export async function deleteUser(rt: Runtime, actor: UserRecord, id: string): Promise<void> {
  // eraseAccount refuses the last active admin (409) before it ends any session.
  if ((await eraseAccount(rt, id, { userId: actor.id, via: "admin" })) === "not_found") throw noSuchUser();
  await audit(rt, "admin_user_deleted", { detail: { actor: actor.id } });
}
