// WebAuthn's JSON forms (WebAuthn Level 3 §5.1.8-§5.1.10): the service sends options and wants the
// credential as JSON with binary members base64url (no padding); navigator.credentials wants and
// returns ArrayBuffers. PublicKeyCredential.parseCreationOptionsFromJSON and toJSON() do this in new
// browsers only, so the client converts itself and depends on nothing.

type Json = Record<string, unknown>;

/** The `publicKey` member of navigator.credentials.create() or get(): the JSON with ArrayBuffers. */
export type PublicKeyOptions = Record<string, unknown>;

export function toBase64Url(bytes: ArrayBuffer | ArrayBufferView): string {
  const view = bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let binary = "";
  for (const byte of view) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function fromBase64Url(text: string): ArrayBuffer {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new TypeError("not base64url");
  const base64 = text.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (text.length % 4)) % 4);
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes.buffer;
}

const descriptors = (list: unknown) => ((list as Json[] | undefined) ?? []).map((d) => ({ ...d, id: fromBase64Url(d.id as string) }));

/** POST /auth/passkeys/register/options' JSON -> navigator.credentials.create()'s `publicKey`. */
export function creationOptionsFromJSON(options: Json): PublicKeyOptions {
  const user = options.user as Json;
  return {
    ...options,
    challenge: fromBase64Url(options.challenge as string),
    user: { ...user, id: fromBase64Url(user.id as string) },
    excludeCredentials: descriptors(options.excludeCredentials),
  };
}

/** POST /auth/passkeys/login/options' JSON -> navigator.credentials.get()'s `publicKey`. */
export function requestOptionsFromJSON(options: Json): PublicKeyOptions {
  return { ...options, challenge: fromBase64Url(options.challenge as string), allowCredentials: descriptors(options.allowCredentials) };
}

/** The members of a PublicKeyCredential the service reads, as ArrayBuffers or strings. */
export interface CredentialLike {
  id: string;
  rawId: ArrayBuffer;
  type: string;
  authenticatorAttachment?: string | null;
  response: {
    clientDataJSON: ArrayBuffer;
    attestationObject?: ArrayBuffer;
    getTransports?: () => string[];
    authenticatorData?: ArrayBuffer;
    signature?: ArrayBuffer;
    userHandle?: ArrayBuffer | null;
  };
  getClientExtensionResults?: () => unknown;
}

/** A created (attestation) or asserted credential -> the JSON the service's verify routes take. */
export function credentialToJSON(credential: CredentialLike): Json {
  const r = credential.response;
  const response: Json = { clientDataJSON: toBase64Url(r.clientDataJSON) };
  if (r.attestationObject) {
    response.attestationObject = toBase64Url(r.attestationObject);
    response.transports = r.getTransports?.() ?? [];
  } else {
    response.authenticatorData = toBase64Url(r.authenticatorData!);
    response.signature = toBase64Url(r.signature!);
    if (r.userHandle) response.userHandle = toBase64Url(r.userHandle);
  }
  return {
    id: credential.id,
    rawId: toBase64Url(credential.rawId),
    type: credential.type,
    response,
    authenticatorAttachment: credential.authenticatorAttachment ?? null,
    clientExtensionResults: credential.getClientExtensionResults?.() ?? {},
  };
}
