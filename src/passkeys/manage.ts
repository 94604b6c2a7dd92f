// A user's own passkeys: the list GET /auth/passkeys answers, removal (audited), and the count the
// factor summary reads. Removing the last factor also removes the recovery codes, which would
// stand in for nothing (docs/passkeys.md, Remove a passkey).
import { auditEvent, logAudit } from "../audit/audit";
import { AuthError } from "../errors";
import type { Runtime } from "../runtime";
import type { PasskeyRecord } from "../storage/ports";

/** What a client sees of a passkey: never its public key. */
export function publicPasskey(p: PasskeyRecord) {
  return { id: p.id, name: p.name, created_at: p.createdAt, last_used_at: p.lastUsedAt, transports: p.transports, backed_up: p.backedUp };
}

export async function listPasskeys(rt: Runtime, userId: string) {
  return (await rt.stores.passkeys.list(userId)).map(publicPasskey);
}

/** For the factor summary (login's second step, the admin view): how many passkeys the user has. */
export async function passkeyCount(rt: Runtime, userId: string): Promise<number> {
  return (await rt.stores.passkeys.list(userId)).length;
}

export async function removePasskey(rt: Runtime, userId: string, id: string): Promise<void> {
  const event = auditEvent(rt, "passkey_removed", { userId, detail: { passkey_id: id.slice(0, 64) } });
  // Another user's passkey and a made-up id answer alike: nothing to probe.
  if (!(await rt.stores.passkeys.remove(userId, id, event))) throw new AuthError("not_found", "No such passkey.");
  logAudit(event);
}
