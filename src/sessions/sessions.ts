// Sessions are refresh-token families in KV: started at login, rotated on every refresh, revoked
// at logout or on reuse. See docs/storage.md for the record and docs/tokens.md for the rules.
import { assertUsable, longestAccessTtl } from "../config";
import { AuthError } from "../errors";
import { audit } from "../audit/audit";
import { logEvent } from "../log";
import { throttle, throttleSession } from "../throttling/rate-limit";
import type { Runtime } from "../runtime";
import type { SessionRecord, UserRecord } from "../storage/ports";
import {
  decodeRefreshToken, encodeRefreshToken, hashRefreshSecret, newRefreshSecret, newSessionId, successorOf, type RefreshToken,
  type VerifiedRefreshToken,
} from "../tokens/refresh-token";
import { timingSafeEqualText } from "../crypto/bytes";
import { fitsSession } from "../crypto/purpose-keys";
import { indexSession, unindexBelowVersion, unindexSessions } from "./index-rows";
import { issueTokens, type IssuedTokens } from "./issue-tokens";
import { storeRotation } from "./store-rotation";

export const INVALID_GRANT = "The refresh token is invalid, expired or revoked.";
const invalidGrant = (reason: string) => new AuthError("invalid_grant", INVALID_GRANT, { reason });

export interface SessionResult {
  user: UserRecord;
  session: SessionRecord;
  tokens: IssuedTokens;
}

const secondsUntil = (rt: Runtime, at: number) => (at - rt.now()) / 1000;

export interface SessionOptions {
  /** Which API shape started the session (the access token's client_id). */
  clientId?: string;
  /** Access-token lifetime in seconds; default JWT_EXPIRATION. */
  accessTtl?: number;
  /** Idle lifetime in seconds, slid forward on every use; default REFRESH_TOKEN_EXPIRATION. */
  idleTtl?: number;
  kind?: SessionRecord["kind"];
}

/** The earlier of the idle deadline from `now` and the absolute deadline (SESSION_MAX_AGE). */
export function nextDeadline(rt: Runtime, session: Pick<SessionRecord, "createdAt" | "idleTtl">, now: number): number {
  return Math.min(now + (session.idleTtl ?? rt.config.refreshIdleTtl) * 1000, session.createdAt + rt.config.sessionMaxAge * 1000);
}

/** Creates and stores a new family; the returned credential is its generation-0 refresh token. */
export async function openSession(rt: Runtime, user: UserRecord, options: SessionOptions = {}): Promise<{ session: SessionRecord; credential: string }> {
  assertUsable(rt.config);
  const now = rt.now();
  const token: RefreshToken = { sid: newSessionId(), generation: 0, secret: newRefreshSecret() };
  const session: SessionRecord = {
    sid: token.sid,
    userId: user.id,
    clientId: options.clientId ?? "edge-auth",
    tokenVersion: user.tokenVersion,
    generation: 0,
    currentHash: await hashRefreshSecret(token.secret),
    previousHash: null,
    rotatedAt: now,
    createdAt: now,
    lastUsedAt: now,
    expiresAt: nextDeadline(rt, { createdAt: now, idleTtl: options.idleTtl }, now),
    keyScheme: "derived",
    ...(options.kind ? { kind: options.kind } : {}),
    ...(options.idleTtl ? { idleTtl: options.idleTtl } : {}),
    ...(options.accessTtl ? { accessTtl: options.accessTtl } : {}),
  };
  // The index row first (D1, strongly consistent): every live session then has one, and is listed
  // to its user from the moment this answers, wherever the list is read (session-index.ts).
  await indexSession(rt, user, session);
  try {
    await rt.stores.sessions.put(session, secondsUntil(rt, session.expiresAt));
  } catch (error) {
    await unindexSessions(rt, [session.sid]);
    throw error;
  }
  return { session, credential: await encodeRefreshToken(rt.secrets!.refreshMac, token) };
}

export async function startSession(rt: Runtime, user: UserRecord, options: SessionOptions = {}): Promise<SessionResult> {
  const { session, credential } = await openSession(rt, user, { ...options, kind: undefined });
  const tokens = await issueTokens(rt, user, session, credential);
  return { user, session, tokens };
}

