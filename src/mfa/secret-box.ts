// TOTP secrets at rest: AES-256-GCM under the HKDF key derived for this purpose from
// REFRESH_TOKEN_SECRET (crypto/purpose-keys.ts), a fresh 96-bit IV per encryption (NIST SP 800-38D
// §8.2.2), and the user id as additional data, so a ciphertext copied onto another user's row
// does not decrypt. Stored as base64url(iv || ciphertext).
import { decodeBase64Url, encodeBase64Url, randomBytes, utf8 } from "../crypto/bytes";
import type { Secrets } from "../crypto/purpose-keys";

const IV_BYTES = 12;

export async function sealTotpSecret(secrets: Secrets, userId: string, secret: Uint8Array): Promise<string> {
  const iv = randomBytes(IV_BYTES);
  const sealed = await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: utf8(userId) }, secrets.totpSecret[0]!, secret);
  const out = new Uint8Array(IV_BYTES + sealed.byteLength);
  out.set(iv);
  out.set(new Uint8Array(sealed), IV_BYTES);
  return encodeBase64Url(out);
}

/**
 * The secret and whether it was sealed under the current key (false: under the previous secret's,
 * so the caller re-seals it); null when no accepted key opens it (the secret it was made under
 * has been retired: docs/mfa.md, "Secret rotation").
 */
export async function openTotpSecret(secrets: Secrets, userId: string, sealed: string): Promise<{ secret: Uint8Array; current: boolean } | null> {
  const bytes = decodeBase64Url(sealed);
  if (!bytes || bytes.byteLength <= IV_BYTES) return null;
  for (const [index, key] of secrets.totpSecret.entries()) {
    try {
      const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: bytes.slice(0, IV_BYTES), additionalData: utf8(userId) }, key, bytes.slice(IV_BYTES));
      return { secret: new Uint8Array(plain), current: index === 0 };
    } catch {
      // The GCM tag did not verify under this key: try the next one.
    }
  }
  return null;
}
