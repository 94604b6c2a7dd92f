// The answers a protected route gives instead of running: RFC 6750 §3 challenges with a JSON body
// shaped like edge-auth's own (`{ error, error_description }`, `Cache-Control: no-store`), thrown
// as Hono's HTTPException so an app's onError sees them and the default handler sends them as-is.
import { HTTPException } from "hono/http-exception";

export const INVALID_TOKEN = "The access token is invalid or has expired.";
export const NO_TOKEN = "No access token was provided.";
const MISSING_ROLE = "The access token does not carry a role this route requires.";
const UNAVAILABLE = "The authentication service is temporarily unavailable.";

/** RFC 6750 §3: a quoted-string may not hold `"` or `\`, nor control characters. */
export function checkedRealm(realm: string | undefined): string {
  const value = realm ?? "api";
  if (!/^[\x20\x21\x23-\x5b\x5d-\x7e]*$/.test(value)) throw new Error(`edge-auth/hono: realm ${JSON.stringify(value)} cannot be quoted in WWW-Authenticate`);
  return value;
}

/** Every role named is required (as /auth/verify?role=... does); none named, none required. */
export function requiredRoles(role: string | readonly string[] | undefined): readonly string[] {
  const roles = role === undefined ? [] : typeof role === "string" ? [role] : role;
  if (roles.some((r) => typeof r !== "string" || r === "")) throw new Error("edge-auth/hono: role must be a non-empty string or a list of them");
  return roles;
}

function refusal(status: 401 | 403 | 503, error: string, description: string, headers: Record<string, string>): HTTPException {
  const body = JSON.stringify({ error, error_description: description });
  const res = new Response(body, { status, headers: { "Content-Type": "application/json", "Cache-Control": "no-store", ...headers } });
  return new HTTPException(status, { res, message: description });
}

/** 401. RFC 6750 §3.1: a request with no token gets a bare challenge, without an error code. */
export function unauthorized(realm: string, tokenPresented: boolean): HTTPException {
  if (!tokenPresented) return refusal(401, "invalid_token", NO_TOKEN, { "WWW-Authenticate": `Bearer realm="${realm}"` });
  return refusal(401, "invalid_token", INVALID_TOKEN, { "WWW-Authenticate": `Bearer realm="${realm}", error="invalid_token", error_description="${INVALID_TOKEN}"` });
}

/** 403, RFC 6750 §3.1 `insufficient_scope`: a valid token without a required role. */
export function insufficientRole(realm: string): HTTPException {
  return refusal(403, "insufficient_scope", MISSING_ROLE, { "WWW-Authenticate": `Bearer realm="${realm}", error="insufficient_scope", error_description="${MISSING_ROLE}"` });
}

/** 503: the keys or the binding could not be reached, so nobody can tell; fails closed. */
export function unavailable(): HTTPException {
  return refusal(503, "temporarily_unavailable", UNAVAILABLE, { "Retry-After": "5" });
}

/**
 * RFC 6750 §2.1 `Authorization: Bearer <b64token>`, scheme case-insensitive (the same rule as
 * edge-auth's own routes). Undefined without the header; a header of another shape is a presented
 * but invalid token.
 */
export function bearerToken(header: string | undefined, realm: string): string | undefined {
  if (header === undefined) return undefined;
  const match = /^Bearer[ ]+([A-Za-z0-9._~+/-]+=*)\s*$/i.exec(header);
  if (!match) throw unauthorized(realm, true);
  return match[1];
}

export const holdsEvery = (held: readonly string[], required: readonly string[]) => required.every((role) => held.includes(role));