/**
 * How long a revocation marker must last: until the session could not be used anyway. No record
 * of the session outlives its absolute end (createdAt + SESSION_MAX_AGE: every record's expiresAt
 * is capped there and checked on read), and no access token of it outlives that end by more than
 * the longest access-token lifetime any API shape issues. A marker that ended sooner would let a
 * record written back after the revoke (a rotation or cookie-session slide that read it before, a
 * delete that KV refused) bring the session back. Without the record, the whole SESSION_MAX_AGE.
 */
export function revocationTtl(rt: Runtime, session?: Pick<SessionRecord, "createdAt">): number {
  const remaining = session ? Math.max(0, secondsUntil(rt, session.createdAt + rt.config.sessionMaxAge * 1000)) : rt.config.sessionMaxAge;
  return remaining + longestAccessTtl(rt.config);
}

/**
 * Revokes a family: the refresh token stops working and so do access tokens that name its sid.
 * Pass the record when it is at hand, so the marker lasts only the session's remaining life.
 */
export async function revokeSession(rt: Runtime, target: string | Pick<SessionRecord, "sid" | "createdAt">, why: string): Promise<void> {
  const sid = await revokeFamily(rt, target, why);
  // After the marker, never before: a session must not be live without its index row.
  await unindexSessions(rt, [sid]);
}

/** revokeSession without the index row, for callers that drop many rows in one write; returns the sid. */
export async function revokeFamily(rt: Runtime, target: string | Pick<SessionRecord, "sid" | "createdAt">, why: string): Promise<string> {
  // In KV, not D1: the marker is already read on every refresh and access check, in parallel with
  // the record or the user row, so a durable revocation costs no extra round trip. The adapter
  // clamps to KV's 60 s minimum.
  const [sid, session] = typeof target === "string" ? [target, undefined] : [target.sid, target];
  await rt.stores.sessions.revoke(sid, revocationTtl(rt, session));
  logEvent("info", "session_revoked", { sid, why });
  return sid;
}

/** Authenticates a presented credential (MAC first) and loads its live family. */
export async function findSession(rt: Runtime, presented: string): Promise<{ token: VerifiedRefreshToken; session: SessionRecord }> {
  assertUsable(rt.config);
  const token = await decodeRefreshToken(rt.secrets!.accepted, presented);
  if (!token) throw invalidGrant("malformed or forged refresh token");
  // The marker too, not only the record: revoke() writes the marker first and then deletes the
  // record, and a delete that fails (KV allows one write per second per key) leaves the record.
  const [session, revoked] = await Promise.all([rt.stores.sessions.get(token.sid), rt.stores.sessions.isRevoked(token.sid)]);
  if (!session || revoked) throw invalidGrant(session ? "session revoked" : "no such session");
  if (rt.now() >= session.expiresAt) throw invalidGrant("session expired");
  if (!fitsSession(token.keys, session)) throw invalidGrant("legacy MAC on a session opened with derived keys");
  return { token, session };
}

/** True when the token is the family's current one (not a rotated predecessor). */
export async function isCurrentToken(session: SessionRecord, token: RefreshToken): Promise<boolean> {
  return token.generation === session.generation && timingSafeEqualText(await hashRefreshSecret(token.secret), session.currentHash);
}

/**
 * The family whose current refresh token this is; invalid_grant for a rotated token, a cookie
 * session id, or a user who is gone, disabled or logged out everywhere: every path that accepts a
 * refresh token (verify, blacklist) answers as /auth/refresh would.
 */
export async function findCurrentRefreshFamily(rt: Runtime, presented: string): Promise<SessionRecord> {
  const { token, session } = await findSession(rt, presented);
  if (session.kind === "cookie" || !(await isCurrentToken(session, token))) throw invalidGrant("not the current token of a token family");
  await loadSessionUser(rt, session);
  return session;
}

/**
 * The live token family of any refresh token this service issued (its MAC proves that), whatever
 * its generation: logout ends it, as a refresh with a rotated token would after the reuse interval
 * (and a tab holding the predecessor of a concurrent rotation can still log out).
 */
export async function findRefreshFamily(rt: Runtime, presented: string): Promise<SessionRecord> {
  const { session } = await findSession(rt, presented);
  if (session.kind === "cookie") throw invalidGrant("cookie session presented as a refresh token");
  return session;
}

