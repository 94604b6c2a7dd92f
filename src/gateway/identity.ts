// What a gateway learns about a request's access token: who the user is, their roles and session.
// One core for forward auth (routes/verify.ts) and the Service Binding RPC (gateway/auth-service.ts):
// the same checks as any authenticated route (signature, claims, session marker, token_version,
// disabled user) through the verified-token memo and the read cache, with no hash and no write.
import { verifyAccess } from "../http/access";
import type { Runtime } from "../runtime";

export interface GatewayIdentity {
  userId: string;
  username: string;
  roles: string[];
  sid: string;
  /** The access token's `exp` and `iat`, epoch seconds. */
  exp: number;
  iat: number;
}

export async function gatewayIdentity(rt: Runtime, token: string): Promise<GatewayIdentity> {
  const { claims, user } = await verifyAccess(rt, token);
  return { userId: user.id, username: user.username, roles: user.roles, sid: claims.sid, exp: claims.exp, iat: claims.iat };
}

export const holdsEvery = (identity: GatewayIdentity, roles: readonly string[]) => roles.every((role) => identity.roles.includes(role));

// A header value is bytes, and workerd refuses a character above U+00FF; a username may be any
// letter. Outside printable ASCII (and `%` itself, and the `,` that separates roles) a value is
// percent-encoded UTF-8, so decodeURIComponent gives back the exact name and ASCII names read as-is.
const headerSafe = (value: string) => value.replace(/[^\x21-\x24\x26-\x2b\x2d-\x7e]/gu, (char) => encodeURIComponent(char));

/** The headers a gateway copies to its upstream (nginx auth_request_set, Caddy copy_headers). */
export function identityHeaders(identity: GatewayIdentity): Record<string, string> {
  return {
    "X-Auth-User-Id": identity.userId,
    "X-Auth-Username": headerSafe(identity.username),
    "X-Auth-Roles": identity.roles.map(headerSafe).join(","),
    "X-Auth-Session": identity.sid,
  };
}
