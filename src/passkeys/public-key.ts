// Credential public keys: the COSE key an authenticator returns at registration (WebAuthn L3
// §6.5.1.1, RFC 9053) becomes a JWK stored with its COSE algorithm, and assertion signatures are
// checked against it with WebCrypto. Parsing is @oslojs/webauthn's; only the algorithms every
// browser must support are accepted (§5.8.5 recommends -8, -7 and -257).
import {
  coseAlgorithmEdDSA, coseAlgorithmES256, coseAlgorithmRS256, coseEllipticCurveEd25519, coseEllipticCurveP256, COSEKeyType, type COSEPublicKey,
} from "@oslojs/webauthn";
import { encodeBase64Url } from "../crypto/bytes";

/** pubKeyCredParams, in order of preference. */
export const SUPPORTED_ALGORITHMS = [coseAlgorithmEdDSA, coseAlgorithmES256, coseAlgorithmRS256] as const;

export interface StoredPublicKey {
  /** COSE algorithm identifier: -8 EdDSA (Ed25519), -7 ES256, -257 RS256. */
  alg: number;
  jwk: JsonWebKey;
}

/** Big-endian bytes of a non-negative integer, left-padded to `length` when given. */
function bigIntBytes(value: bigint, length = 0): Uint8Array {
  let hex = value.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  const bytes = new Uint8Array(Math.max(length, hex.length / 2));
  const offset = bytes.length - hex.length / 2;
  for (let i = 0; i < hex.length / 2; i++) bytes[offset + i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}

const b64 = (value: bigint, length?: number) => encodeBase64Url(bigIntBytes(value, length));

/** The stored form of a COSE key, or null when its algorithm, type or curve is not one we accept. */
export function storedPublicKey(key: COSEPublicKey): StoredPublicKey | null {
  try {
    if (!key.isAlgorithmDefined()) return null;
    const alg = key.algorithm();
    const type = key.type();
    if (alg === coseAlgorithmES256 && type === COSEKeyType.EC2) {
      const { curve, x, y } = key.ec2();
      return curve === coseEllipticCurveP256 ? { alg, jwk: { kty: "EC", crv: "P-256", x: b64(x, 32), y: b64(y, 32) } } : null;
    }
    if (alg === coseAlgorithmEdDSA && type === COSEKeyType.OKP) {
      const { curve, x } = key.okp();
      return curve === coseEllipticCurveEd25519 && x.byteLength === 32 ? { alg, jwk: { kty: "OKP", crv: "Ed25519", x: encodeBase64Url(x) } } : null;
    }
    if (alg === coseAlgorithmRS256 && type === COSEKeyType.RSA) {
      const { n, e } = key.rsa();
      // RSA keys under 2048 bits are not accepted (NIST SP 800-131A).
      return n.toString(2).length >= 2048 ? { alg, jwk: { kty: "RSA", n: b64(n), e: b64(e) } } : null;
    }
    return null;
  } catch {
    return null; // a COSE map missing its parameters
  }
}

/**
 * X9.62 Ecdsa-Sig-Value, SEQUENCE { r INTEGER, s INTEGER } in DER, as r || s of 32 bytes each
 * (P-256); null unless it is strict DER. Written here rather than imported: the ASN.1 library
 * that does it weighed 27 KiB of the bundle for these few lines.
 */
export function ecdsaDerToRaw(der: Uint8Array): Uint8Array | null {
  // At most 72 bytes, so every length is DER's one-byte short form.
  if (der.length < 8 || der.length > 72 || der[0] !== 0x30 || der[1] !== der.length - 2) return null;
  const raw = new Uint8Array(64);
  let offset = 2;
  for (const slot of [0, 32]) {
    const length = der[offset + 1] ?? 0;
    let value = der.subarray(offset + 2, offset + 2 + length);
    if (der[offset] !== 0x02 || length === 0 || value.length !== length) return null;
    // DER integers are minimal and these are positive: a leading 0 only before a high bit.
    if (value[0]! & 0x80 || (value[0] === 0 && (length === 1 || !(value[1]! & 0x80)))) return null;
    if (value[0] === 0) value = value.subarray(1);
    if (value.length > 32) return null;
    raw.set(value, slot + 32 - value.length);
    offset += 2 + length;
  }
  return offset === der.length ? raw : null;
}

const PARAMS: Record<number, { key: SubtleCryptoImportKeyAlgorithm; verify: SubtleCryptoSignAlgorithm }> = {
  [coseAlgorithmES256]: { key: { name: "ECDSA", namedCurve: "P-256" }, verify: { name: "ECDSA", hash: "SHA-256" } },
  [coseAlgorithmEdDSA]: { key: { name: "Ed25519" }, verify: { name: "Ed25519" } },
  [coseAlgorithmRS256]: { key: { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, verify: { name: "RSASSA-PKCS1-v1_5" } },
};

/**
 * Checks a signature over `message` (authenticatorData || SHA-256(clientDataJSON)); false for a
 * wrong or malformed one. §6.5.6: ES256 signatures arrive DER-encoded, WebCrypto wants r || s.
 */
export async function verifySignature(key: StoredPublicKey, signature: Uint8Array, message: Uint8Array): Promise<boolean> {
  const params = PARAMS[key.alg];
  if (!params) return false;
  try {
    const raw = key.alg === coseAlgorithmES256 ? ecdsaDerToRaw(signature) : signature;
    if (!raw) return false;
    const cryptoKey = await crypto.subtle.importKey("jwk", key.jwk, params.key, false, ["verify"]);
    return await crypto.subtle.verify(params.verify, cryptoKey, raw, message);
  } catch {
    return false;
  }
}
