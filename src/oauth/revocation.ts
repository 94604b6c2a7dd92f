// RFC 7009 revocation: a refresh token ends its family, an access token ends its session (a
// service token, its own marker). A token that is unknown, forged, expired or already revoked
// is answered 200 all the same (§2.2): the client's goal, a token that no longer works, holds.
import { assertUsable } from "../config";
import { verifyAccessClaims } from "../http/access";
import type { Runtime } from "../runtime";
import { findRefreshFamily, revokeSession } from "../sessions/sessions";
import { isServiceToken } from "./grants";
import { isTokenRefusal, looksLikeJwt } from "./introspection";
import { logEvent } from "../log";

async function revokeAccess(rt: Runtime, token: string): Promise<void> {
  const claims = await verifyAccessClaims(rt, token);
  const nowSeconds = Math.floor(rt.now() / 1000);
  if (!isServiceToken(claims)) return revokeSession(rt, claims.sid, "access_token_revoked");
  // A service token has no session: its marker need only outlive the token (KV clamps to 60 s).
  await rt.stores.sessions.revoke(claims.sid, claims.exp - nowSeconds);
  logEvent("info", "service_token_revoked", { sid: claims.sid, client_id: claims.client_id });
}

export async function revokeToken(rt: Runtime, token: string): Promise<void> {
  assertUsable(rt.config);
  try {
    // Any generation of a family this service issued (its MAC proves it), as logout accepts.
    if (looksLikeJwt(token)) await revokeAccess(rt, token);
    else await revokeSession(rt, await findRefreshFamily(rt, token), "refresh_token_revoked");
  } catch (error) {
    if (isTokenRefusal(error)) return;
    throw error;
  }
}
