// The per-user view of sessions (GET/DELETE /auth/sessions, account deletion, admin): D1's
// `user_sessions` rows say which sessions a user opened, KV says which of them still live.
// Consistency bound (README "Sessions", docs/sessions.md): a row is written before its session's
// KV record and D1 reads see every committed write, so a session is listed from the moment its
// opening request answers, wherever the list is read. KV may not show the record in another
// location for up to ~60 s (and a negative read there is cached up to 60 s more): meanwhile the
// row itself is listed, for at most UNSEEN_RECORD_GRACE_MS.
import type { Runtime } from "../runtime";
import type { SessionIndexEntry, UserRecord } from "../storage/ports";
import { audit } from "../audit/audit";
import { unindexSessions } from "./index-rows";
import { revokeFamily, revokeSession } from "./sessions";

export interface SessionSummary {
  id: string;
  client_id: string;
  created_at: string;
  last_used_at: string;
  expires_at: string;
  user_agent: string | null;
  kind: "tokens" | "cookie";
}

/** Rows read per list: the newest ones; a user's older rows are mostly dead, and pruned as lists go by. */
export const LIST_LIMIT = 100;
/** Two KV propagation windows: a record written this long ago is visible everywhere. */
export const UNSEEN_RECORD_GRACE_MS = 120_000;
/** A sid is 16 random bytes, base64url: anything else names no session and costs no read. */
const SID_FORMAT = /^[A-Za-z0-9_-]{22}$/;

type Seen = { live: SessionSummary } | { dead: boolean };
const isDead = (seen: Seen) => "dead" in seen && seen.dead;

const iso = (ms: number) => new Date(ms).toISOString();

function summary(entry: SessionIndexEntry, lastUsedAt: number, expiresAt: number): { live: SessionSummary } {
  const { sid, clientId, createdAt, userAgent, kind } = entry;
  return { live: { id: sid, client_id: clientId, created_at: iso(createdAt), last_used_at: iso(lastUsedAt), expires_at: iso(expiresAt), user_agent: userAgent, kind } };
}

/**
 * Whether an indexed session lives, read from KV. `{ dead: true }` only when it can never live
 * again (revoked, superseded token_version, deadline passed, record gone for longer than KV takes
 * to show it): such rows are pruned. `{ dead: false }`: not listed, but the row stays.
 */
async function see(rt: Runtime, entry: SessionIndexEntry, user: UserRecord, now: number): Promise<Seen> {
  if (entry.tokenVersion < user.tokenVersion) return { dead: true };
  const [record, revoked] = await Promise.all([rt.stores.sessions.get(entry.sid), rt.stores.sessions.isRevoked(entry.sid)]);
  if (revoked) return { dead: true };
  if (record) return now < record.expiresAt ? summary(entry, record.lastUsedAt, record.expiresAt) : { dead: true };
  // No record here: opened so recently that KV has not shown it in this location yet, or ended.
  if (now - entry.createdAt >= UNSEEN_RECORD_GRACE_MS) return { dead: true };
  return now < entry.expiresAt ? summary(entry, entry.createdAt, entry.expiresAt) : { dead: false };
}

/** The user's live sessions, newest first (at most LIST_LIMIT); dead rows met on the way are pruned. */
export async function listUserSessions(rt: Runtime, userId: string): Promise<SessionSummary[]> {
  const [entries, user] = await Promise.all([rt.stores.sessionIndex.list(userId, LIST_LIMIT), rt.stores.users.findById(userId)]);
  // A disabled user's sessions are refused on use, but may live again if the account is enabled.
  if (user && !user.isActive) return [];
  const now = rt.now();
  const seen = user ? await Promise.all(entries.map((entry) => see(rt, entry, user, now))) : entries.map((): Seen => ({ dead: true }));
  const dead = entries.filter((_, i) => isDead(seen[i]!)).map((entry) => entry.sid);
  if (dead.length > 0) await unindexSessions(rt, dead);
  return seen.flatMap((s) => ("live" in s ? [s.live] : []));
}

/** Ends one live session of the user; false (nothing read beyond the index) when it is not one. */
export async function endUserSession(rt: Runtime, userId: string, sid: string, why: string): Promise<boolean> {
  if (!SID_FORMAT.test(sid)) return false;
  const [entry, user] = await Promise.all([rt.stores.sessionIndex.find(userId, sid), rt.stores.users.findById(userId)]);
  if (!entry || !user || !("live" in (await see(rt, entry, user, rt.now())))) return false;
  await revokeSession(rt, entry, why);
  await audit(rt, "session_revoked_by_user", { userId, detail: { sid, why } });
  return true;
}

/**
 * Ends every session of the user: token_version first (unless the caller bumped it: `bumpedTo`) (it also ends sessions no list reaches:
 * opened before the index existed, beyond LIST_LIMIT, or by a login racing this call), then a
 * revocation marker for each indexed session that was live, which holds even once the user row
 * is gone (account deletion), and finally their index rows.
 */
export async function endEveryUserSession(rt: Runtime, userId: string, why: string, bumpedTo?: number): Promise<void> {
  const entries = await rt.stores.sessionIndex.list(userId, LIST_LIMIT);
  // `bumpedTo`: the caller's own batch already bumped token_version (admin disable and logout
  // write it with their audit row); bumping again would end nothing more.
  const version = bumpedTo ?? (await rt.stores.users.bumpTokenVersion(userId, iso(rt.now())));
  // version 0: no user row; every row is revoked. Otherwise the rows under the version just ended.
  const ending = entries.filter((entry) => version === 0 || entry.tokenVersion === version - 1);
  await Promise.all(ending.map((entry) => revokeFamily(rt, entry, why)));
  await unindexSessions(rt, entries.map((entry) => entry.sid));
}
