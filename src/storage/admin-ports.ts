// The administration's storage ports (D1 only): user changes with their audit rows, the user
// directory and service clients. storage/ports.ts re-exports them.
import type { UserRecord } from "../accounts/user-record";
import type { AuditEvent } from "../audit/event";

/** What an administrator may change on an account (PATCH /admin/users/{id}, admin logout). */
export interface UserChange {
  roles?: string[];
  isActive?: boolean;
  /** The new email (null removes it) and its normalised login identifier; a new address is unverified. */
  email?: { email: string | null; normalized: string | null };
  /** Set explicitly: wins over the reset a new address makes. */
  emailVerified?: boolean;
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
