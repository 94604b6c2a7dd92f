// Authenticating a request by access token (bearer header, else the native access cookie):
// signature and claims, then the session's revocation marker, then the user's token_version.
import type { Context } from "hono";
import { assertUsable, longestAccessTtl } from "../config";
import { AuthError } from "../errors";
import type { Runtime } from "../runtime";
import type { UserRecord } from "../storage/ports";
import type { VerifiedAccessToken } from "../tokens/access-token";
import { verifyAccessTokenOnce } from "../tokens/verified-tokens";
import { accessCookie } from "./cookies";
import type { AppEnv } from "./types";

export interface Authenticated {
  claims: VerifiedAccessToken;
  user: UserRecord;
  via: "bearer" | "cookie";
}

export const NO_CREDENTIALS = "No access token was provided.";

/**
 * RFC 6750 §3.1: a request without credentials gets a bare challenge. An ambiguous credential
 * cookie (two different values) is answered the same way, with its own description.
 */
export const noCredentials = (description = NO_CREDENTIALS, reason?: string) =>
  new AuthError("invalid_token", description, { tokenPresented: false, variant: "missing", reason });

/** RFC 6750 §2.1: `Authorization: Bearer <token>`, scheme case-insensitive. */
export function bearerToken(c: Context): string | undefined {
  const header = c.req.header("Authorization");
  const match = header ? /^Bearer[ ]+([A-Za-z0-9._~+/-]+=*)\s*$/i.exec(header) : null;
  if (header && !match) throw new AuthError("invalid_token", "The access token is invalid or has expired.", { reason: "malformed Authorization header" });
  return match?.[1];
}

const revoked = () => new AuthError("invalid_token", "The access token is invalid or has expired.", { reason: "session revoked or user changed" });

/** Signature and claims only (the verified-token memo applies); every failure is invalid_token. */
export async function verifyAccessClaims(rt: Runtime, token: string): Promise<VerifiedAccessToken> {
  assertUsable(rt.config);
  const { issuer, audience } = rt.config;
  // Every API shape's tokens verify here: the lifetime bound is the longest any of them issues.
  return verifyAccessTokenOnce(rt.keys!, { issuer, audience, accessTtl: longestAccessTtl(rt.config) }, token, Math.floor(rt.now() / 1000));
}

/** The user of verified claims, if the session is not revoked and the user is as the token says. */
export async function liveUserOf(rt: Runtime, claims: VerifiedAccessToken): Promise<UserRecord> {
  const [isRevoked, user] = await Promise.all([rt.stores.sessions.isRevoked(claims.sid), rt.stores.users.findById(claims.sub)]);
  if (isRevoked || !user || !user.isActive || user.tokenVersion !== claims.ver) throw revoked();
  return user;
}

/** Verifies a presented access token and loads its user; every failure is invalid_token. */
export async function verifyAccess(rt: Runtime, token: string): Promise<{ claims: VerifiedAccessToken; user: UserRecord }> {
  const claims = await verifyAccessClaims(rt, token);
  return { claims, user: await liveUserOf(rt, claims) };
}

export async function authenticateRequest(c: Context<AppEnv>, options: { cookie?: boolean } = {}): Promise<Authenticated> {
  const bearer = bearerToken(c);
  // The cookie is not even looked at when a bearer token is sent: that is the credential.
  const cookie = bearer === undefined && options.cookie !== false ? accessCookie(c, noCredentials) : undefined;
  const token = bearer ?? cookie;
  if (!token) throw noCredentials();
  const verified = await verifyAccess(c.get("rt"), token);
  return { ...verified, via: bearer ? "bearer" : "cookie" };
}
