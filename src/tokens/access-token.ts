// Access tokens: RFC 9068 JWTs signed with the active key. Verification pins the algorithm to
// the key named by `kid`, and the issuer, audience and `typ` — never the token's own `alg`.
import { SignJWT, jwtVerify, errors, type JWTPayload, type JWSHeaderParameters } from "jose";
import { AuthError } from "../errors";
import type { KeyRing } from "./signing-keys";

export interface AccessClaims {
  sub: string;
  sid: string;
  username: string;
  roles: string[];
  /** users.token_version at issue; logout-all, password change and disable bump it. */
  ver: number;
  client_id: string;
}

/**
 * A service client's token (client_credentials): `sub` and `client_id` are the client's id, `scope`
 * its granted scopes (RFC 9068 §2.2.3), no user; `sid` is the token's own id, so a revocation
 * marker can end it, and `ver` 0. `roles` is empty: clients hold scopes, not user roles.
 */
export interface ServiceClaims {
  sub: string;
  client_id: string;
  scope: string;
  sid: string;
  roles: string[];
  ver: 0;
}

export interface VerifiedAccessToken extends AccessClaims {
  /** Present on service tokens only. */
  scope?: string;
  jti: string;
  iat: number;
  exp: number;
}

export interface TokenSettings {
  issuer: string;
  audience: string;
  accessTtl: number;
}

export async function signAccessToken(keys: KeyRing, settings: TokenSettings, claims: AccessClaims | ServiceClaims, nowSeconds: number): Promise<string> {
  const { active } = keys;
  return new SignJWT({ ...claims })
    .setProtectedHeader({ alg: active.alg, typ: "at+jwt", kid: active.kid })
    .setIssuer(settings.issuer)
    .setAudience(settings.audience)
    .setIssuedAt(nowSeconds)
    .setExpirationTime(nowSeconds + settings.accessTtl)
    .setJti(crypto.randomUUID())
    .sign(active.signKey!);
}

const MAX_CLOCK_SKEW_SECONDS = 60;
const ALL_ALGORITHMS = ["RS256", "ES256", "EdDSA", "HS256"];

function invalid(reason: string, expired = false): AuthError {
  return new AuthError("invalid_token", "The access token is invalid or has expired.", {
    reason,
    variant: expired ? "expired" : undefined,
  });
}

export async function verifyAccessToken(keys: KeyRing, settings: TokenSettings, token: string, nowSeconds: number): Promise<VerifiedAccessToken> {
  const algorithms = ALL_ALGORITHMS.filter((alg) => [...keys.byKid.values()].some((k) => k.alg === alg));
  const pickKey = (header: JWSHeaderParameters) => {
    const key = typeof header.kid === "string" ? keys.byKid.get(header.kid) : undefined;
    // The key decides the algorithm: an RS256 key named by a token claiming HS256 is refused
    // here, before jose could ever be asked to use a public key as an HMAC secret.
    if (!key || key.alg !== header.alg) throw invalid("unknown kid or alg mismatch");
    return key.verifyKey;
  };
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, pickKey, {
      algorithms,
      issuer: settings.issuer,
      audience: settings.audience,
      typ: "at+jwt",
      currentDate: new Date(nowSeconds * 1000),
      requiredClaims: ["exp", "iat", "jti", "sub", "sid"],
    }));
  } catch (error) {
    if (error instanceof AuthError) throw error;
    const code = error instanceof errors.JOSEError ? error.code : "ERR_MALFORMED";
    throw invalid(`jwt verification failed: ${code}`, code === "ERR_JWT_EXPIRED");
  }
  if (typeof payload.sid !== "string" || typeof payload.ver !== "number") throw invalid("missing sid or ver claim");
  // jose checks iat only against maxTokenAge: refuse tokens minted in the future (beyond clock
  // skew between locations) or living longer than this service ever issues (settings.accessTtl is
  // the longest lifetime of any API shape when verifying), whoever signed them.
  if (payload.scope !== undefined && typeof payload.scope !== "string") throw invalid("scope is not a string");
  if (payload.iat! > nowSeconds + MAX_CLOCK_SKEW_SECONDS || payload.exp! - payload.iat! > settings.accessTtl) throw invalid("iat in the future or lifetime too long");
  return payload as unknown as VerifiedAccessToken;
}
