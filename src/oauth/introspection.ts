// RFC 7662 introspection, shared by POST /oauth/introspect and the service-binding RPC entrypoint.
// The revocation-aware answer offline JWKS verification cannot give: the session's marker, the
// user's token_version and the user's existence and state are read as every authenticated request
// reads them. Any token that fails is `{ active: false }` (§2.2: never an error for a bad token);
// a storage or configuration failure is thrown (503): never `active: true` on a failure.
import { assertUsable } from "../config";
import { isAuthError } from "../errors";
import { liveUserOf, verifyAccessClaims } from "../http/access";
import type { Runtime } from "../runtime";
import { findCurrentRefreshFamily } from "../sessions/sessions";
import type { VerifiedAccessToken } from "../tokens/access-token";
import { isServiceToken } from "./grants";

export type Introspection =
  | { active: false }
  | {
      active: true;
      sub: string;
      client_id: string;
      username?: string;
      scope?: string;
      roles: string[];
      sid: string;
      exp: number;
      iat: number;
      iss: string;
      aud?: string;
      /** "Bearer" for an access token (RFC 6749 §7.1); "refresh_token" (RFC 7009 §2.1's name) for a refresh token. */
      token_type: "Bearer" | "refresh_token";
    };

const INACTIVE: Introspection = { active: false };

/** A JWS compact serialisation: three base64url parts; our refresh tokens have four parts. */
export const looksLikeJwt = (token: string) => /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(token);

/** The token was refused as a token (forged, expired, revoked): inactive. Anything else is a fault. */
export const isTokenRefusal = (error: unknown) => isAuthError(error) && (error.code === "invalid_token" || error.code === "invalid_grant");

/** A verified service token's claims, when it is still live: not revoked, its client not deleted. */
async function liveServiceToken(rt: Runtime, claims: VerifiedAccessToken): Promise<boolean> {
  const [revoked, client] = await Promise.all([rt.stores.sessions.isRevoked(claims.sid), rt.stores.clients.find(claims.client_id)]);
  return !revoked && client !== null;
}

async function introspectAccess(rt: Runtime, token: string): Promise<Introspection> {
  const { issuer, audience } = rt.config;
  const claims = await verifyAccessClaims(rt, token);
  const common = { sub: claims.sub, client_id: claims.client_id, sid: claims.sid, exp: claims.exp, iat: claims.iat, iss: issuer, aud: audience, token_type: "Bearer" as const };
  if (isServiceToken(claims)) {
    return (await liveServiceToken(rt, claims)) ? { active: true, ...common, scope: claims.scope ?? "", roles: [] } : INACTIVE;
  }
  // The same checks as every authenticated request: marker, user present and active, token_version.
  const user = await liveUserOf(rt, claims);
  return { active: true, ...common, username: user.username, roles: user.roles };
}

async function introspectRefresh(rt: Runtime, token: string): Promise<Introspection> {
  // Only the family's current token is active: a rotated one would be refused (or taken as reuse).
  const session = await findCurrentRefreshFamily(rt, token);
  const user = await rt.stores.users.findById(session.userId);
  if (!user) return INACTIVE;
  return {
    active: true,
    sub: user.id,
    client_id: session.clientId,
    username: user.username,
    roles: user.roles,
    sid: session.sid,
    exp: Math.floor(session.expiresAt / 1000),
    iat: Math.floor(session.rotatedAt / 1000),
    iss: rt.config.issuer,
    token_type: "refresh_token",
  };
}

/**
 * The RFC 7662 answer for `token`. `hint` (token_type_hint) is accepted and not needed: the two
 * kinds of token this service issues are told apart by their shape (§2.1 lets a server ignore it).
 */
export async function introspectToken(rt: Runtime, token: string, _hint?: string): Promise<Introspection> {
  assertUsable(rt.config);
  try {
    return looksLikeJwt(token) ? await introspectAccess(rt, token) : await introspectRefresh(rt, token);
  } catch (error) {
    if (isTokenRefusal(error)) return INACTIVE;
    throw error;
  }
}
