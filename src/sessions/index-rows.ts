// Writing the per-user session index (D1 `user_sessions`) as sessions open and end. The rule that
// keeps it complete: a row is written before its session's KV record and deleted only after the
// session's revocation (marker, or an older token_version), so every live session has a row.
// Reading it is session-index.ts.
import { AuthError } from "../errors";
import { logEvent } from "../log";
import type { Runtime } from "../runtime";
import type { SessionRecord, UserRecord } from "../storage/ports";

/** What is kept of a User-Agent header: enough to tell devices apart, bounded per row. */
export const USER_AGENT_MAX_LENGTH = 256;

export async function indexSession(rt: Runtime, user: UserRecord, session: SessionRecord): Promise<void> {
  await rt.stores.sessionIndex.add({
    sid: session.sid,
    userId: user.id,
    clientId: session.clientId,
    kind: session.kind ?? "tokens",
    tokenVersion: user.tokenVersion,
    userAgent: rt.userAgent?.slice(0, USER_AGENT_MAX_LENGTH) || null,
    createdAt: session.createdAt,
    expiresAt: session.expiresAt,
  });
}

// Deletes are best effort: a row that stays is filtered out on every read (by the marker, the
// missing record or the older token_version) and pruned then or by the retention run.
const unindexFailed = (fields: Record<string, unknown>) => (error: unknown) => {
  logEvent("warn", "session_unindex_failed", { ...fields, error: error instanceof AuthError ? error.reason : String(error) });
};

/** Drops the rows of ended sessions. */
export async function unindexSessions(rt: Runtime, sids: readonly string[]): Promise<void> {
  await rt.stores.sessionIndex.remove(sids).catch(unindexFailed({ sids: sids.length }));
}

/** Drops the user's rows opened under a token_version below `version` (all ended by its bump). */
export async function unindexBelowVersion(rt: Runtime, userId: string, version: number): Promise<void> {
  await rt.stores.sessionIndex.removeBelowVersion(userId, version).catch(unindexFailed({ user_id: userId }));
}
