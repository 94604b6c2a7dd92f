// Registration that answers with tokens. The session is written to KV first and the account to D1
// last, so that a storage failure never leaves an account whose registration the client saw fail
// (its retry would meet 409): if the D1 write fails or conflicts, the session is revoked again and
// no token leaves the worker. An unrevoked leftover session (KV failing too) names no account, so
// nothing can redeem it, and it expires with its TTL. A taken username or email is refused by
// prepareUser before any of this, so only the loser of a race for one name writes and revokes a
// session here.
import { commitUser, prepareUser, type Registration } from "../accounts/register";
import { logEvent } from "../log";
import type { Runtime } from "../runtime";
import { revokeSession, startSession, type SessionOptions, type SessionResult } from "./sessions";

export async function registerWithSession(rt: Runtime, input: Registration, options: SessionOptions = {}): Promise<SessionResult> {
  const user = await prepareUser(rt, input);
  const started = await startSession(rt, user, options);
  try {
    await commitUser(rt, user);
  } catch (error) {
    await revokeSession(rt, started.session.sid, "registration_not_committed").catch((cleanup) => {
      logEvent("warn", "orphan_session_left", { sid: started.session.sid, error: cleanup instanceof Error ? cleanup.message : String(cleanup) });
    });
    throw error;
  }
  return started;
}
