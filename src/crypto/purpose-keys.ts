// One HMAC key per purpose, derived from REFRESH_TOKEN_SECRET with HKDF-SHA-256 (RFC 5869), so a
// value made for one purpose (a CSRF token, an identifier digest) is never valid for another, and
// the key sets a rotation still accepts (REFRESH_TOKEN_SECRET_PREVIOUS, the pre-derivation format).
import { importHmacKey, utf8 } from "./bytes";

export type Purpose = "refreshMac" | "successor" | "csrf" | "identifierDigest" | "clientSecret";

/** RFC 5869 §3.2: `info` binds each output to its purpose; the version lets a format change get new keys. */
const INFO: Record<Purpose, string> = {
  refreshMac: "edge-auth refresh-token mac v1",
  successor: "edge-auth refresh-token successor v1",
  csrf: "edge-auth csrf token v1",
  identifierDigest: "edge-auth identifier digest v1",
  clientSecret: "edge-auth client secret hash v1",
};

export interface KeySet extends Record<Purpose, CryptoKey> {
  /**
   * "derived": HKDF per purpose. "legacy": the raw secret as every purpose's HMAC key, as before
   * key derivation; accepted for verification only, never used to make anything new.
   */
  scheme: "derived" | "legacy";
}

/** The keys in force: the current secret's derived keys make everything new; `accepted` verifies. */
export interface Secrets extends KeySet {
  /** Current first, then the previous secret's, then the legacy forms (verification only). */
  accepted: readonly KeySet[];
  /**
   * AES-256-GCM keys that encrypt stored TOTP secrets (mfa/secret-box.ts): the current secret's
   * first (it encrypts), then the previous one's (decryption only, during a rotation).
   */
  totpSecret: readonly CryptoKey[];
}

const TOTP_SECRET_INFO = "edge-auth totp secret aes-gcm v1";

/** An encryption key, not an HMAC key: its own HKDF output (RFC 5869 §3.2, its own `info`). */
async function deriveTotpSecretKey(secret: string): Promise<CryptoKey> {
  const base = await crypto.subtle.importKey("raw", utf8(secret), "HKDF", false, ["deriveKey"]);
  const params = { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(0), info: utf8(TOTP_SECRET_INFO) };
  return crypto.subtle.deriveKey(params, base, { name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
}

async function deriveKeySet(secret: string): Promise<KeySet> {
  // RFC 5869 §3.1: a salt adds nothing for a uniformly random input key, so it is left empty.
  const base = await crypto.subtle.importKey("raw", utf8(secret), "HKDF", false, ["deriveKey"]);
  const derive = (purpose: Purpose) =>
    crypto.subtle.deriveKey(
      { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(0), info: utf8(INFO[purpose]) },
      base,
      { name: "HMAC", hash: "SHA-256", length: 256 },
      false,
      ["sign"],
    );
  const [refreshMac, successor, csrf, identifierDigest, clientSecret] = await Promise.all([
    derive("refreshMac"),
    derive("successor"),
    derive("csrf"),
    derive("identifierDigest"),
    derive("clientSecret"),
  ]);
  return { scheme: "derived", refreshMac, successor, csrf, identifierDigest, clientSecret };
}

/** Before derivation one key served every purpose; the messages carried distinct prefixes. */
async function legacyKeySet(secret: string): Promise<KeySet> {
  const key = await importHmacKey(secret);
  return { scheme: "legacy", refreshMac: key, successor: key, csrf: key, identifierDigest: key, clientSecret: key };
}

/**
 * A legacy key set fits only a session opened before derived keys (no `keyScheme` on its record):
 * such sessions keep working for their remaining life (at most SESSION_MAX_AGE), and no session
 * opened since accepts a legacy MAC or CSRF token.
 */
export const fitsSession = (keys: KeySet, session: { keyScheme?: "derived" }): boolean => keys.scheme === "derived" || session.keyScheme === undefined;

export async function loadSecrets(current: string, previous?: string): Promise<Secrets> {
  const secrets = previous && previous !== current ? [current, previous] : [current];
  const derived = await Promise.all(secrets.map(deriveKeySet));
  const legacy = await Promise.all(secrets.map(legacyKeySet));
  const totpSecret = await Promise.all(secrets.map(deriveTotpSecretKey));
  return { ...derived[0]!, accepted: [...derived, ...legacy], totpSecret };
}
