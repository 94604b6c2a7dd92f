// AccountStore on D1 (migration 0007). Single use holds under concurrency without BEGIN: each
// redemption is one db.batch() whose first statement claims the token with a conditional UPDATE
// (unused, unexpired) and a random nonce, and whose later statements act only where that nonce
// is the token's claim, so of two concurrent redemptions exactly one writes anything.
import { insertAudit } from "./d1-security";
import { COLUMNS, toRecord, type UserRow } from "./d1-users";
import { guardStorage } from "./guard";
import type { AccountStore, AccountToken, AccountTokenPurpose, AuditEvent } from "./ports";

interface TokenRow {
  token_hash: string;
  user_id: string;
  purpose: AccountTokenPurpose;
  email: string | null;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

const toToken = (row: TokenRow): AccountToken => ({
  tokenHash: row.token_hash, userId: row.user_id, purpose: row.purpose, email: row.email, createdAt: row.created_at, expiresAt: row.expires_at, usedAt: row.used_at,
});

const isUniqueViolation = (error: unknown) => error instanceof Error && /UNIQUE constraint failed|SQLITE_CONSTRAINT/i.test(error.message);

/** Returned columns of the users row a statement updated (RETURNING cannot use the `u.` alias). */
const RETURNING = `RETURNING ${COLUMNS.replaceAll("u.", "")}`;

const CLAIMED = "EXISTS (SELECT 1 FROM account_tokens WHERE token_hash = ?2 AND claim = ?3)";

/** The audit row of a redemption, written only by the batch that claimed the token. */
const claimedAudit = (db: D1Database, e: AuditEvent, tokenHash: string, nonce: string) =>
  db
    .prepare(`INSERT INTO audit_events (at, event, user_id, subject, ip, detail) SELECT ?4, ?5, ?1, ?6, ?7, ?8 WHERE ${CLAIMED}`)
    .bind(e.userId, tokenHash, nonce, e.at, e.event, e.subject, e.ip, JSON.stringify(e.detail));

export function d1AccountStore(db: D1Database): AccountStore {
  /**
   * Claims the token and runs `grant` (SQL conditioned on CLAIMED, with ?1 user id, ?2 token hash,
   * ?3 nonce, ?4 time and ?5 `extra` if given) in one batch; the users row it updated, or null.
   */
  async function redeem(userId: string, tokenHash: string, purpose: AccountTokenPurpose, now: number, grant: string, event: AuditEvent, extra: string | null = null) {
    const nonce = crypto.randomUUID();
    const results = await db.batch<UserRow>([
      db
        .prepare(
          `UPDATE account_tokens SET used_at = ?4, claim = ?3
           WHERE token_hash = ?2 AND user_id = ?1 AND purpose = ?5 AND used_at IS NULL AND expires_at > ?4`,
        )
        .bind(userId, tokenHash, nonce, now, purpose),
      db.prepare(grant).bind(userId, tokenHash, nonce, new Date(now).toISOString(), ...(extra === null ? [] : [extra])),
      claimedAudit(db, event, tokenHash, nonce),
    ]);
    const row = results[1]?.results[0];
    return row ? toRecord(row) : null;
  }

  return {
    issueToken(userId, token, resendAfterMs, event) {
      return guardStorage("accounts.issueToken", async () => {
        const [upsert] = await db.batch<{ token_hash: string }>([
          db
            .prepare(
              `INSERT INTO account_tokens (token_hash, user_id, purpose, email, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
               ON CONFLICT (user_id, purpose) DO UPDATE SET token_hash = excluded.token_hash, email = excluded.email,
                 created_at = excluded.created_at, expires_at = excluded.expires_at, used_at = NULL, claim = NULL
               WHERE account_tokens.used_at IS NOT NULL OR account_tokens.created_at <= ?5 - ?7
               RETURNING token_hash`,
            )
            .bind(token.tokenHash, userId, token.purpose, token.email, token.createdAt, token.expiresAt, resendAfterMs),
          insertAudit(db, event),
        ]);
        return upsert?.results.length ? "issued" : "too_soon";
      });
    },

    findToken(tokenHash) {
      return guardStorage("accounts.findToken", async () => {
        const row = await db.prepare("SELECT * FROM account_tokens WHERE token_hash = ?").bind(tokenHash).first<TokenRow>();
        return row ? toToken(row) : null;
      });
    },

    redeemReset(userId, tokenHash, passwordHash, now, event) {
      return guardStorage("accounts.redeemReset", () =>
        redeem(userId, tokenHash, "password_reset", now,
          `UPDATE users SET password_hash = ?5, token_version = token_version + 1, updated_at = ?4,
             email_verified = CASE WHEN email_normalized = (SELECT email FROM account_tokens WHERE token_hash = ?2) THEN 1 ELSE email_verified END
           WHERE id = ?1 AND ${CLAIMED} ${RETURNING}`, event, passwordHash),
      );
    },

    redeemVerification(userId, tokenHash, now, event) {
      return guardStorage("accounts.redeemVerification", () =>
        redeem(userId, tokenHash, "email_verification", now,
          `UPDATE users SET email_verified = 1, updated_at = ?4
           WHERE id = ?1 AND email_normalized = (SELECT email FROM account_tokens WHERE token_hash = ?2) AND ${CLAIMED} ${RETURNING}`, event),
      );
    },

    changePassword(userId, passwordHash, event) {
      return guardStorage("accounts.changePassword", async () => {
        const [updated] = await db.batch<UserRow>([
          db.prepare(`UPDATE users SET password_hash = ?2, token_version = token_version + 1, updated_at = ?3 WHERE id = ?1 ${RETURNING}`).bind(userId, passwordHash, event.at),
          // A reset link sent before the change must not undo it (Django's reset tokens die with the old hash too).
          db.prepare("DELETE FROM account_tokens WHERE user_id = ? AND purpose = 'password_reset'").bind(userId),
          insertAudit(db, event),
        ]);
        const row = updated?.results[0];
        return row ? toRecord(row) : null;
      });
    },

    erase(userId, pseudonym, event) {
      return guardStorage("accounts.erase", async () => {
        const results = await db.batch<{ id: string }>([
          db
            .prepare("INSERT INTO audit_events (at, event, user_id, subject, ip, detail) SELECT ?2, ?3, ?4, ?5, ?6, ?7 WHERE EXISTS (SELECT 1 FROM users WHERE id = ?1)")
            .bind(userId, event.at, event.event, pseudonym, event.subject, event.ip, JSON.stringify(event.detail)),
          db.prepare("UPDATE audit_events SET user_id = ?2 WHERE user_id = ?1").bind(userId, pseudonym),
          db.prepare("DELETE FROM account_tokens WHERE user_id = ?").bind(userId),
          db.prepare("DELETE FROM login_identifiers WHERE user_id = ?").bind(userId),
          db.prepare("DELETE FROM users WHERE id = ? RETURNING id").bind(userId),
        ]);
        return (results[4]?.results.length ?? 0) > 0;
      });
    },
  };
}
