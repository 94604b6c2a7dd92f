// LoginAttemptStore and AuditStore on D1. A failure, its counter and its audit rows are one
// db.batch() (D1's only transaction): the counter never moves without its event, nor the reverse.
import { guardStorage } from "./guard";
import type { AuditEvent, AuditStore, LoginAttemptStore } from "./ports";

export const insertAudit = (db: D1Database, e: AuditEvent) =>
  db
    .prepare("INSERT INTO audit_events (at, event, user_id, subject, ip, detail) VALUES (?, ?, ?, ?, ?, ?)")
    .bind(e.at, e.event, e.userId, e.subject, e.ip, JSON.stringify(e.detail));

export function d1AuditStore(db: D1Database): AuditStore {
  return {
    record(event) {
      return guardStorage("audit.record", async () => {
        await insertAudit(db, event).run();
      });
    },
  };
}

export function d1LoginAttemptStore(db: D1Database): LoginAttemptStore {
  return {
    lockedUntil(subjects, now) {
      return guardStorage("attempts.lockedUntil", async () => {
        const row = await db
          .prepare(`SELECT max(locked_until) AS locked_until FROM login_throttle WHERE subject IN (${subjects.map(() => "?").join(", ")})`)
          .bind(...subjects)
          .first<{ locked_until: number | null }>();
        return row?.locked_until != null && row.locked_until > now ? row.locked_until : null;
      });
    },

    recordFailure(subject, now, policy, events) {
      const { threshold, baseLockMs, maxLockMs, windowMs } = policy;
      return guardStorage("attempts.recordFailure", async () => {
        const results = await db.batch<{ failures: number; locked_until: number | null }>([
          db
            .prepare(
              `DELETE FROM login_throttle WHERE rowid IN (SELECT rowid FROM login_throttle
                 WHERE updated_at <= ?1 - ?2 AND (locked_until IS NULL OR locked_until <= ?1) LIMIT 20)`,
            )
            .bind(now, windowMs),
          // Failures older than the window are forgotten: the count restarts at 1.
          db
            .prepare(
              `INSERT INTO login_throttle (subject, failures, locked_until, updated_at) VALUES (?1, 1, NULL, ?2)
               ON CONFLICT(subject) DO UPDATE SET
                 failures = CASE WHEN login_throttle.updated_at <= ?2 - ?3 THEN 1 ELSE login_throttle.failures + 1 END,
                 updated_at = ?2`,
            )
            .bind(subject, now, windowMs),
          // Backoff doubles with every failure past the threshold, up to the cap (see lockout.ts).
          db
            .prepare(
              `UPDATE login_throttle SET locked_until = CASE WHEN failures >= ?2
                 THEN ?3 + min(?5, ?4 * (1 << min(failures - ?2, 20))) ELSE NULL END
               WHERE subject = ?1 RETURNING failures, locked_until`,
            )
            .bind(subject, threshold, now, baseLockMs, maxLockMs),
          insertAudit(db, events.failure),
          db
            .prepare(
              `INSERT INTO audit_events (at, event, user_id, subject, ip, detail)
               SELECT ?, ?, ?, ?, ?, json_object('failures', failures, 'locked_until', locked_until)
               FROM login_throttle WHERE subject = ? AND failures >= ?`,
            )
            .bind(events.lockout.at, events.lockout.event, events.lockout.userId, events.lockout.subject, events.lockout.ip, subject, threshold),
        ]);
        const row = results[2]?.results[0];
        return { failures: row?.failures ?? 1, lockedUntil: row?.locked_until ?? null };
      });
    },

    recordSuccess(subject, event) {
      return guardStorage("attempts.recordSuccess", async () => {
        await db.batch([db.prepare("DELETE FROM login_throttle WHERE subject = ?").bind(subject), insertAudit(db, event)]);
      });
    },

    clearSubjects(subjects) {
      return guardStorage("attempts.clearSubjects", async () => {
        await db.prepare(`DELETE FROM login_throttle WHERE subject IN (${subjects.map(() => "?").join(", ")})`).bind(...subjects).run();
      });
    },
  };
}
