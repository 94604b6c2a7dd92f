// Signing keys: the private JWK set from SIGNING_KEYS (or the HS256 secret), imported once per
// isolate, and the public JWKS that gateways use to verify tokens offline.
import { importJWK, type CryptoKey, type JWK } from "jose";
import type { Config, SigningAlgorithm } from "../config";

export interface SigningKey {
  kid: string;
  alg: SigningAlgorithm;
  /** Absent for a published-only key (kept to verify tokens it signed before a rotation). */
  signKey?: CryptoKey | Uint8Array;
  verifyKey: CryptoKey | Uint8Array;
}

export interface KeyRing {
  /** The key that signs new tokens (ACTIVE_KID, else the first key). */
  active: SigningKey;
  /** Every key a token may name in its `kid`; old keys stay until their tokens expire. */
  byKid: Map<string, SigningKey>;
  /** Public parts only, for /.well-known/jwks.json. HS keys are never published. */
  jwks: { keys: JWK[] };
}

const ASYMMETRIC: readonly SigningAlgorithm[] = ["RS256", "ES256", "EdDSA"];
const PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"] as const;

export function publicJwk(jwk: JWK): JWK {
  const pub: JWK = { ...jwk };
  for (const member of PRIVATE_MEMBERS) delete (pub as Record<string, unknown>)[member];
  delete pub.key_ops;
  delete pub.ext;
  return { ...pub, use: "sig" };
}

/** A short, stable, non-secret id for the HS256 secret (it has no JWK of its own). */
async function hsKid(secret: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", secret));
  return "hs-" + [...digest.slice(0, 6)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Builds the key ring, or returns the problems that make the configuration unusable. */
export async function loadKeyRing(config: Config): Promise<KeyRing | string[]> {
  if (config.algorithm === "HS256") {
    if (!config.hsSecret) return ["JWT_SECRET_KEY is missing"];
    const key = new TextEncoder().encode(config.hsSecret);
    const active: SigningKey = { kid: await hsKid(key), alg: "HS256", signKey: key, verifyKey: key };
    return { active, byKid: new Map([[active.kid, active]]), jwks: { keys: [] } };
  }
  if (!config.signingKeysJson) return ["SIGNING_KEYS is missing"];
  let parsed: unknown;
  try {
    parsed = JSON.parse(config.signingKeysJson ?? "");
  } catch {
    return ["SIGNING_KEYS is not valid JSON"];
  }
  const list = (parsed as { keys?: unknown })?.keys;
  if (!Array.isArray(list) || list.length === 0) return ["SIGNING_KEYS must be a JWK set with at least one key"];

  const byKid = new Map<string, SigningKey>();
  const published: JWK[] = [];
  for (const jwk of list as JWK[]) {
    const alg = jwk.alg as SigningAlgorithm;
    if (typeof jwk.kid !== "string" || !jwk.kid) return ["every key in SIGNING_KEYS needs a kid"];
    if (!ASYMMETRIC.includes(alg)) return [`key ${jwk.kid}: alg must be one of ${ASYMMETRIC.join(", ")}`];
    if (byKid.has(jwk.kid)) return [`key ${jwk.kid} appears twice in SIGNING_KEYS`];
    try {
      const pub = publicJwk(jwk);
      const verifyKey = (await importJWK(pub, alg)) as CryptoKey;
      const signKey = "d" in jwk ? ((await importJWK(jwk, alg)) as CryptoKey) : undefined;
      byKid.set(jwk.kid, { kid: jwk.kid, alg, signKey, verifyKey });
      published.push(pub);
    } catch {
      return [`key ${jwk.kid} cannot be imported for ${alg}`];
    }
  }
  const active = config.activeKid ? byKid.get(config.activeKid) : byKid.values().next().value;
  if (!active) return [`ACTIVE_KID ${config.activeKid} is not in SIGNING_KEYS`];
  if (active.alg !== config.algorithm) return [`the active key ${active.kid} is ${active.alg}, but JWT_ALGORITHM is ${config.algorithm}`];
  if (!active.signKey) return [`the active key ${active.kid} has no private part`];
  return { active, byKid, jwks: { keys: published } };
}
