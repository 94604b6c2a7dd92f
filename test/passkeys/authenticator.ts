// A software authenticator for the passkey tests, independent of the service's WebAuthn code: its
// own CBOR encoder, an ES256 key pair from WebCrypto, attestation "none", authenticator data with
// the rpIdHash, flags, counter and attested credential data (WebAuthn L3 §6.1, §6.5), and
// clientDataJSON (§5.8.1). Each field can be overridden to build the attacks.

const enc = new TextEncoder();
export const b64url = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
export const fromB64url = (text: string) => Uint8Array.from(atob(text.replace(/-/g, "+").replace(/_/g, "/")), (ch) => ch.charCodeAt(0));
const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
};

/** RFC 8949 §3: the head of a data item of major type `major` with argument `n`. */
function head(major: number, n: number): Uint8Array {
  if (n < 24) return Uint8Array.of((major << 5) | n);
  if (n < 256) return Uint8Array.of((major << 5) | 24, n);
  if (n < 65536) return Uint8Array.of((major << 5) | 25, n >> 8, n & 255);
  return Uint8Array.of((major << 5) | 26, (n >>> 24) & 255, (n >> 16) & 255, (n >> 8) & 255, n & 255);
}

export type Cbor = number | string | Uint8Array | Cbor[] | Map<number | string, Cbor>;

export function cbor(value: Cbor): Uint8Array {
  if (typeof value === "number") return value >= 0 ? head(0, value) : head(1, -1 - value);
  if (typeof value === "string") {
    const bytes = enc.encode(value);
    return concat(head(3, bytes.byteLength), bytes);
  }
  if (value instanceof Uint8Array) return concat(head(2, value.byteLength), value);
  if (Array.isArray(value)) return concat(head(4, value.length), ...value.map(cbor));
  return concat(head(5, value.size), ...[...value].flatMap(([k, v]) => [cbor(k), cbor(v)]));
}

/** X9.62 DER of an ECDSA signature from WebCrypto's r || s (what authenticators send, §6.5.6). */
function derSignature(raw: Uint8Array): Uint8Array {
  const integer = (bytes: Uint8Array) => {
    let i = 0;
    while (i < bytes.length - 1 && bytes[i] === 0) i++;
    const trimmed = bytes.slice(i);
    const body = trimmed[0]! & 0x80 ? concat(Uint8Array.of(0), trimmed) : trimmed;
    return concat(Uint8Array.of(0x02, body.length), body);
  };
  const seq = concat(integer(raw.slice(0, 32)), integer(raw.slice(32)));
  return concat(Uint8Array.of(0x30, seq.length), seq);
}

const sha256 = async (data: Uint8Array | string) => new Uint8Array(await crypto.subtle.digest("SHA-256", typeof data === "string" ? enc.encode(data) : data));

export const FLAGS = { UP: 0x01, UV: 0x04, BE: 0x08, BS: 0x10, AT: 0x40 } as const;

/** COSE algorithms (RFC 9053): -7 ES256, -8 EdDSA (Ed25519), -257 RS256. */
export type Alg = -7 | -8 | -257;

const KEY_PARAMS: Record<Alg, SubtleCryptoGenerateKeyAlgorithm> = {
  [-7]: { name: "ECDSA", namedCurve: "P-256" },
  [-8]: { name: "Ed25519" },
  [-257]: { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: Uint8Array.of(1, 0, 1), hash: "SHA-256" },
};
const SIGN_PARAMS: Record<Alg, SubtleCryptoSignAlgorithm> = { [-7]: { name: "ECDSA", hash: "SHA-256" }, [-8]: { name: "Ed25519" }, [-257]: { name: "RSASSA-PKCS1-v1_5" } };

/** RFC 9053 COSE_Key maps: kty 2 (EC2) crv 1, kty 1 (OKP) crv 6, kty 3 (RSA) n and e. */
function coseKey(alg: Alg, jwk: JsonWebKey): Map<number, Cbor> {
  if (alg === -7) return new Map<number, Cbor>([[1, 2], [3, -7], [-1, 1], [-2, fromB64url(jwk.x!)], [-3, fromB64url(jwk.y!)]]);
  if (alg === -8) return new Map<number, Cbor>([[1, 1], [3, -8], [-1, 6], [-2, fromB64url(jwk.x!)]]);
  return new Map<number, Cbor>([[1, 3], [3, -257], [-1, fromB64url(jwk.n!)], [-2, fromB64url(jwk.e!)]]);
}

