// In-memory twins of the PasskeyStore and ChallengeStore, held to the D1 and KV adapters'
// behaviour by test/storage/passkeys-contract.test.ts. Each method runs to completion between
// awaits, so a write here is as atomic as the D1 batch.
import { memoryAuditStore } from "./memory-security";
import { KV_MIN_TTL } from "./ports";
import type { ChallengeStore, IssuedChallenge, PasskeyRecord, PasskeyStore } from "./passkey-ports";

export function memoryPasskeyStore(audit = memoryAuditStore()): PasskeyStore & { rows: Map<string, PasskeyRecord>; spent: Set<string>; audit: typeof audit } {
  const rows = new Map<string, PasskeyRecord>();
  const spent = new Set<string>();
  return {
    rows,
    spent,
    audit,
    async spendChallenge(challenge) {
      if (spent.has(challenge)) return false;
      spent.add(challenge);
      return true;
    },
    async add(passkey, event) {
      if (rows.has(passkey.id)) return "exists";
      rows.set(passkey.id, structuredClone(passkey));
      await audit.record(event);
      return "added";
    },
    async find(id) {
      const row = rows.get(id);
      return row ? structuredClone(row) : null;
    },
    async list(userId) {
      return [...rows.values()].filter((p) => p.userId === userId).sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id)).map((p) => structuredClone(p));
    },
    async recordUse(id, signCount, backedUp, at, event) {
      const row = rows.get(id);
      if (!row || !(row.signCount < signCount || (row.signCount === 0 && signCount === 0))) return false;
      Object.assign(row, { signCount, backedUp, lastUsedAt: at });
      await audit.record(event);
      return true;
    },
    async remove(userId, id, event) {
      const row = rows.get(id);
      if (!row || row.userId !== userId) return false;
      rows.delete(id);
      await audit.record(event);
      return true;
    },
  };
}

/** KV's behaviour against an injected clock: the TTL is clamped to KV's 60 s minimum. */
export function memoryChallengeStore(now: () => number = Date.now): ChallengeStore & { entries: Map<string, { value: IssuedChallenge; expiresAt: number }> } {
  const entries = new Map<string, { value: IssuedChallenge; expiresAt: number }>();
  return {
    entries,
    async put(record, ttlSeconds) {
      entries.set(record.challenge, { value: structuredClone(record), expiresAt: now() + Math.max(KV_MIN_TTL, Math.ceil(ttlSeconds)) * 1000 });
    },
    async get(challenge) {
      const entry = entries.get(challenge);
      return entry && entry.expiresAt > now() ? structuredClone(entry.value) : null;
    },
  };
}
