// The passkeys' storage ports (docs/storage.md): issued WebAuthn challenges in KV, credentials and
// spent challenges in D1 (migration 0011). storage/ports.ts re-exports them.
import type { AuditEvent } from "../audit/event";
import type { StoredPublicKey } from "../passkeys/public-key";

/** One registered passkey (D1 `passkeys`). Times are ISO 8601. */
export interface PasskeyRecord {
  /** The credential id, base64url: globally unique, chosen by the authenticator. */
  id: string;
  userId: string;
  name: string;
  publicKey: StoredPublicKey;
  signCount: number;
  transports: string[];
  backupEligible: boolean;
  backedUp: boolean;
  aaguid: string;
  createdAt: string;
  lastUsedAt: string | null;
}

/** A challenge the service issued (KV `webauthn:<challenge>`): what it is for, and until when. */
export interface IssuedChallenge {
  /** base64url of 32 random bytes, as it comes back in clientDataJSON. */
  challenge: string;
  purpose: "register" | "login";
  /** register: the signed-in user. login: null (usernameless), or the user of an mfa_token. */
  userId: string | null;
  /** Epoch ms; KV's TTL is the backstop, this is what is enforced. */
  expiresAt: number;
}

export interface ChallengeStore {
  put(challenge: IssuedChallenge, ttlSeconds: number): Promise<void>;
  get(challenge: string): Promise<IssuedChallenge | null>;
}

export interface PasskeyStore {
  /**
   * Spends a challenge: true the first time, false ever after (a replay). A unique insert in D1,
   * because KV has no compare-and-set and a delete there takes up to 60 s to reach other locations.
   */
  spendChallenge(challenge: string, expiresAt: number): Promise<boolean>;
  /** Stores the passkey and its audit event together; "exists" (nothing written) for a known credential id. */
  add(passkey: PasskeyRecord, event: AuditEvent): Promise<"added" | "exists">;
  find(id: string): Promise<PasskeyRecord | null>;
  /** The user's passkeys, oldest first. */
  list(userId: string): Promise<PasskeyRecord[]>;
  /**
   * Records a verified use and its audit event together, only while the stored counter is below
   * `signCount` (or both are 0): false, nothing written, when a concurrent use got there first.
   */
  recordUse(id: string, signCount: number, backedUp: boolean, at: string, event: AuditEvent): Promise<boolean>;
  /**
   * Deletes the user's passkey and records the event together, and the user's recovery codes when
   * no factor (passkey or confirmed TOTP) is left; false when the user has no such passkey. The
   * memory twin keeps no recovery codes.
   */
  remove(userId: string, id: string, event: AuditEvent): Promise<boolean>;
}
