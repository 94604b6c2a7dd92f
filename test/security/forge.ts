// Token forgery kit for the security suites: re-sign a real token's claims with chosen headers,
// claims and keys, so each test changes exactly one thing an attacker controls.
import { base64url, decodeJwt, importJWK, SignJWT, type JWK, type JWTPayload } from "jose";
import { testEnv } from "../helpers";

export const TEST_KEYS = JSON.parse(testEnv.TEST_KEYS) as Record<"RS256" | "ES256" | "EdDSA" | "RS256_NEXT", JWK & { kid: string; alg: string }>;

export async function signWith(jwk: JWK & { alg: string }, header: Record<string, unknown>, payload: JWTPayload): Promise<string> {
  const key = await importJWK(jwk, jwk.alg);
  return new SignJWT(payload).setProtectedHeader({ alg: jwk.alg, ...header }).sign(key);
}

/** The real token's claims, re-signed by the real active key unless told otherwise. */
export async function resign(token: string, change: { header?: Record<string, unknown>; claims?: JWTPayload; key?: JWK & { alg: string } } = {}) {
  const key = change.key ?? TEST_KEYS.RS256;
  return signWith(key, { typ: "at+jwt", kid: TEST_KEYS.RS256.kid, ...change.header }, { ...decodeJwt(token), ...change.claims });
}

const encodeJson = (value: unknown) => base64url.encode(new TextEncoder().encode(JSON.stringify(value)));

/** RFC 7519 §6.1 unsecured JWT: `alg: none` and an empty signature. */
export function unsecured(token: string): string {
  return `${encodeJson({ alg: "none", typ: "at+jwt", kid: TEST_KEYS.RS256.kid })}.${encodeJson(decodeJwt(token))}.`;
}

/** HS256 over the token, keyed with bytes of the service's public RSA key (algorithm confusion). */
export async function confusedHs256(token: string, secret: Uint8Array): Promise<string> {
  return new SignJWT(decodeJwt(token)).setProtectedHeader({ alg: "HS256", typ: "at+jwt", kid: TEST_KEYS.RS256.kid }).sign(secret);
}

/** The public RSA key in the forms a confused verifier might use as an HMAC secret. */
export async function publicKeyAsSecrets(): Promise<Record<string, Uint8Array>> {
  const { d, p, q, dp, dq, qi, ...pub } = TEST_KEYS.RS256 as unknown as Record<string, string>;
  const key = await crypto.subtle.importKey("jwk", { ...pub, ext: true } as JsonWebKey, { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, true, ["verify"]);
  const spki = new Uint8Array((await crypto.subtle.exportKey("spki", key)) as ArrayBuffer);
  const b64 = btoa(String.fromCharCode(...spki)).replace(/(.{64})/g, "$1\n");
  const pem = `-----BEGIN PUBLIC KEY-----\n${b64}\n-----END PUBLIC KEY-----\n`;
  const text = (s: string) => new TextEncoder().encode(s);
  return { pem: text(pem), spkiDer: spki, jwkJson: text(JSON.stringify(pub)), modulus: base64url.decode(pub.n!) };
}

/** Flips one base64url character in the middle of the signature (every bit there is significant). */
export function tamperSignature(token: string): string {
  const [h, p, s] = token.split(".") as [string, string, string];
  const i = Math.floor(s.length / 2);
  return `${h}.${p}.${s.slice(0, i)}${s[i] === "A" ? "B" : "A"}${s.slice(i + 1)}`;
}
