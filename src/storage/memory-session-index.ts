// In-memory twin of the session index, held to the D1 adapter's behaviour by
// test/storage/session-index-contract.test.ts.
import type { SessionIndexEntry, SessionIndexStore } from "./ports";

export function memorySessionIndex(): SessionIndexStore & { rows: Map<string, SessionIndexEntry> } {
  const rows = new Map<string, SessionIndexEntry>();
  return {
    rows,
    async add(entry) {
      if (rows.has(entry.sid)) throw new Error("UNIQUE constraint failed: user_sessions.sid");
      rows.set(entry.sid, structuredClone(entry));
    },
    async list(userId, limit) {
      return [...rows.values()]
        .filter((row) => row.userId === userId)
        .sort((a, b) => b.createdAt - a.createdAt || (a.sid < b.sid ? -1 : 1))
        .slice(0, limit)
        .map((row) => structuredClone(row));
    },
    async find(userId, sid) {
      const row = rows.get(sid);
      return row && row.userId === userId ? structuredClone(row) : null;
    },
    async remove(sids) {
      for (const sid of sids) rows.delete(sid);
    },
    async removeBelowVersion(userId, version) {
      for (const [sid, row] of rows) if (row.userId === userId && row.tokenVersion < version) rows.delete(sid);
    },
  };
}
