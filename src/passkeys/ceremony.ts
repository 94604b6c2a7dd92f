// The relying party's checks of a WebAuthn ceremony (WebAuthn L3 §7.1 registration, §7.2
// authentication), on bytes parsed by @oslojs/webauthn. Malformed payloads are 400 invalid_request
// naming `credential`; a well-formed ceremony that fails a check is `refuse(reason)`, whose reason
// goes to the log only. Attestation statements are not verified: registration asks for
// attestation "none" and no decision here depends on the authenticator's make (§7.1 step 21-24).
import { decodeCBORToNativeValueNoLeftoverBytes } from "@oslojs/cbor";
import { ClientDataType, parseAuthenticatorData, parseClientDataJSON, type AuthenticatorData } from "@oslojs/webauthn";
import { decodeBase64Url, encodeBase64Url, sha256, timingSafeEqual } from "../crypto/bytes";
import type { AuthError } from "../errors";
import { invalidFields } from "../http/body";
import type { RelyingParty } from "./relying-party";
import { storedPublicKey, verifySignature, type StoredPublicKey } from "./public-key";

export type Refuse = (reason: string) => AuthError;

/** The JSON of a PublicKeyCredential (L3 §5.1, toJSON()), as the routes' schemas accept it. */
export interface CredentialJson {
  id: string;
  rawId?: string;
  response: { clientDataJSON: string; attestationObject?: string; authenticatorData?: string; signature?: string; userHandle?: string | null; transports?: string[] };
}

export interface ClientData {
  type: "webauthn.create" | "webauthn.get";
  /** base64url, as issued. */
  challenge: string;
  origin: string;
  crossOrigin: boolean;
  bytes: Uint8Array;
}

export interface NewCredential {
  id: string;
  publicKey: StoredPublicKey;
  signCount: number;
  backupEligible: boolean;
  backedUp: boolean;
  aaguid: string;
  transports: string[];
}

const malformed = (message: string) => invalidFields({ credential: message });

/** L3 §6.1 flags byte: UP 0x01, UV 0x04, BE 0x08, BS 0x10, AT 0x40. */
const flag = (authData: Uint8Array, bit: number) => (authData[32]! & bit) !== 0;

/** L3 §5.8.4 AuthenticatorTransport values; unknown ones are dropped, not stored. */
const TRANSPORTS = new Set(["ble", "hybrid", "internal", "nfc", "smart-card", "usb"]);

function decodeField(value: string | undefined | null, name: string): Uint8Array {
  const bytes = value == null ? null : decodeBase64Url(value);
  if (!bytes || bytes.byteLength === 0) throw malformed(`${name} must be base64url.`);
  return bytes;
}

function readClientData(credential: CredentialJson): ClientData {
  if (credential.rawId !== undefined && credential.rawId !== credential.id) throw malformed("rawId must equal id.");
  const bytes = decodeField(credential.response.clientDataJSON, "response.clientDataJSON");
  try {
    const parsed = parseClientDataJSON(bytes);
    const type = parsed.type === ClientDataType.Create ? "webauthn.create" : "webauthn.get";
    return { type, challenge: encodeBase64Url(parsed.challenge), origin: parsed.origin, crossOrigin: parsed.crossOrigin === true, bytes };
  } catch {
    throw malformed("response.clientDataJSON is not WebAuthn client data.");
  }
}

/** §7.1 steps 7-9 / §7.2 steps 11-13: the client data is of this ceremony, challenge and origin. */
function checkClientData(clientData: ClientData, type: ClientData["type"], challenge: string, rp: RelyingParty, refuse: Refuse): void {
  if (clientData.type !== type) throw refuse(`client data type ${clientData.type}`);
  if (clientData.challenge !== challenge) throw refuse("challenge mismatch");
  if (!rp.origins.includes(clientData.origin)) throw refuse(`origin ${clientData.origin} not allowed`);
  // No passkey ceremony is run inside another site's iframe (topOrigin would have to be checked).
  if (clientData.crossOrigin) throw refuse("cross-origin ceremony");
}

/** §7.1 steps 13-15 / §7.2 steps 15-17: this RP's ID, a present and verified user, sane backup flags. */
async function checkAuthenticatorData(authData: Uint8Array, parsed: AuthenticatorData, rp: RelyingParty, refuse: Refuse): Promise<void> {
  if (!timingSafeEqual(parsed.relyingPartyIdHash, await sha256(rp.id))) throw refuse("rpIdHash is not this RP ID");
  if (!parsed.userPresent) throw refuse("user not present");
  // A passkey on its own counts as multi-factor (docs/passkeys.md): only with user verification.
  if (!parsed.userVerified) throw refuse("user not verified");
  if (flag(authData, 0x10) && !flag(authData, 0x08)) throw refuse("backed up but not backup eligible");
}

