// Registering a passkey for the signed-in user (WebAuthn L3 §7.1): creation options that ask for
// a discoverable credential (resident key, so usernameless login can find it) and user
// verification, then the attestation, checked and stored with its audit event.
import { auditEvent, logAudit } from "../audit/audit";
import { encodeBase64Url, utf8 } from "../crypto/bytes";
import { AuthError } from "../errors";
import type { Runtime } from "../runtime";
import { throttle } from "../throttling/rate-limit";
import type { PasskeyRecord, UserRecord } from "../storage/ports";
import { readAttestation, verifyRegistration, type CredentialJson } from "./ceremony";
import { CHALLENGE_TTL_SECONDS, issueChallenge, spendChallenge } from "./challenges";
import { SUPPORTED_ALGORITHMS } from "./public-key";
import type { RelyingParty } from "./relying-party";

/** A bound on what one account can store and what its options list carries. */
export const MAX_PASSKEYS = 20;

/**
 * The WebAuthn user handle (L3 §14.6.1: no personal data): the account's random, immutable id,
 * which is also how a usernameless assertion names its user.
 */
export const userHandleOf = (userId: string) => encodeBase64Url(utf8(userId));

const refuse = (reason: string) => new AuthError("invalid_request", "The passkey registration could not be verified.", { reason });

/** PublicKeyCredentialCreationOptionsJSON (L3 §5.4), for PublicKeyCredential.parseCreationOptionsFromJSON(). */
export async function registrationOptions(rt: Runtime, user: UserRecord, rp: RelyingParty) {
  // Each options request writes KV: the same per-client limit as the passkey login.
  await throttle(rt, "passkey");
  const existing = await rt.stores.passkeys.list(user.id);
  const challenge = await issueChallenge(rt, "register", user.id);
  return {
    challenge,
    rp: { id: rp.id, name: rp.name },
    user: { id: userHandleOf(user.id), name: user.username, displayName: user.username },
    pubKeyCredParams: SUPPORTED_ALGORITHMS.map((alg) => ({ type: "public-key", alg })),
    timeout: CHALLENGE_TTL_SECONDS * 1000,
    // Registering the same authenticator twice would only make a duplicate.
    excludeCredentials: existing.map((p) => ({ type: "public-key", id: p.id, transports: p.transports })),
    authenticatorSelection: { residentKey: "required", requireResidentKey: true, userVerification: "required" },
    attestation: "none",
    extensions: { credProps: true },
  };
}

export async function registerPasskey(rt: Runtime, user: UserRecord, credential: CredentialJson, name: string | undefined, rp: RelyingParty): Promise<PasskeyRecord> {
  const attestation = readAttestation(credential);
  await spendChallenge(rt, attestation.clientData, "register", user.id, refuse);
  const verified = await verifyRegistration(attestation, attestation.clientData.challenge, rp, refuse);
  if ((await rt.stores.passkeys.list(user.id)).length >= MAX_PASSKEYS) {
    throw new AuthError("conflict", `An account can have at most ${MAX_PASSKEYS} passkeys; remove one first.`);
  }
  const { aaguid, backedUp, backupEligible, id, publicKey, signCount, transports } = verified;
  const at = new Date(rt.now()).toISOString();
  const passkey: PasskeyRecord = { id, userId: user.id, name: name ?? "Passkey", publicKey, signCount, transports, backupEligible, backedUp, aaguid, createdAt: at, lastUsedAt: null };
  const event = auditEvent(rt, "passkey_registered", { userId: user.id, detail: { passkey_id: id, aaguid, backup_eligible: backupEligible } });
  if ((await rt.stores.passkeys.add(passkey, event)) === "exists") throw new AuthError("conflict", "This passkey is already registered.");
  logAudit(event);
  return passkey;
}
