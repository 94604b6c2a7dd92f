// MfaStore on D1 (migration 0010). Single use without BEGIN: each consumption is one conditional
// statement (UPDATE ... WHERE used_at IS NULL / last_step < ?, DELETE ... RETURNING) that D1 runs
// alone, so of concurrent requests exactly one sees the row change. Writes that must land together
// (a confirmation and its recovery codes, a factor change and its audit row) are one db.batch().
import { insertAudit } from "./d1-security";
import { guardStorage } from "./guard";
import type { AuditEvent, MfaChallenge, MfaStore, TotpFactor } from "./ports";

interface TotpRow {
  user_id: string;
  secret: string;
  created_at: number;
  confirmed_at: number | null;
  last_step: number | null;
}

interface ChallengeRow {
  token_hash: string;
  user_id: string;
  token_version: number;
  mode: MfaChallenge["mode"];
  expires_at: number;
}

const toTotp = (row: TotpRow): TotpFactor => ({ userId: row.user_id, secret: row.secret, createdAt: row.created_at, confirmedAt: row.confirmed_at, lastStep: row.last_step });
const toChallenge = (row: ChallengeRow): MfaChallenge => ({ tokenHash: row.token_hash, userId: row.user_id, tokenVersion: row.token_version, mode: row.mode, expiresAt: row.expires_at });

/** An audit row written only where `condition` (over the leading `params`, ?1 and ?2) holds. */
const auditWhere = (db: D1Database, e: AuditEvent, condition: string, params: [string, string]) =>
  db
    .prepare(`INSERT INTO audit_events (at, event, user_id, subject, ip, detail) SELECT ?3, ?4, ?5, ?6, ?7, ?8 WHERE ${condition}`)
    .bind(...params, e.at, e.event, e.userId, e.subject, e.ip, JSON.stringify(e.detail));

