// The storage ports: the only shapes the capabilities know. D1/KV adapters and in-memory twins
// implement them; test/storage/contract.ts holds both to the same behaviour.

import type { LoginIdentifiers, UserRecord } from "../accounts/user-record";
import type { AccountStore } from "./account-ports";
import type { ClientStore, UserChange, UserDirectory } from "./admin-ports";
import type { AuditEvent } from "../audit/event";
import type { ChallengeStore, PasskeyStore } from "./passkey-ports";
import type { MfaStore } from "./mfa-ports";

export * from "../accounts/user-record";
export * from "./admin-ports";
export * from "./account-ports";
export * from "../audit/event";
export * from "./passkey-ports";
export * from "./mfa-ports";

export interface UserStore {
  /**
   * Inserts the user and its login identifiers (normalised username and email) atomically;
   * "conflict" when either is taken by any account, as a username or as an email.
   */
  create(user: UserRecord, identifiers: LoginIdentifiers): Promise<"created" | "conflict">;
  findByIdentifier(identifier: string): Promise<UserRecord | null>;
  findById(id: string): Promise<UserRecord | null>;
  /** Records a successful login, replacing the hash when it was rehashed with new parameters. */
  recordLogin(id: string, at: string, newPasswordHash?: string): Promise<void>;
  /** Invalidates every session and access token of the user; returns the new version. */
  bumpTokenVersion(id: string, at: string): Promise<number>;
  /**
   * An administrator's change and its audit events, in one transaction: the events are stored
   * only with the change. "conflict" when the new email is another account's identifier; removing
   * the last active admin throws the 409 of storage/last-admin.ts and changes nothing.
   */
  update(id: string, change: UserChange, at: string, events: readonly AuditEvent[]): Promise<UserRecord | "not_found" | "conflict">;
}

/** A session is one refresh-token family. Times are epoch milliseconds. */
export interface SessionRecord {
  sid: string;
  userId: string;
  clientId: string;
  tokenVersion: number;
  generation: number;
  /** SHA-256 (base64url) of the current refresh secret; secrets are never stored. */
  currentHash: string;
  /** SHA-256 of the secret it replaced, honoured within the reuse interval. */
  previousHash: string | null;
  rotatedAt: number;
  createdAt: number;
  lastUsedAt: number;
  /** The earlier of the idle and the absolute deadline. */
  expiresAt: number;
  /** "cookie": a browser session (sessionid cookie), never redeemable as a refresh token. */
  kind?: "tokens" | "cookie";
  /** Idle lifetime in seconds when it differs from REFRESH_TOKEN_EXPIRATION (per profile). */
  idleTtl?: number;
  /** Access-token lifetime in seconds when it differs from JWT_EXPIRATION (per profile). */
  accessTtl?: number;
  /** "derived": opened with HKDF purpose keys; absent on older sessions, whose legacy MACs stay valid. */
  keyScheme?: "derived";
}

export interface SessionStore {
  get(sid: string): Promise<SessionRecord | null>;
  /** KV rejects expirationTtl under 60 s: callers pass the real deadline, the adapter clamps. */
  put(session: SessionRecord, ttlSeconds: number): Promise<void>;
  /**
   * Leaves a revocation marker (read by refresh, cookie-session and access-token checks) for
   * markerTtlSeconds, then deletes the family. The marker must be kept that long: it is what
   * refuses a record written back after the delete (sessions.ts revocationTtl).
   */
  revoke(sid: string, markerTtlSeconds: number): Promise<void>;
  isRevoked(sid: string): Promise<boolean>;
}

/**
 * One row of the per-user session index (D1 `user_sessions`, migration 0008): what a session was
 * when it opened. Written before the session's KV record, so every live session has a row; a row
 * may outlive its session (revoked, expired), and readers check the KV record and marker.
 * Times are epoch milliseconds.
 */
export interface SessionIndexEntry {
  sid: string;
  userId: string;
  clientId: string;
  kind: "tokens" | "cookie";
  /** The user's token_version when the session opened: a row below the user's current one is dead. */
  tokenVersion: number;
  /** The User-Agent of the request that opened the session, truncated; null when none was sent. */
  userAgent: string | null;
  createdAt: number;
  /** The session's first deadline; a refresh or slide moves the KV record's, not this. */
  expiresAt: number;
}

