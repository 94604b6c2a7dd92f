// edgeAuth(): verifies a bearer access token offline, with jose, against edge-auth's published
// JWKS, pinned as docs/examples/verify-token.mjs pins it (issuer, audience, algorithms, `typ`).
// A revocation is seen only when the token expires (JWT_EXPIRATION, 5 minutes by default).
import { createMiddleware } from "hono/factory";
import type { MiddlewareHandler } from "hono";
import { createRemoteJWKSet, customFetch, errors, jwtVerify, type FetchImplementation, type JWTPayload } from "jose";
import { bearerToken, checkedRealm, holdsEvery, insufficientRole, requiredRoles, unauthorized, unavailable } from "./challenge";
import type { EdgeAuthClaims, EdgeAuthVariables } from "./types";

export type AsymmetricAlgorithm = "RS256" | "ES256" | "EdDSA";

export interface EdgeAuthOptions {
  /** edge-auth's ISSUER: the `iss` every token must name (`https://auth.example.com`). */
  issuer: string;
  /** edge-auth's AUDIENCE: the `aud` every token must name (`https://api.example.com`). */
  audience: string;
  /** Default `${issuer}/.well-known/jwks.json`, where edge-auth publishes its keys. */
  jwksUrl?: string | URL;
  /** Default `["RS256"]` (edge-auth's default JWT_ALGORITHM): pin yours, never the token's own. */
  algorithms?: AsymmetricAlgorithm[];
  /** A role (or roles, all required) the token's `roles` claim must hold, else 403. */
  role?: string | string[];
  /** The `realm` of the WWW-Authenticate challenge; default "api". */
  realm?: string;
  /** fetch for the JWKS (default: the global one), e.g. `(url, init) => env.EDGE_AUTH.fetch(url, init)` through a Service Binding. */
  fetch?: FetchImplementation;
}

// Failures to obtain the keys, not faults of the token: the answer is 503, never a 401 that would
// send a client to refresh (and sign out) while edge-auth is merely unreachable.
const KEY_FETCH_FAILURES = new Set(["ERR_JOSE_GENERIC", "ERR_JWKS_TIMEOUT", "ERR_JWKS_INVALID"]);
const isTokenFault = (error: unknown) => error instanceof errors.JOSEError && !KEY_FETCH_FAILURES.has(error.code);

type Handler = MiddlewareHandler<{ Variables: EdgeAuthVariables }>;

/**
 * Options, or a function of the Worker's `env` that gives them (called on the first request, then
 * kept: a Worker's env is fixed for its isolate, and so is the JWKS cache built from it).
 */
export function edgeAuth<B = any>(options: EdgeAuthOptions | ((env: B) => EdgeAuthOptions)): Handler {
  if (typeof options !== "function") return verifyAgainstJwks(options);
  let built: Handler | undefined;
  return (c, next) => (built ??= verifyAgainstJwks(options(c.env as B)))(c, next);
}

function verifyAgainstJwks(options: EdgeAuthOptions): Handler {
  if (!options?.issuer || !options.audience) throw new Error("edge-auth/hono: edgeAuth() needs issuer and audience");
  const algorithms = options.algorithms ?? ["RS256"];
  // HS256 tokens are signed with a secret no JWKS publishes; allowing it would invite key confusion.
  if (algorithms.length === 0 || algorithms.some((alg) => !["RS256", "ES256", "EdDSA"].includes(alg))) throw new Error("edge-auth/hono: algorithms must be RS256, ES256 or EdDSA");
  const realm = checkedRealm(options.realm);
  const roles = requiredRoles(options.role);
  const url = new URL(options.jwksUrl ?? `${options.issuer.replace(/\/+$/, "")}/.well-known/jwks.json`);
  // jose caches the keys (10 minutes) and refetches on an unknown kid at most every 30 s (cooldown).
  const jwks = createRemoteJWKSet(url, options.fetch ? { [customFetch]: options.fetch } : {});
  const verifyOptions = { issuer: options.issuer, audience: options.audience, algorithms, typ: "at+jwt", requiredClaims: ["exp", "iat", "jti", "sub", "sid"] };

  return createMiddleware<{ Variables: EdgeAuthVariables }>(async (c, next) => {
    const token = bearerToken(c.req.header("Authorization"), realm);
    if (token === undefined) throw unauthorized(realm, false);
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, jwks, verifyOptions));
    } catch (error) {
      throw isTokenFault(error) ? unauthorized(realm, true) : unavailable();
    }
    if (typeof payload.sid !== "string" || !Array.isArray(payload.roles)) throw unauthorized(realm, true);
    const claims = payload as unknown as EdgeAuthClaims;
    if (!holdsEvery(claims.roles, roles)) throw insufficientRole(realm);
    c.set("auth", claims);
    await next();
  });
}
