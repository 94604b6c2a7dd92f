// Remembers access tokens this isolate has already verified, so a client presenting the same
// token on every request pays the signature check and JWT parsing once (bench/README.md). Sound
// because a JWT is immutable: the same string under the same key ring, issuer and audience gives
// the same verdict, except for time, which is re-checked on every hit. Bounded; per key ring, so
// a configuration change (a key withdrawn) starts empty.
import type { KeyRing } from "./signing-keys";
import { verifyAccessToken, type TokenSettings, type VerifiedAccessToken } from "./access-token";

const MAX_TOKENS = 10_000;
const verified = new WeakMap<KeyRing, Map<string, VerifiedAccessToken>>();

export async function verifyAccessTokenOnce(keys: KeyRing, settings: TokenSettings, token: string, nowSeconds: number): Promise<VerifiedAccessToken> {
  let known = verified.get(keys);
  if (!known) verified.set(keys, (known = new Map()));
  const key = `${settings.issuer}\n${settings.audience}\n${token}`;
  const hit = known.get(key);
  // RFC 7519 §4.1.4: expired at exp (no leeway, as jwtVerify here); nor before it was issued.
  if (hit && nowSeconds < hit.exp && nowSeconds >= hit.iat) return hit;
  const claims = await verifyAccessToken(keys, settings, token, nowSeconds);
  known.delete(key);
  // Map keeps insertion order: the first key is the oldest, dropped when the bound is reached.
  if (known.size >= MAX_TOKENS) known.delete(known.keys().next().value!);
  known.set(key, claims);
  return claims;
}
