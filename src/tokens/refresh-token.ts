// Refresh tokens: `<sid>.<generation>.<secret>.<mac>`, opaque to clients. The MAC (HMAC-SHA-256
// under the refresh-MAC key derived from REFRESH_TOKEN_SECRET) makes an issued token verifiable on
// its own, so a made-up token that names a real session is refused before any reuse logic can
// revoke that session. Successors are derived, not random: every concurrent redemption of one token
// computes the same successor, which is how rotation stays race-free on KV (no compare-and-set).
import { encodeBase64Url, hmac, randomBytes, decodeBase64Url, timingSafeEqual, sha256Base64Url } from "../crypto/bytes";
import type { KeySet } from "../crypto/purpose-keys";

export interface RefreshToken {
  sid: string;
  generation: number;
  secret: string;
}

/** A presented token whose MAC checked out, with the key set that checked it. */
export interface VerifiedRefreshToken extends RefreshToken {
  keys: KeySet;
}

const FORMAT = /^([A-Za-z0-9_-]{22})\.(0|[1-9][0-9]{0,8})\.([A-Za-z0-9_-]{43})\.([A-Za-z0-9_-]{43})$/;

export const newSessionId = (): string => encodeBase64Url(randomBytes(16));

/** 256 bits from the platform CSPRNG for the first token of a family. */
export const newRefreshSecret = (): string => encodeBase64Url(randomBytes(32));

const macInput = (t: RefreshToken) => `mac|${t.sid}|${t.generation}|${t.secret}`;

export async function encodeRefreshToken(key: CryptoKey, token: RefreshToken): Promise<string> {
  const mac = encodeBase64Url(await hmac(key, macInput(token)));
  return `${token.sid}.${token.generation}.${token.secret}.${mac}`;
}

/**
 * Parses and authenticates a presented token under each accepted key set (current first);
 * null for anything this service did not issue.
 */
export async function decodeRefreshToken(accepted: readonly KeySet[], presented: string): Promise<VerifiedRefreshToken | null> {
  const match = FORMAT.exec(presented);
  if (!match) return null;
  const token: RefreshToken = { sid: match[1]!, generation: Number(match[2]), secret: match[3]! };
  const given = decodeBase64Url(match[4]!);
  if (!given) return null;
  for (const keys of accepted) {
    if (timingSafeEqual(await hmac(keys.refreshMac, macInput(token)), given)) return { ...token, keys };
  }
  return null;
}

/**
 * The one successor of a token: the same for every redemption, unknowable without the key. It is
 * derived under the key set that verified the token, not the current one, so isolates on either
 * side of a secret rotation (or of the upgrade to derived keys) still compute the same successor;
 * its MAC is then made under the current key, which moves the family onto it.
 */
export async function successorOf(token: VerifiedRefreshToken): Promise<RefreshToken> {
  const secret = encodeBase64Url(await hmac(token.keys.successor, `next|${token.sid}|${token.generation}|${token.secret}`));
  return { sid: token.sid, generation: token.generation + 1, secret };
}

export const hashRefreshSecret = (secret: string): Promise<string> => sha256Base64Url(secret);
