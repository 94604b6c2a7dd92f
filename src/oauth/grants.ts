// The two grants of POST /oauth/token (RFC 6749). Never the password grant: RFC 9700 §2.4 says it
// MUST NOT be used, and a browser or app logs in through the native API instead.
import { AuthError } from "../errors";
import type { Runtime } from "../runtime";
import { findSession, INVALID_GRANT, refreshSession } from "../sessions/sessions";
import type { ClientRecord } from "../storage/ports";
import { signAccessToken, type VerifiedAccessToken } from "../tokens/access-token";
import { newSessionId } from "../tokens/refresh-token";
import { assertUsable } from "../config";

export const GRANT_TYPES = ["refresh_token", "client_credentials"] as const;

export const unsupportedGrant = () => new AuthError("unsupported_grant_type", `Supported grant types: ${GRANT_TYPES.join(", ")}.`);

/** RFC 6749 §3.3: space-delimited, each scope at least one character. */
const scopesOf = (scope: string | undefined) => (scope === undefined ? undefined : scope.split(" ").filter((s) => s !== ""));

/** A token this grant issued names its client as its subject; a user's token names the user. */
export const isServiceToken = (claims: Pick<VerifiedAccessToken, "sub" | "client_id">) => claims.sub === claims.client_id;

/**
 * client_credentials: an access token for the client itself, with the requested scopes (all of
 * the client's when none are requested, RFC 6749 §3.3), no refresh token (§4.4.3).
 */
export async function clientCredentialsGrant(rt: Runtime, client: ClientRecord, scope: string | undefined) {
  assertUsable(rt.config);
  const requested = scopesOf(scope) ?? client.scopes;
  if (requested.some((s) => !client.scopes.includes(s))) throw new AuthError("invalid_scope", "The requested scope is not allowed for this client.");
  const granted = [...new Set(requested)].join(" ");
  const { issuer, audience, accessTtl } = rt.config;
  const claims = { sub: client.clientId, client_id: client.clientId, scope: granted, sid: newSessionId(), roles: [], ver: 0 as const };
  const accessToken = await signAccessToken(rt.keys!, { issuer, audience, accessTtl }, claims, Math.floor(rt.now() / 1000));
  return { access_token: accessToken, token_type: "Bearer", expires_in: accessTtl, scope: granted };
}

/**
 * refresh_token: /auth/refresh's rotation, reuse detection and throttling (refreshSession).
 * `clientId`: a client that identified itself must be the session's client (RFC 6749 §6: the
 * token is bound to the client it was issued to); checked before rotating.
 */
export async function refreshTokenGrant(rt: Runtime, refreshToken: string, scope: string | undefined, clientId?: string) {
  // RFC 6749 §6: a refresh may only narrow the original grant, and a user's session has no scopes.
  if ((scopesOf(scope) ?? []).length > 0) throw new AuthError("invalid_scope", "The requested scope exceeds the scope originally granted.");
  if (clientId !== undefined && (await findSession(rt, refreshToken)).session.clientId !== clientId) {
    throw new AuthError("invalid_grant", INVALID_GRANT, { reason: `refresh token of another client than ${clientId}` });
  }
  const { tokens } = await refreshSession(rt, refreshToken);
  return tokens;
}
