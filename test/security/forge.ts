// Token forgery kit for the security suites (in workerd and in Node): re-sign a real token's
// claims with chosen headers, claims and keys, so each test changes exactly one thing an attacker
// controls. `keys` are private JWKs: RS256 is the service's active key, the others are foreign.
import { base64url, decodeJwt, importJWK, SignJWT, type JWK, type JWTPayload } from "jose";

type SigningJwk = JWK & { kid: string; alg: string };
export type ForgeKeys = Record<"RS256" | "ES256" | "EdDSA" | "RS256_NEXT", SigningJwk>;

const encodeJson = (value: unknown) => base64url.encode(new TextEncoder().encode(JSON.stringify(value)));

export function forgeKit(keys: ForgeKeys) {
  async function signWith(jwk: SigningJwk, header: Record<string, unknown>, payload: JWTPayload): Promise<string> {
    return new SignJWT(payload).setProtectedHeader({ alg: jwk.alg, ...header }).sign(await importJWK(jwk, jwk.alg));
  }

  return {
    keys,
    signWith,

    /** The real token's claims, re-signed by the real active key unless told otherwise. */
    resign(token: string, change: { header?: Record<string, unknown>; claims?: JWTPayload; key?: SigningJwk } = {}) {
      return signWith(change.key ?? keys.RS256, { typ: "at+jwt", kid: keys.RS256.kid, ...change.header }, { ...decodeJwt(token), ...change.claims });
    },

    /** RFC 7519 §6.1 unsecured JWT: `alg: none` and an empty signature. */
    unsecured(token: string): string {
      return `${encodeJson({ alg: "none", typ: "at+jwt", kid: keys.RS256.kid })}.${encodeJson(decodeJwt(token))}.`;
    },

    /** HS256 over the token's claims, keyed with bytes of the public RSA key (algorithm confusion). */
    confusedHs256(token: string, secret: Uint8Array): Promise<string> {
      return new SignJWT(decodeJwt(token)).setProtectedHeader({ alg: "HS256", typ: "at+jwt", kid: keys.RS256.kid }).sign(secret);
    },

    /** The public RSA key in the forms a confused verifier might use as an HMAC secret. */
    async publicKeyAsSecrets(): Promise<Record<string, Uint8Array>> {
      const { d, p, q, dp, dq, qi, ...pub } = keys.RS256 as unknown as Record<string, string>;
      const key = await crypto.subtle.importKey("jwk", { ...pub, ext: true } as JsonWebKey, { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, true, ["verify"]);
      const spki = new Uint8Array((await crypto.subtle.exportKey("spki", key)) as ArrayBuffer);
      const pem = `-----BEGIN PUBLIC KEY-----\n${btoa(String.fromCharCode(...spki)).replace(/(.{64})/g, "$1\n")}\n-----END PUBLIC KEY-----\n`;
      const text = (s: string) => new TextEncoder().encode(s);
      return { pem: text(pem), spkiDer: spki, jwkJson: text(JSON.stringify(pub)), modulus: base64url.decode(pub.n!) };
    },

    /** Flips one base64url character in the middle of the signature (every bit there counts). */
    tamperSignature(token: string): string {
      const [h, p, s] = token.split(".") as [string, string, string];
      const i = Math.floor(s.length / 2);
      return `${h}.${p}.${s.slice(0, i)}${s[i] === "A" ? "B" : "A"}${s.slice(i + 1)}`;
    },
  };
}
