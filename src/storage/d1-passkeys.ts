// PasskeyStore on D1 (migration 0011). Each write is one db.batch() with its audit row, and the
// audit row is written only where the change was (an EXISTS on what the change left behind), so
// a refused change records nothing.
import { insertAudit } from "./d1-security";
import { guardStorage } from "./guard";
import type { AuditEvent } from "./ports";
import type { PasskeyRecord, PasskeyStore } from "./passkey-ports";

interface PasskeyRow {
  id: string;
  user_id: string;
  name: string;
  public_key: string;
  algorithm: number;
  sign_count: number;
  transports: string;
  backup_eligible: number;
  backed_up: number;
  aaguid: string;
  created_at: string;
  last_used_at: string | null;
}

const toRecord = (row: PasskeyRow): PasskeyRecord => ({
  id: row.id,
  userId: row.user_id,
  name: row.name,
  publicKey: { alg: row.algorithm, jwk: JSON.parse(row.public_key) as JsonWebKey },
  signCount: row.sign_count,
  transports: JSON.parse(row.transports) as string[],
  backupEligible: row.backup_eligible === 1,
  backedUp: row.backed_up === 1,
  aaguid: row.aaguid,
  createdAt: row.created_at,
  lastUsedAt: row.last_used_at,
});

const isUniqueViolation = (error: unknown) => error instanceof Error && /UNIQUE constraint failed|SQLITE_CONSTRAINT/i.test(error.message);

/** An audit row written only when `condition` (SQL over ?1..?6 = the event's columns' successors) holds. */
const auditWhere = (db: D1Database, e: AuditEvent, condition: string, ...args: unknown[]) =>
  db
    .prepare(`INSERT INTO audit_events (at, event, user_id, subject, ip, detail) SELECT ?1, ?2, ?3, ?4, ?5, ?6 WHERE ${condition}`)
    .bind(e.at, e.event, e.userId, e.subject, e.ip, JSON.stringify(e.detail), ...args);

export function d1PasskeyStore(db: D1Database): PasskeyStore {
  return {
    spendChallenge(challenge, expiresAt) {
      return guardStorage("passkeys.spendChallenge", async () => {
        const spent = await db
          .prepare("INSERT INTO webauthn_spent_challenges (challenge, expires_at) VALUES (?, ?) ON CONFLICT (challenge) DO NOTHING RETURNING challenge")
          .bind(challenge, expiresAt)
          .first();
        return spent !== null;
      });
    },

    add(passkey, event) {
      return guardStorage("passkeys.add", async () => {
        try {
          await db.batch([
            db
              .prepare(
                `INSERT INTO passkeys (id, user_id, name, public_key, algorithm, sign_count, transports, backup_eligible, backed_up, aaguid, created_at, last_used_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)`,
              )
              .bind(
                passkey.id, passkey.userId, passkey.name, JSON.stringify(passkey.publicKey.jwk), passkey.publicKey.alg, passkey.signCount,
                JSON.stringify(passkey.transports), passkey.backupEligible ? 1 : 0, passkey.backedUp ? 1 : 0, passkey.aaguid, passkey.createdAt, passkey.lastUsedAt,
              ),
            insertAudit(db, event),
          ]);
          return "added";
        } catch (error) {
          if (isUniqueViolation(error)) return "exists";
          throw error;
        }
      });
    },

    find(id) {
      return guardStorage("passkeys.find", async () => {
        const row = await db.prepare("SELECT * FROM passkeys WHERE id = ?").bind(id).first<PasskeyRow>();
        return row ? toRecord(row) : null;
      });
    },

    list(userId) {
      return guardStorage("passkeys.list", async () => {
        const { results } = await db.prepare("SELECT * FROM passkeys WHERE user_id = ? ORDER BY created_at, id").bind(userId).all<PasskeyRow>();
        return results.map(toRecord);
      });
    },

    recordUse(id, signCount, backedUp, at, event) {
      return guardStorage("passkeys.recordUse", async () => {
        const [updated] = await db.batch([
          db
            .prepare(
              `UPDATE passkeys SET sign_count = ?2, backed_up = ?3, last_used_at = ?4
               WHERE id = ?1 AND (sign_count < ?2 OR (sign_count = 0 AND ?2 = 0)) RETURNING id`,
            )
            .bind(id, signCount, backedUp ? 1 : 0, at),
          auditWhere(db, event, "EXISTS (SELECT 1 FROM passkeys WHERE id = ?7 AND sign_count = ?8 AND last_used_at = ?9)", id, signCount, at),
        ]);
        return (updated?.results.length ?? 0) > 0;
      });
    },

    remove(userId, id, event) {
      return guardStorage("passkeys.remove", async () => {
        const [, deleted] = await db.batch([
          auditWhere(db, event, "EXISTS (SELECT 1 FROM passkeys WHERE id = ?7 AND user_id = ?8)", id, userId),
          db.prepare("DELETE FROM passkeys WHERE id = ? AND user_id = ? RETURNING id").bind(id, userId),
          // Recovery codes stand in for a factor: with no passkey and no confirmed TOTP left they
          // would gate nothing, so they go in the same write (as when TOTP is disabled, mfa/enrollment.ts).
          db
            .prepare(
              `DELETE FROM mfa_recovery_codes WHERE user_id = ?1
                 AND NOT EXISTS (SELECT 1 FROM passkeys WHERE user_id = ?1)
                 AND NOT EXISTS (SELECT 1 FROM mfa_totp WHERE user_id = ?1 AND confirmed_at IS NOT NULL)`,
            )
            .bind(userId),
        ]);
        return (deleted?.results.length ?? 0) > 0;
      });
    },
  };
}
