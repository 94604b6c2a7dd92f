// RFC 6238 TOTP with the parameters every authenticator app assumes (SHA-1, 6 digits, 30 s; §4.2
// and §5.2's one step of clock drift either way), through the `otpauth` library. Its bare build
// with @noble/hashes' SHA-1 keeps the other hash functions out of the bundle; WebCrypto's HMAC is
// asynchronous, which otpauth's synchronous hmac hook cannot take.
import { hmac } from "@noble/hashes/hmac.js";
import { sha1 } from "@noble/hashes/legacy.js";
import { Secret, TOTP } from "otpauth/bare";
import { renderSVG } from "uqr";

const PERIOD = 30;
const DIGITS = 6;
/** RFC 6238 §5.2: accept the previous and the next step too (clock drift, typing time). */
const WINDOW = 1;
/** RFC 4226 §4 R6 recommends 160 bits for the shared secret (SHA-1's output size). */
export const SECRET_BYTES = 20;

const sha1Hmac = (_algorithm: string, key: Uint8Array, message: Uint8Array) => hmac(sha1, key, message);

function totpOf(secret: Uint8Array, label = "", issuer = ""): TOTP {
  return new TOTP({ issuer, label, algorithm: "SHA1", digits: DIGITS, period: PERIOD, secret: new Secret({ buffer: secret.slice().buffer }), hmac: sha1Hmac });
}

/** What an authenticator app is given at enrollment: the base32 secret, its otpauth:// URI and a QR code of it. */
export function enrollmentOf(secret: Uint8Array, label: string, issuer: string): { secret: string; otpauth_uri: string; qr_svg: string } {
  const totp = totpOf(secret, label, issuer);
  const uri = totp.toString();
  return { secret: totp.secret.base32, otpauth_uri: uri, qr_svg: renderSVG(uri, { ecc: "M", pixelSize: 4 }) };
}

/** The RFC 6238 time step of an instant (epoch ms). */
export const stepAt = (now: number) => Math.floor(now / 1000 / PERIOD);

/** The time step whose code `code` is, within one step of `now`; null when none matches. */
export function matchingStep(secret: Uint8Array, code: string, now: number): number | null {
  const delta = totpOf(secret).validate({ token: code, timestamp: now, window: WINDOW });
  return delta === null ? null : stepAt(now) + delta;
}