export interface SessionIndexStore {
  add(entry: SessionIndexEntry): Promise<void>;
  /** The user's rows, newest first, at most `limit`. */
  list(userId: string, limit: number): Promise<SessionIndexEntry[]>;
  /** The row of `sid` if it belongs to `userId`; null for another user's session or none. */
  find(userId: string, sid: string): Promise<SessionIndexEntry | null>;
  /** Deletes the rows of these sessions (whoever owns them). */
  remove(sids: readonly string[]): Promise<void>;
  /** Deletes the user's rows opened under a token_version below `version` (ended by logout-all). */
  removeBelowVersion(userId: string, version: number): Promise<void>;
}

export interface AuditStore {
  record(event: AuditEvent): Promise<void>;
}

export interface LockoutPolicy {
  threshold: number;
  baseLockMs: number;
  maxLockMs: number;
  /** The count stops growing here (where the lock reaches maxLockMs). */
  maxFailures: number;
  /** Each quiet period this long since the last failure forgives one failure. */
  decayMs: number;
  /** How long a source stays known after its last successful login. */
  knownSourceMs: number;
}

/** Which failure counter a login attempt is held to, and that counter's lock. */
export interface LockState {
  /** The known source's own counter when `source` is known, else the identifier's (`subject`). */
  counter: string;
  lockedUntil: number | null;
}

/**
 * Exact per-identifier failure counters (D1). `subject` is the identifier's keyed digest;
 * `source` a keyed digest of (identifier, client address) that has logged in successfully.
 */
export interface LoginAttemptStore {
  /**
   * `subjects`: one identifier's digests under each accepted key, the current one first (a lock
   * made before a secret rotation still holds); a known source is held to its own counter.
   */
  lockState(subjects: readonly string[], source: string | null, now: number): Promise<LockState>;
  /** Counts a failure on `counter` and records its audit events, atomically; returns the new state. */
  recordFailure(counter: string, now: number, policy: LockoutPolicy, events: { failure: AuditEvent; lockout: AuditEvent }): Promise<{ failures: number; lockedUntil: number | null }>;
  /**
   * Forgets the failures of `counter`, records the success event and (when given) marks the source
   * known until `source.expiresAt`, atomically.
   */
  recordSuccess(counter: string, event: AuditEvent, source?: { source: string; expiresAt: number; now: number }): Promise<void>;
  /** Forgets every failure and lock of these subjects (a password reset clears the lockout). */
  clearSubjects(subjects: readonly string[]): Promise<void>;
}

/** The common-password list the strict policy refuses (D1 `common_passwords`, migration 0004). */
export interface CommonPasswordList {
  /** `password` as the policy looks it up: NFC-normalised and lower-cased. */
  isCommon(password: string): Promise<boolean>;
}

export interface Stores {
  users: UserStore;
  sessions: SessionStore;
  /** Optional when injecting: createApp fills it with the D1 adapter, like the three below. */
  sessionIndex?: SessionIndexStore;
  /** Optional when injecting, like the two below. */
  commonPasswords?: CommonPasswordList;
  /** Optional when injecting: createApp fills what is missing with the D1 adapters. */
  attempts?: LoginAttemptStore;
  audit?: AuditStore;
  accounts?: AccountStore;
  directory?: UserDirectory;
  clients?: ClientStore;
  /** Optional when injecting: passkeys (D1) and their issued challenges (KV). */
  passkeys?: PasskeyStore;
  challenges?: ChallengeStore;
  /** The second factor (migration 0010); createApp fills it with the D1 adapter when missing. */
  mfa?: MfaStore;
}

export type AllStores = Required<Stores>;

/** KV's smallest accepted expirationTtl. */
export const KV_MIN_TTL = 60;

/** KV accepts one write per second per key; Cloudflare refuses more with 429 (local KV does not). */
export const KV_KEY_WRITE_INTERVAL_MS = 1_000;

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