/** Revokes the family a current refresh token belongs to (RFC 7009-style logout by refresh token). */
export async function revokeByRefreshToken(rt: Runtime, presented: string): Promise<void> {
  const session = await findCurrentRefreshFamily(rt, presented);
  await revokeSession(rt, session, "refresh_token_revoked");
}

export async function refreshSession(rt: Runtime, presented: string): Promise<SessionResult> {
  // Here, not in findSession: that one also authenticates every cookie-session request. Per IP
  // only a flood ceiling (many sessions share an address); per session once the MAC is verified.
  await throttle(rt, "refresh");
  const { token, session } = await findSession(rt, presented);
  await throttleSession(rt, token.sid);
  const now = rt.now();
  // A browser session's id is not a refresh token: redeeming it would fork the cookie session.
  if (session.kind === "cookie") throw invalidGrant("cookie session presented as a refresh token");

  const presentedHash = await hashRefreshSecret(token.secret);
  const withinGrace = now - session.rotatedAt <= rt.config.reuseInterval * 1000;
  if (token.generation < session.generation) {
    // A token this service issued (its MAC is valid) that was already rotated. Only the immediate
    // predecessor has a legitimate reason to come back (a concurrent or retried redemption of the
    // rotation just made), and only inside the reuse interval; any older generation was already
    // redeemed twice over, so whoever holds it is replaying a stolen token: reuse.
    const isPredecessor = token.generation === session.generation - 1 && session.previousHash !== null && timingSafeEqualText(presentedHash, session.previousHash);
    if (isPredecessor && withinGrace) return answerAgain(rt, session, token);
    await revokeSession(rt, session, "refresh_reuse_detected");
    await audit(rt, "refresh_reuse_detected", { userId: session.userId, detail: { sid: session.sid, generation: token.generation } });
    throw invalidGrant("refresh token reuse: family revoked");
  }
  if (token.generation === session.generation && !timingSafeEqualText(presentedHash, session.currentHash)) throw invalidGrant("hash mismatch");
  // generation > session.generation: a successor issued elsewhere that KV has not propagated yet.
  // Its MAC proves this service issued it, so it is honoured rather than mistaken for an attack.

  const user = await loadSessionUser(rt, session);
  const next = await successorOf(token);
  const rotated: SessionRecord = {
    ...session,
    generation: next.generation,
    currentHash: await hashRefreshSecret(next.secret),
    previousHash: presentedHash,
    rotatedAt: now,
    lastUsedAt: now,
    expiresAt: nextDeadline(rt, session, now),
  };
  await storeRotation(rt, session, rotated, secondsUntil(rt, rotated.expiresAt));
  return answerWith(rt, user, rotated, next);
}

/** A concurrent or retried redemption inside the reuse interval gets the successor already issued. */
async function answerAgain(rt: Runtime, session: SessionRecord, token: VerifiedRefreshToken): Promise<SessionResult> {
  return answerWith(rt, await loadSessionUser(rt, session), session, await successorOf(token));
}

async function answerWith(rt: Runtime, user: UserRecord, session: SessionRecord, next: RefreshToken): Promise<SessionResult> {
  const tokens = await issueTokens(rt, user, session, await encodeRefreshToken(rt.secrets!.refreshMac, next));
  return { user, session, tokens };
}

/** The session's user, if still active and not logged out everywhere; else the family is revoked. */
export async function loadSessionUser(rt: Runtime, session: SessionRecord): Promise<UserRecord> {
  const user = await rt.stores.users.findById(session.userId);
  if (!user || !user.isActive || user.tokenVersion !== session.tokenVersion) {
    await revokeSession(rt, session, "user disabled or token_version changed");
    throw invalidGrant("user gone, disabled or logged out everywhere");
  }
  return user;
}

/** Ends every session of the user: bumping token_version invalidates them wherever they are. */
export async function endAllSessions(rt: Runtime, userId: string, currentSid?: string): Promise<void> {
  const version = await rt.stores.users.bumpTokenVersion(userId, new Date(rt.now()).toISOString());
  if (currentSid) await revokeSession(rt, currentSid, "logout_all");
  await unindexBelowVersion(rt, userId, version);
  await audit(rt, "logout_all", { userId, detail: { sid: currentSid ?? null } });
}
