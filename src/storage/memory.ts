// In-memory twins of the storage ports, for clock-driven and fault-injection tests. They keep the
// adapters' observable behaviour (held to it by test/storage/contract.ts), including TTL expiry
// against an injected clock, which real KV TTLs cannot follow.
import { lastAdminConflict } from "./last-admin";
import { distinctIdentifiers, KV_MIN_TTL, type SessionRecord, type SessionStore, type UserRecord, type UserStore } from "./ports";

export function memoryUserStore(): UserStore & { rows: Map<string, UserRecord>; identifiers: Map<string, string> } {
  const rows = new Map<string, UserRecord>();
  const identifiers = new Map<string, string>();
  const clone = (u: UserRecord | undefined) => (u ? structuredClone(u) : null);
  return {
    rows,
    identifiers,
    async create(user, ids) {
      const unique = distinctIdentifiers(ids);
      if (unique.some((id) => identifiers.has(id))) return "conflict";
      rows.set(user.id, structuredClone(user));
      for (const id of unique) identifiers.set(id, user.id);
      return "created";
    },
    async findByIdentifier(identifier) {
      const id = identifiers.get(identifier);
      return id ? clone(rows.get(id)) : null;
    },
    async findById(id) {
      return clone(rows.get(id));
    },
    async recordLogin(id, at, newPasswordHash) {
      const row = rows.get(id);
      if (!row) return;
      row.lastLoginAt = at;
      if (newPasswordHash) Object.assign(row, { passwordHash: newPasswordHash, updatedAt: at });
    },
    // The D1 adapter's rules without its audit rows (memory apps record audit events in D1).
    async update(id, change, at) {
      const row = rows.get(id);
      if (!row) return "not_found";
      const taken = change.email?.normalized != null ? identifiers.get(change.email.normalized) : undefined;
      if (taken !== undefined && taken !== id) return "conflict";
      const next: UserRecord = { ...structuredClone(row), updatedAt: at };
      if (change.roles !== undefined) next.roles = [...change.roles];
      if (change.isActive !== undefined) next.isActive = change.isActive;
      if (change.endSessions) next.tokenVersion += 1;
      if (change.emailVerified !== undefined) next.emailVerified = change.emailVerified;
      const isAdmin = (u: UserRecord) => u.isActive && u.roles.includes("admin");
      if (isAdmin(row) && !isAdmin(next) && ![...rows.values()].some((u) => u.id !== id && isAdmin(u))) throw lastAdminConflict();
      if (change.email !== undefined) {
        for (const [identifier, owner] of identifiers) if (owner === id && identifier !== row.username.toLowerCase()) identifiers.delete(identifier);
        if (change.email.normalized !== null) identifiers.set(change.email.normalized, id);
        next.email = change.email.email;
      }
      rows.set(id, next);
      return clone(next)!;
    },
    async bumpTokenVersion(id, at) {
      const row = rows.get(id);
      if (!row) return 0;
      row.tokenVersion += 1;
      row.updatedAt = at;
      return row.tokenVersion;
    },
  };
}

export function memorySessionStore(now: () => number = Date.now): SessionStore & { entries: Map<string, { value: string; expiresAt: number }> } {
  const entries = new Map<string, { value: string; expiresAt: number }>();
  const read = (key: string) => {
    const entry = entries.get(key);
    if (!entry) return null;
    if (entry.expiresAt <= now()) {
      entries.delete(key);
      return null;
    }
    return entry.value;
  };
  const write = (key: string, value: string, ttlSeconds: number) => {
    if (!(ttlSeconds >= 0)) throw new TypeError("ttl must be a number");
    entries.set(key, { value, expiresAt: now() + Math.max(KV_MIN_TTL, Math.ceil(ttlSeconds)) * 1000 });
  };
  return {
    entries,
    async get(sid) {
      const value = read(`session:${sid}`);
      return value ? (JSON.parse(value) as SessionRecord) : null;
    },
    async put(session, ttlSeconds) {
      write(`session:${session.sid}`, JSON.stringify(session), ttlSeconds);
    },
    async revoke(sid, markerTtlSeconds) {
      write(`revoked:${sid}`, "1", markerTtlSeconds);
      entries.delete(`session:${sid}`);
    },
    async isRevoked(sid) {
      return read(`revoked:${sid}`) !== null;
    },
  };
}