export interface SoftCredential {
  id: Uint8Array;
  alg: Alg;
  keys: CryptoKeyPair;
  rpId: string;
  userHandle: string;
  counter: number;
}

export interface CeremonyOverrides {
  origin?: string;
  rpId?: string;
  type?: string;
  challenge?: string;
  flags?: number;
  /** The counter to sign with (the credential's own keeps counting otherwise). */
  counter?: number;
  crossOrigin?: boolean;
  userHandle?: string | null;
  fmt?: string;
}

export class SoftAuthenticator {
  readonly credentials: SoftCredential[] = [];
  /** Counter step per assertion; 0 is an authenticator that keeps no counter (0/0 is allowed). */
  constructor(readonly origin: string, readonly counterStep = 1) {}

  private clientData(type: string, challenge: string, o: CeremonyOverrides): Uint8Array {
    return enc.encode(JSON.stringify({ type: o.type ?? type, challenge: o.challenge ?? challenge, origin: o.origin ?? this.origin, crossOrigin: o.crossOrigin ?? false }));
  }

  /** navigator.credentials.create() answering creation options JSON: a discoverable credential, ES256 unless `alg` says otherwise. */
  async create(options: { challenge: string; rp: { id: string }; user: { id: string } }, o: CeremonyOverrides = {}, alg: Alg = -7) {
    const keys = (await crypto.subtle.generateKey(KEY_PARAMS[alg], true, ["sign", "verify"])) as CryptoKeyPair;
    const jwk = (await crypto.subtle.exportKey("jwk", keys.publicKey)) as JsonWebKey;
    const cose = coseKey(alg, jwk);
    const credential: SoftCredential = { id: crypto.getRandomValues(new Uint8Array(16)), alg, keys, rpId: options.rp.id, userHandle: options.user.id, counter: o.counter ?? 0 };
    const idLength = Uint8Array.of(credential.id.length >> 8, credential.id.length & 255);
    const authData = concat(
      await sha256(o.rpId ?? options.rp.id),
      Uint8Array.of(o.flags ?? FLAGS.UP | FLAGS.UV | FLAGS.BE | FLAGS.BS | FLAGS.AT),
      counterBytes(credential.counter),
      new Uint8Array(16),
      idLength,
      credential.id,
      cbor(cose),
    );
    const attestationObject = cbor(new Map<string, Cbor>([["fmt", o.fmt ?? "none"], ["attStmt", new Map()], ["authData", authData]]));
    this.credentials.push(credential);
    const id = b64url(credential.id);
    return {
      id, rawId: id, type: "public-key", authenticatorAttachment: "platform", clientExtensionResults: {},
      response: { clientDataJSON: b64url(this.clientData("webauthn.create", options.challenge, o)), attestationObject: b64url(attestationObject), transports: ["internal", "hybrid"] },
    };
  }

  /** navigator.credentials.get() with no allowCredentials: the given (or last) discoverable credential signs. */
  async get(options: { challenge: string; rpId: string }, credential = this.credentials.at(-1)!, o: CeremonyOverrides = {}) {
    credential.counter += this.counterStep;
    const counter = o.counter ?? credential.counter;
    const authData = concat(await sha256(o.rpId ?? options.rpId), Uint8Array.of(o.flags ?? FLAGS.UP | FLAGS.UV | FLAGS.BE | FLAGS.BS), counterBytes(counter));
    const clientDataJSON = this.clientData("webauthn.get", options.challenge, o);
    const raw = new Uint8Array(await crypto.subtle.sign(SIGN_PARAMS[credential.alg], credential.keys.privateKey, concat(authData, await sha256(clientDataJSON))));
    const id = b64url(credential.id);
    return {
      id, rawId: id, type: "public-key", authenticatorAttachment: "platform", clientExtensionResults: {},
      response: { clientDataJSON: b64url(clientDataJSON), authenticatorData: b64url(authData), signature: b64url(credential.alg === -7 ? derSignature(raw) : raw), userHandle: o.userHandle === undefined ? credential.userHandle : o.userHandle },
    };
  }
}

const counterBytes = (n: number) => Uint8Array.of((n >>> 24) & 255, (n >> 16) & 255, (n >> 8) & 255, n & 255);
