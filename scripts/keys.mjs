// Key generation with node:crypto, shared by dev setup, tests and `npm run keygen`.
import { generateKeyPairSync, randomBytes, createHash } from "node:crypto";

const SPEC = {
  RS256: () => generateKeyPairSync("rsa", { modulusLength: 2048 }),
  ES256: () => generateKeyPairSync("ec", { namedCurve: "P-256" }),
  EdDSA: () => generateKeyPairSync("ed25519"),
};

/** A private JWK with `kid` (RFC 7638 thumbprint prefix) and `alg`, ready for SIGNING_KEYS. */
export function generateSigningKey(alg = "RS256") {
  const make = SPEC[alg];
  if (!make) throw new Error(`unsupported algorithm ${alg}; use RS256, ES256 or EdDSA`);
  const { privateKey, publicKey } = make();
  const jwk = privateKey.export({ format: "jwk" });
  const pub = publicKey.export({ format: "jwk" });
  const members = { RSA: ["e", "kty", "n"], EC: ["crv", "kty", "x", "y"], OKP: ["crv", "kty", "x"] }[pub.kty];
  const canonical = JSON.stringify(Object.fromEntries(members.map((m) => [m, pub[m]])));
  const kid = createHash("sha256").update(canonical).digest("base64url").slice(0, 16);
  return { ...jwk, kid, alg };
}

export const randomSecret = (bytes = 32) => randomBytes(bytes).toString("base64url");
