// Cookie sessions (Django-style `sessionid` + CSRF token, seeds 000 and 004) on the same session
// families as token logins: the session id is a family's MAC'd generation-0 credential, never
// rotated, and the family is marked `kind: "cookie"` so it can never be redeemed as a refresh token.
import { encodeBase64Url, hmac, timingSafeEqualText } from "../crypto/bytes";
import { fitsSession, type KeySet } from "../crypto/purpose-keys";
import { AuthError } from "../errors";
import { logEvent } from "../log";
import type { Runtime } from "../runtime";
import type { SessionRecord, UserRecord } from "../storage/ports";
import { findSession, isCurrentToken, loadSessionUser, nextDeadline, openSession, revokeSession } from "./sessions";

export interface CookieSession {
  user: UserRecord;
  session: SessionRecord;
  /** The `sessionid` cookie value. */
  sessionId: string;
  /** Bound to this session: HMAC of its id under the CSRF key, so nothing extra is stored. */
  csrfToken: string;
  /** The same under the key sets a rotation still accepts (previous secret, legacy form). */
  formerCsrfTokens: string[];
}

/** KV allows one write per second per key; sliding the idle deadline once a minute is plenty. */
export const SLIDE_EVERY_MS = 60_000;

const noSession = (reason: string, presented: boolean) =>
  new AuthError("invalid_token", "Authentication credentials were not provided or the session has expired.", {
    reason,
    tokenPresented: presented,
    variant: presented ? "expired" : "missing",
  });

const csrfUnder = async (keys: KeySet, sid: string) => encodeBase64Url(await hmac(keys.csrf, `csrf|${sid}`));

/** The session's CSRF token under the current key, and those still accepted since a rotation. */
async function csrfTokensOf(rt: Runtime, session: SessionRecord): Promise<Pick<CookieSession, "csrfToken" | "formerCsrfTokens">> {
  const accepted = rt.secrets!.accepted.filter((keys) => fitsSession(keys, session));
  const [csrfToken, ...formerCsrfTokens] = await Promise.all(accepted.map((keys) => csrfUnder(keys, session.sid)));
  return { csrfToken: csrfToken!, formerCsrfTokens };
}

export async function startCookieSession(rt: Runtime, user: UserRecord, clientId: string): Promise<CookieSession> {
  const { session, credential } = await openSession(rt, user, { clientId, kind: "cookie", idleTtl: rt.config.sessionIdleTtl });
  return { user, session, sessionId: credential, ...(await csrfTokensOf(rt, session)) };
}

/**
 * Loads the session a `sessionid` names: the MAC, the family, the user's token_version and the
 * idle deadline are all checked, and the deadline slides forward at most once a minute.
 */
export async function resumeCookieSession(rt: Runtime, sessionId: string | undefined, { slide = true } = {}): Promise<CookieSession> {
  if (!sessionId) throw noSession("no session cookie", false);
  let session: SessionRecord;
  let user: UserRecord;
  try {
    const found = await findSession(rt, sessionId);
    session = found.session;
    if (session.kind !== "cookie" || !(await isCurrentToken(session, found.token))) throw noSession("not a cookie session", true);
    user = await loadSessionUser(rt, session);
  } catch (error) {
    if (error instanceof AuthError && error.code === "invalid_grant") throw noSession(error.reason ?? "invalid session", true);
    throw error;
  }
  const now = rt.now();
  let current = session;
  if (slide && now - session.lastUsedAt >= SLIDE_EVERY_MS) {
    const slid = { ...session, lastUsedAt: now, expiresAt: nextDeadline(rt, session, now) };
    try {
      await rt.stores.sessions.put(slid, (slid.expiresAt - now) / 1000);
      current = slid;
    } catch (error) {
      // Parallel requests of one page can slide together, and KV refuses a second write to a key
      // within a second: the session is valid either way, so the request goes on unslid.
      logEvent("warn", "session_slide_failed", { sid: session.sid, error: error instanceof AuthError ? error.reason : String(error) });
    }
  }
  return { user, session: current, sessionId, ...(await csrfTokensOf(rt, session)) };
}

/** Constant-time comparison of a presented CSRF token with the session's own (current or former key). */
export function csrfMatches(session: CookieSession, presented: string | undefined): boolean {
  if (presented === undefined) return false;
  return [session.csrfToken, ...session.formerCsrfTokens].map((token) => timingSafeEqualText(presented, token)).includes(true);
}

export async function endCookieSession(rt: Runtime, session: CookieSession): Promise<void> {
  await revokeSession(rt, session.session, "logout");
}
