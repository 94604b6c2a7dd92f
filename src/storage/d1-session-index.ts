// SessionIndexStore on D1 (`user_sessions`, migration 0008). Queries go to the primary, so a row
// is visible to the next read wherever it comes from: that is why the index lives here, not in KV.
import { guardStorage } from "./guard";
import type { SessionIndexEntry, SessionIndexStore } from "./ports";

interface Row {
  sid: string;
  user_id: string;
  client_id: string;
  kind: string;
  token_version: number;
  user_agent: string | null;
  created_at: number;
  expires_at: number;
}

const COLUMNS = "sid, user_id, client_id, kind, token_version, user_agent, created_at, expires_at";

const toEntry = (row: Row): SessionIndexEntry => ({
  sid: row.sid,
  userId: row.user_id,
  clientId: row.client_id,
  kind: row.kind === "cookie" ? "cookie" : "tokens",
  tokenVersion: row.token_version,
  userAgent: row.user_agent,
  createdAt: row.created_at,
  expiresAt: row.expires_at,
});

export function d1SessionIndex(db: D1Database): SessionIndexStore {
  return {
    add(e) {
      return guardStorage("sessionIndex.add", async () => {
        await db
          .prepare(`INSERT INTO user_sessions (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
          .bind(e.sid, e.userId, e.clientId, e.kind, e.tokenVersion, e.userAgent, e.createdAt, e.expiresAt)
          .run();
      });
    },
    list(userId, limit) {
      return guardStorage("sessionIndex.list", async () => {
        const { results } = await db
          .prepare(`SELECT ${COLUMNS} FROM user_sessions WHERE user_id = ? ORDER BY created_at DESC, sid LIMIT ?`)
          .bind(userId, limit)
          .all<Row>();
        return results.map(toEntry);
      });
    },
    find(userId, sid) {
      return guardStorage("sessionIndex.find", async () => {
        const row = await db.prepare(`SELECT ${COLUMNS} FROM user_sessions WHERE sid = ? AND user_id = ?`).bind(sid, userId).first<Row>();
        return row ? toEntry(row) : null;
      });
    },
    remove(sids) {
      return guardStorage("sessionIndex.remove", async () => {
        if (sids.length === 0) return;
        await db.prepare(`DELETE FROM user_sessions WHERE sid IN (${sids.map(() => "?").join(", ")})`).bind(...sids).run();
      });
    },
    removeBelowVersion(userId, version) {
      return guardStorage("sessionIndex.removeBelowVersion", async () => {
        await db.prepare("DELETE FROM user_sessions WHERE user_id = ? AND token_version < ?").bind(userId, version).run();
      });
    },
  };
}
