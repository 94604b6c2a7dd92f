// Service-client secrets. A secret is 256 random bits, so it cannot be guessed and
// needs no slow KDF: a slow hash exists to make guessing low-entropy passwords expensive, and here
// it would only make every client_credentials request cost 100,000 PBKDF2 rounds (a CPU lever for
// anyone who can send requests). It is stored as HMAC-SHA-256 under an HKDF purpose key derived
// from REFRESH_TOKEN_SECRET, so the `clients` table alone (a leaked backup) cannot even check a
// candidate secret. Comparison is constant-time.
import { assertUsable } from "../config";
import { decodeBase64Url, encodeBase64Url, hmac, randomBytes, timingSafeEqual } from "../crypto/bytes";
import type { KeySet } from "../crypto/purpose-keys";
import type { Runtime } from "../runtime";
import type { ClientRecord } from "../storage/ports";

const SCHEME = "hmac_sha256";

/** 32 random bytes, base64url: 43 characters (the log redactor removes any such value). */
export const newClientSecret = (): string => encodeBase64Url(randomBytes(32));

const macOf = async (keys: KeySet, secret: string) => hmac(keys.clientSecret, secret);

export async function hashClientSecret(rt: Runtime, secret: string): Promise<string> {
  assertUsable(rt.config);
  return `${SCHEME}$${encodeBase64Url(await macOf(rt.secrets!, secret))}`;
}

/**
 * The client when `secret` is its current secret, else null. Checked under the current key, then
 * under REFRESH_TOKEN_SECRET_PREVIOUS's during a rotation; a match under the previous key is
 * rehashed under the current one, so client secrets outlive the rotation of the server secret.
 */
export async function verifyClientSecret(rt: Runtime, clientId: string, secret: string): Promise<ClientRecord | null> {
  assertUsable(rt.config);
  const client = await rt.stores.clients.find(clientId);
  const [scheme, encoded, ...rest] = (client?.secretHash ?? "").split("$");
  const stored = scheme === SCHEME && rest.length === 0 ? decodeBase64Url(encoded ?? "") : null;
  // Every derived key is tried whether or not the client exists, so the answer's cost says nothing.
  const derived = rt.secrets!.accepted.filter((keys) => keys.scheme === "derived");
  const matches = await Promise.all(derived.map(async (keys) => stored !== null && timingSafeEqual(await macOf(keys, secret), stored)));
  const index = matches.indexOf(true);
  if (!client || index < 0) return null;
  if (index > 0) return (await rt.stores.clients.replaceSecret(clientId, await hashClientSecret(rt, secret), null, null)) ?? null;
  return client;
}
