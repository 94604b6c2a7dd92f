// Byte helpers shared by passwords, refresh tokens and CSRF tokens: base64url, random bytes,
// SHA-256 and a constant-time comparison for every secret the service checks.
import { base64url } from "jose";

export const encodeBase64Url = (bytes: Uint8Array): string => base64url.encode(bytes);

export function decodeBase64Url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  try {
    return base64url.decode(text);
  } catch {
    return null;
  }
}

export function randomBytes(length: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(length));
}

export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

export async function sha256(data: Uint8Array | string): Promise<Uint8Array> {
  const bytes = typeof data === "string" ? utf8(data) : data;
  return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
}

export async function sha256Base64Url(data: Uint8Array | string): Promise<string> {
  return encodeBase64Url(await sha256(data));
}

/** Compares two byte strings in time that depends only on their lengths, never on their contents. */
export function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
  let diff = a.byteLength ^ b.byteLength;
  const length = Math.max(a.byteLength, b.byteLength);
  for (let i = 0; i < length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

export const timingSafeEqualText = (a: string, b: string): boolean => timingSafeEqual(utf8(a), utf8(b));

export async function importHmacKey(secret: string | Uint8Array): Promise<CryptoKey> {
  const raw = typeof secret === "string" ? utf8(secret) : secret;
  return crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
}

export async function hmac(key: CryptoKey, data: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.sign("HMAC", key, utf8(data)));
}