function parseAuthData(bytes: Uint8Array, name: string): AuthenticatorData {
  try {
    return parseAuthenticatorData(bytes);
  } catch {
    throw malformed(`${name} is not WebAuthn authenticator data.`);
  }
}

function authDataOfAttestation(attestationObject: Uint8Array): Uint8Array {
  let decoded: unknown;
  try {
    decoded = decodeCBORToNativeValueNoLeftoverBytes(attestationObject, 4);
  } catch {
    throw malformed("response.attestationObject is not CBOR.");
  }
  const authData = typeof decoded === "object" && decoded !== null ? (decoded as { authData?: unknown }).authData : undefined;
  if (!(authData instanceof Uint8Array)) throw malformed("response.attestationObject has no authData.");
  return authData;
}

const aaguidOf = (bytes: Uint8Array) => {
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};

/** A registration response decoded, every malformed member refused (400) before any challenge is spent. */
export interface Attestation {
  credential: CredentialJson;
  clientData: ClientData;
  authData: Uint8Array;
  parsed: AuthenticatorData;
}

export function readAttestation(credential: CredentialJson): Attestation {
  const clientData = readClientData(credential);
  const authData = authDataOfAttestation(decodeField(credential.response.attestationObject, "response.attestationObject"));
  return { credential, clientData, authData, parsed: parseAuthData(authData, "response.attestationObject authData") };
}

/** §7.1: a new credential for `rp`, answering `challenge`; what is stored of it. */
export async function verifyRegistration({ credential, clientData, authData, parsed }: Attestation, challenge: string, rp: RelyingParty, refuse: Refuse): Promise<NewCredential> {
  checkClientData(clientData, "webauthn.create", challenge, rp, refuse);
  await checkAuthenticatorData(authData, parsed, rp, refuse);
  const attested = parsed.credential;
  if (!attested) throw refuse("no attested credential data");
  // §5.8.3: a credential id is at most 1023 bytes; it must be the one the client reports.
  if (attested.id.byteLength > 1023 || encodeBase64Url(attested.id) !== credential.id) throw refuse("credential id mismatch");
  const publicKey = storedPublicKey(attested.publicKey);
  if (!publicKey) throw refuse("unsupported public key algorithm");
  return {
    id: credential.id,
    publicKey,
    signCount: parsed.signatureCounter,
    backupEligible: flag(authData, 0x08),
    backedUp: flag(authData, 0x10),
    aaguid: aaguidOf(attested.authenticatorAAGUID),
    transports: [...new Set(credential.response.transports ?? [])].filter((t) => TRANSPORTS.has(t)).sort(),
  };
}

export interface StoredCredential {
  publicKey: StoredPublicKey;
  signCount: number;
  /** base64url of the user handle given at registration. */
  userHandle: string;
}

/** An authentication response decoded, every malformed member refused (400) before any challenge is spent. */
export interface Assertion {
  credential: CredentialJson;
  clientData: ClientData;
  authData: Uint8Array;
  parsed: AuthenticatorData;
  signature: Uint8Array;
}

export function readAssertion(credential: CredentialJson): Assertion {
  const clientData = readClientData(credential);
  const authData = decodeField(credential.response.authenticatorData, "response.authenticatorData");
  const signature = decodeField(credential.response.signature, "response.signature");
  return { credential, clientData, authData, parsed: parseAuthData(authData, "response.authenticatorData"), signature };
}

/** §7.2: an assertion by `stored` for `rp`, answering `challenge`; its new counter and backup state. */
export async function verifyAssertion({ credential, clientData, authData, parsed, signature }: Assertion, challenge: string, stored: StoredCredential, rp: RelyingParty, refuse: Refuse) {
  // §7.2 step 6: a discoverable credential names its user; it must be the credential's owner.
  if (credential.response.userHandle != null && credential.response.userHandle !== stored.userHandle) throw refuse("user handle is not the credential's");
  checkClientData(clientData, "webauthn.get", challenge, rp, refuse);
  await checkAuthenticatorData(authData, parsed, rp, refuse);
  const message = new Uint8Array([...authData, ...(await sha256(clientData.bytes))]);
  if (!(await verifySignature(stored.publicKey, signature, message))) throw refuse("signature invalid");
  // §7.2 step 22 / §6.1.1: a counter that does not grow means a cloned authenticator; 0 and 0
  // is an authenticator that keeps no counter (most synced passkeys).
  const signCount = parsed.signatureCounter;
  if ((signCount !== 0 || stored.signCount !== 0) && signCount <= stored.signCount) throw refuse(`signature counter ${signCount} not above ${stored.signCount}`);
  return { signCount, backedUp: flag(authData, 0x10) };
}
