// Account erasure (DELETE /auth/me, DELETE /admin/users/{id}): every session ends, then the user
// row, its login identifiers and its one-time tokens are deleted in one D1 batch, together with
// rewriting the user's audit rows to a pseudonym and recording `account_deleted` under it. The
// pseudonym is a keyed digest of the user id: stable (an auditor can still group a deleted
// account's events), but not the id, and not computable without the server's secret.
import { auditEvent, logAudit } from "../audit/audit";
import { assertUsable } from "../config";
import { encodeBase64Url, hmac } from "../crypto/bytes";
import { ADMIN_ROLE } from "../admin/authorize";
import type { Runtime } from "../runtime";
import { lastAdminConflict } from "../storage/last-admin";
import { endEveryUserSession } from "../sessions/session-index";

export async function pseudonymOf(rt: Runtime, userId: string): Promise<string> {
  return `erased:${encodeBase64Url(await hmac(rt.secrets!.identifierDigest, `pseudonym|${userId}`)).slice(0, 32)}`;
}

export async function eraseAccount(rt: Runtime, userId: string, actor: { userId: string | null; via: "self" | "admin" }): Promise<"erased" | "not_found"> {
  assertUsable(rt.config);
  const user = await rt.stores.users.findById(userId);
  if (!user) return "not_found";
  // Refused before any session ends: the trigger inside the erasing batch (migration 0009) stays
  // the rule under concurrency; this spares the last admin a logout when the answer is known.
  if (user.isActive && user.roles.includes(ADMIN_ROLE) && (await rt.stores.directory.countActiveAdmins()) <= 1) throw lastAdminConflict();
  // token_version first (every access token ends at once), then a revocation marker per indexed
  // session, which holds even once the row is gone.
  await endEveryUserSession(rt, userId, "account_deleted");
  const pseudonym = await pseudonymOf(rt, userId);
  // The actor is recorded as a pseudonym too when it is the erased user.
  const actorId = actor.userId === userId ? pseudonym : actor.userId;
  const event = auditEvent(rt, "account_deleted", { userId: pseudonym, detail: { actor: actorId, via: actor.via } });
  if (!(await rt.stores.accounts.erase(userId, pseudonym, event))) return "not_found";
  logAudit(event);
  return "erased";
}
