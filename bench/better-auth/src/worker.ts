// Better Auth on Workers, as its docs set it up (a D1 binding, email/password, the JWT plugin),
// measured beside edge-auth by `npm run bench` (bench/README.md, "Better Auth").
//   POST /api/auth/sign-in/email   its email/password sign-in (default hasher: scrypt)
//   GET  /api/auth/get-session     its session cookie GET (one D1 read of session + user)
//   GET  /api/auth/token           its JWT plugin's token mint (key read from D1, decrypted, signed)
//   GET  /api/jwt/me               a JWKS-verified GET: the JWT checked with jose against its own
//                                  JWKS, fetched once per isolate, the way a gateway would
import { betterAuth } from "better-auth";
import { createLocalJWKSet, jwtVerify, type JWTVerifyGetKey } from "jose";
import { betterAuthOptions, ISSUER } from "./options.js";

interface Env {
  DB: D1Database;
  BETTER_AUTH_SECRET: string;
}

let auth: ReturnType<typeof betterAuth> | undefined;
let jwks: Promise<JWTVerifyGetKey> | undefined;

function authFor(env: Env) {
  // One instance per isolate, as a module-level `betterAuth()` would be (env arrives with the request).
  auth ??= betterAuth(betterAuthOptions({ database: env.DB, secret: env.BETTER_AUTH_SECRET }));
  return auth;
}

async function verifiedGet(request: Request, env: Env): Promise<Response> {
  const token = /^Bearer (.+)$/.exec(request.headers.get("Authorization") ?? "")?.[1];
  if (!token) return Response.json({ error: "missing bearer token" }, { status: 401 });
  jwks ??= authFor(env).api.getJwks().then((set) => createLocalJWKSet(set as Parameters<typeof createLocalJWKSet>[0]));
  try {
    // The plugin's defaults: issuer and audience are the baseURL.
    const { payload } = await jwtVerify(token, await jwks, { issuer: ISSUER, audience: ISSUER });
    return Response.json({ id: payload.sub, email: payload.email, name: payload.name });
  } catch {
    return Response.json({ error: "invalid token" }, { status: 401 });
  }
}

export default {
  fetch(request: Request, env: Env): Promise<Response> {
    if (new URL(request.url).pathname === "/api/jwt/me") return verifiedGet(request, env);
    return authFor(env).handler(request);
  },
} satisfies ExportedHandler<Env>;