export function d1MfaStore(db: D1Database): MfaStore {
  const insertCodes = (userId: string, codeHashes: readonly string[], now: number) =>
    codeHashes.map((hash) => db.prepare("INSERT INTO mfa_recovery_codes (code_hash, user_id, created_at) VALUES (?, ?, ?)").bind(hash, userId, now));
  const deleteCodes = (userId: string) => db.prepare("DELETE FROM mfa_recovery_codes WHERE user_id = ?").bind(userId);

  return {
    putPendingTotp(userId, secret, now) {
      return guardStorage("mfa.putPendingTotp", async () => {
        const row = await db
          .prepare(
            `INSERT INTO mfa_totp (user_id, secret, created_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret, created_at = excluded.created_at, last_step = NULL
             WHERE mfa_totp.confirmed_at IS NULL
             RETURNING user_id`,
          )
          .bind(userId, secret, now)
          .first();
        return row ? "pending" : "confirmed";
      });
    },

    findTotp(userId) {
      return guardStorage("mfa.findTotp", async () => {
        const row = await db.prepare("SELECT * FROM mfa_totp WHERE user_id = ?").bind(userId).first<TotpRow>();
        return row ? toTotp(row) : null;
      });
    },

    confirmTotp(userId, secret, step, codeHashes, now, event) {
      return guardStorage("mfa.confirmTotp", async () => {
        // A batch runs alone, so every statement sees the state the previous ones left: the codes
        // and the audit row are written while the enrollment is still pending, and the confirming
        // UPDATE comes last. A second confirmation of the same enrollment finds it confirmed and
        // writes nothing (no code set of its own, no audit row).
        const pending = "EXISTS (SELECT 1 FROM mfa_totp WHERE user_id = ?1 AND secret = ?2 AND confirmed_at IS NULL)";
        const results = await db.batch([
          db.prepare(`DELETE FROM mfa_recovery_codes WHERE user_id = ?1 AND ${pending}`).bind(userId, secret),
          ...codeHashes.map((hash) =>
            db.prepare(`INSERT INTO mfa_recovery_codes (code_hash, user_id, created_at) SELECT ?4, ?1, ?3 WHERE ${pending}`).bind(userId, secret, now, hash),
          ),
          auditWhere(db, event, pending, [userId, secret]),
          db
            .prepare("UPDATE mfa_totp SET confirmed_at = ?3, last_step = ?4 WHERE user_id = ?1 AND secret = ?2 AND confirmed_at IS NULL RETURNING user_id")
            .bind(userId, secret, now, step),
        ]);
        return (results.at(-1)?.results.length ?? 0) > 0;
      });
    },

    acceptTotpStep(userId, step) {
      return guardStorage("mfa.acceptTotpStep", async () => {
        const row = await db
          .prepare("UPDATE mfa_totp SET last_step = ?2 WHERE user_id = ?1 AND confirmed_at IS NOT NULL AND (last_step IS NULL OR last_step < ?2) RETURNING user_id")
          .bind(userId, step)
          .first();
        return row !== null;
      });
    },

    reencryptTotp(userId, from, to) {
      return guardStorage("mfa.reencryptTotp", async () => {
        const row = await db.prepare("UPDATE mfa_totp SET secret = ?3 WHERE user_id = ?1 AND secret = ?2 RETURNING user_id").bind(userId, from, to).first();
        return row !== null;
      });
    },

    removeTotp(userId, dropRecoveryCodes, event) {
      return guardStorage("mfa.removeTotp", async () => {
        // The audit row and the codes first, while the factor is still there (see confirmTotp): a
        // concurrent second disable removes nothing and records nothing.
        const enabled = "EXISTS (SELECT 1 FROM mfa_totp WHERE user_id = ?1 AND confirmed_at IS NOT NULL) AND ?2 = ?2";
        const results = await db.batch([
          auditWhere(db, event, enabled, [userId, userId]),
          ...(dropRecoveryCodes ? [db.prepare(`DELETE FROM mfa_recovery_codes WHERE user_id = ?1 AND ${enabled}`).bind(userId, userId)] : []),
          db.prepare("DELETE FROM mfa_totp WHERE user_id = ? AND confirmed_at IS NOT NULL RETURNING user_id").bind(userId),
        ]);
        return (results.at(-1)?.results.length ?? 0) > 0;
      });
    },

    replaceRecoveryCodes(userId, codeHashes, now, event) {
      return guardStorage("mfa.replaceRecoveryCodes", async () => {
        await db.batch([deleteCodes(userId), ...insertCodes(userId, codeHashes, now), insertAudit(db, event)]);
      });
    },

    useRecoveryCode(userId, codeHash, now, event) {
      return guardStorage("mfa.useRecoveryCode", async () => {
        // The audit row first, while the code is still unused; then the claim (see confirmTotp).
        const unused = "EXISTS (SELECT 1 FROM mfa_recovery_codes WHERE code_hash = ?2 AND user_id = ?1 AND used_at IS NULL)";
        const [, claimed] = await db.batch([
          auditWhere(db, event, unused, [userId, codeHash]),
          db
            .prepare("UPDATE mfa_recovery_codes SET used_at = ?3 WHERE code_hash = ?2 AND user_id = ?1 AND used_at IS NULL RETURNING code_hash")
            .bind(userId, codeHash, now),
        ]);
        return (claimed?.results.length ?? 0) > 0;
      });
    },

    factors(userId) {
      return guardStorage("mfa.factors", async () => {
        const row = await db
          .prepare(
            `SELECT EXISTS (SELECT 1 FROM mfa_totp WHERE user_id = ?1 AND confirmed_at IS NOT NULL) AS totp,
                    (SELECT count(*) FROM mfa_recovery_codes WHERE user_id = ?1 AND used_at IS NULL) AS codes`,
          )
          .bind(userId)
          .first<{ totp: number; codes: number }>();
        return { totp: row?.totp === 1, recoveryCodes: row?.codes ?? 0 };
      });
    },

    resetAll(userId, event) {
      return guardStorage("mfa.resetAll", async () => {
        await db.batch([
          db.prepare("DELETE FROM mfa_totp WHERE user_id = ?").bind(userId),
          deleteCodes(userId),
          db.prepare("DELETE FROM mfa_challenges WHERE user_id = ?").bind(userId),
          // Passkeys are factors too (migration 0011); the memory twin keeps none (memory-passkeys.ts).
          db.prepare("DELETE FROM passkeys WHERE user_id = ?").bind(userId),
          insertAudit(db, event),
        ]);
      });
    },

    issueChallenge(challenge, now, event) {
      return guardStorage("mfa.issueChallenge", async () => {
        await db.batch([
          db.prepare("DELETE FROM mfa_challenges WHERE user_id = ? AND expires_at <= ?").bind(challenge.userId, now),
          db
            .prepare("INSERT INTO mfa_challenges (token_hash, user_id, token_version, mode, expires_at) VALUES (?, ?, ?, ?, ?)")
            .bind(challenge.tokenHash, challenge.userId, challenge.tokenVersion, challenge.mode, challenge.expiresAt),
          insertAudit(db, event),
        ]);
      });
    },

    findChallenge(tokenHash, now) {
      return guardStorage("mfa.findChallenge", async () => {
        const row = await db.prepare("SELECT * FROM mfa_challenges WHERE token_hash = ? AND expires_at > ?").bind(tokenHash, now).first<ChallengeRow>();
        return row ? toChallenge(row) : null;
      });
    },

    consumeChallenge(tokenHash, now) {
      return guardStorage("mfa.consumeChallenge", async () => {
        const row = await db.prepare("DELETE FROM mfa_challenges WHERE token_hash = ? AND expires_at > ? RETURNING *").bind(tokenHash, now).first<ChallengeRow>();
        return row ? toChallenge(row) : null;
      });
    },
  };
}
