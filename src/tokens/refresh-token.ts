// Refresh tokens: `<sid>.<generation>.<secret>.<mac>`, opaque to clients. The MAC (HMAC-SHA-256
// under REFRESH_TOKEN_SECRET) makes an issued token verifiable on its own, so a made-up token that
// names a real session is refused before any reuse logic can revoke that session. Successors are
// derived, not random: every concurrent redemption of one token computes the same successor, which
// is how rotation stays race-free on KV (no compare-and-set).
import { encodeBase64Url, hmac, randomBytes, decodeBase64Url, timingSafeEqual, sha256Base64Url } from "../crypto/bytes";

export interface RefreshToken {
  sid: string;
  generation: number;
  secret: string;
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

/** Parses and authenticates a presented token; null for anything this service did not issue. */
export async function decodeRefreshToken(key: CryptoKey, presented: string): Promise<RefreshToken | null> {
  const match = FORMAT.exec(presented);
  if (!match) return null;
  const token: RefreshToken = { sid: match[1]!, generation: Number(match[2]), secret: match[3]! };
  const expected = await hmac(key, macInput(token));
  const given = decodeBase64Url(match[4]!);
  return given && timingSafeEqual(expected, given) ? token : null;
}

/** The one successor of a token: the same for every redemption, unknowable without the key. */
export async function successorOf(key: CryptoKey, token: RefreshToken): Promise<RefreshToken> {
  const secret = encodeBase64Url(await hmac(key, `next|${token.sid}|${token.generation}|${token.secret}`));
  return { sid: token.sid, generation: token.generation + 1, secret };
}

export const hashRefreshSecret = (secret: string): Promise<string> => sha256Base64Url(secret);
