// How an API gateway verifies an edge-auth access token offline, with jose and the published JWKS.
// Local values by default; in production ISSUER is your worker's URL (https://auth.example.com)
// and AUDIENCE your API (https://api.example.com), as set in wrangler.toml.
//   ACCESS_TOKEN=... node docs/examples/verify-token.mjs
import { createRemoteJWKSet, jwtVerify } from "jose";

const issuer = process.env.ISSUER ?? "http://127.0.0.1:8787";
const audience = process.env.AUDIENCE ?? "edge-auth-local";
const jwks = createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks.json`));

const { payload, protectedHeader } = await jwtVerify(process.env.ACCESS_TOKEN ?? "", jwks, {
  issuer,
  audience,
  algorithms: ["RS256"], // JWT_ALGORITHM: pin the algorithm you sign with, never the token's own
  typ: "at+jwt",
});
console.log(`verified ${protectedHeader.alg} token of ${payload.username} (sub ${payload.sub}), expires ${new Date(payload.exp * 1000).toISOString()}`);
