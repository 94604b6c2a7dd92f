// The storage ports: the only shapes the capabilities know. D1/KV adapters and in-memory twins
// implement them; test/storage/contract.ts holds both to the same behaviour.

export interface UserRecord {
  id: string;
  username: string;
  email: string | null;
  passwordHash: string;
  roles: string[];
  isActive: boolean;
  tokenVersion: number;
  createdAt: string;
  updatedAt: string;
  lastLoginAt: string | null;
}

export interface LoginIdentifiers {
  username: string;
  email: string | null;
}

/** A user whose username is its own email has one identifier, not two. */
export const distinctIdentifiers = ({ username, email }: LoginIdentifiers): string[] => (email && email !== username ? [username, email] : [username]);

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

/** What an administrator may change on an account (PATCH /admin/users/{id}, admin logout). */
export interface UserChange {
  roles?: string[];
  isActive?: boolean;
  /** The new email (null removes it) and its normalised login identifier. */
  email?: { email: string | null; normalized: string | null };
  /** Bumps token_version: every session and access token of the user ends at once. */
  endSessions?: boolean;
}

/** One page of a keyset listing: `after` is the key to pass for the next page, null at the end. */
export interface Page<T> {
  items: T[];
  after: string | null;
}

export interface StoredAuditEvent extends AuditEvent {
  id: number;
}

/** The administrator's reads (D1 only): not cached, not on any hot path. */
export interface UserDirectory {
  /** The user as D1 has it now, past the per-isolate read cache: what an admin check decides on. */
  findUser(id: string): Promise<UserRecord | null>;
  /** How many active accounts hold the admin role. */
  countActiveAdmins(): Promise<number>;
  /** Users by normalised username, after `after`; `prefix` matches the normalised username or email. */
  searchUsers(query: { prefix: string | null; after: string | null; limit: number }): Promise<Page<UserRecord>>;
  /** Audit events newest first (by id), before the id in `after`. */
  listAudit(query: { userId: string | null; event: string | null; after: string | null; limit: number }): Promise<Page<StoredAuditEvent>>;
}

/** A service client of the client_credentials grant; the secret is never stored. */
export interface ClientRecord {
  clientId: string;
  name: string;
  scopes: string[];
  /** `hmac_sha256$<base64url>` (src/clients/secret.ts). */
  secretHash: string;
  createdAt: string;
  secretRotatedAt: string | null;
}

/** Service clients in D1 (`clients`, migration 0009); each change is stored with its audit event. */
export interface ClientStore {
  create(client: ClientRecord, event: AuditEvent): Promise<void>;
  list(): Promise<ClientRecord[]>;
  find(clientId: string): Promise<ClientRecord | null>;
  delete(clientId: string, event: AuditEvent): Promise<boolean>;
  /** Replaces the stored hash; `rotatedAt` null keeps the rotation time (a rehash under a new key). */
  replaceSecret(clientId: string, secretHash: string, rotatedAt: string | null, event: AuditEvent | null): Promise<ClientRecord | null>;
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

/** A security event for the audit trail (D1 `audit_events`); never a secret in any field. */
export interface AuditEvent {
  at: string;
  event:
    | "login_success"
    | "login_failure"
    | "lockout"
    | "refresh_reuse_detected"
    | "logout_all"
    | "password_changed"
    | AdminAuditEvent;
  userId: string | null;
  /** Keyed digest of a login identifier, for events about an identifier rather than an account. */
  subject: string | null;
  ip: string | null;
  detail: Record<string, string | number | boolean | null>;
}

/** Events of administrators' changes; each has the acting admin's id in `detail.actor`. */
export type AdminAuditEvent =
  | "admin_user_updated"
  | "admin_user_disabled"
  | "admin_user_enabled"
  | "admin_logout"
  | "admin_user_deleted"
  | "admin_client_created"
  | "admin_client_deleted"
  | "admin_client_secret_rotated"
  | "admin_role_granted"
  | "admin_role_revoked";

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
}

/** The common-password list the strict policy refuses (D1 `common_passwords`, migration 0004). */
export interface CommonPasswordList {
  /** `password` as the policy looks it up: NFC-normalised and lower-cased. */
  isCommon(password: string): Promise<boolean>;
}

export interface Stores {
  users: UserStore;
  sessions: SessionStore;
  /** Optional when injecting, like the two below. */
  commonPasswords?: CommonPasswordList;
  /** Optional when injecting: createApp fills what is missing with the D1 adapters. */
  attempts?: LoginAttemptStore;
  audit?: AuditStore;
  directory?: UserDirectory;
  clients?: ClientStore;
}

export type AllStores = Required<Stores>;

/** KV's smallest accepted expirationTtl. */
export const KV_MIN_TTL = 60;

/** KV accepts one write per second per key; Cloudflare refuses more with 429 (local KV does not). */
export const KV_KEY_WRITE_INTERVAL_MS = 1_000;

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
