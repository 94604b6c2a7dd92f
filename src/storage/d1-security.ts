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
    lockState(subjects, source, now) {
      return guardStorage("attempts.lockState", async () => {
        // One round trip: which counter applies (a known source's own, else the identifier's) and
        // its lock; the identifier's lock is the latest among its digests under every accepted key.
        const former = subjects.slice(1).map((_, i) => `?${i + 4}`);
        const held = former.length ? `subject = chosen.counter OR (chosen.counter = ?1 AND subject IN (${former.join(", ")}))` : "subject = chosen.counter";
        const row = await db
          .prepare(
            `WITH chosen AS (SELECT CASE WHEN EXISTS (SELECT 1 FROM login_sources WHERE source = ?2 AND expires_at > ?3)
               THEN ?2 ELSE ?1 END AS counter)
             SELECT chosen.counter AS counter, (SELECT max(locked_until) FROM login_throttle WHERE ${held}) AS locked_until
             FROM chosen`,
          )
          .bind(subjects[0], source, now, ...subjects.slice(1))
          .first<{ counter: string; locked_until: number | null }>();
        const until = row?.locked_until ?? null;
        return { counter: row?.counter ?? subjects[0]!, lockedUntil: until !== null && until > now ? until : null };
      });
    },

    recordFailure(counter, now, policy, events) {
      const { threshold, baseLockMs, maxLockMs, maxFailures, decayMs } = policy;
      return guardStorage("attempts.recordFailure", async () => {
        const results = await db.batch<{ failures: number; locked_until: number | null }>([
          // Streaks that have decayed to nothing and are not locked (lockout-policy.ts streakOver).
          db
            .prepare(
              `DELETE FROM login_throttle WHERE rowid IN (SELECT rowid FROM login_throttle
                 WHERE updated_at <= ?1 - ?2 AND (locked_until IS NULL OR locked_until <= ?1) LIMIT 20)`,
            )
            .bind(now, maxFailures * decayMs),
          // One more failure on the count decayed by the quiet time, capped (lockout-policy.ts failuresAfter).
          db
            .prepare(
              `INSERT INTO login_throttle (subject, failures, locked_until, updated_at) VALUES (?1, 1, NULL, ?2)
               ON CONFLICT(subject) DO UPDATE SET
                 failures = min(?4, max(0, login_throttle.failures - max(0, CAST((?2 - login_throttle.updated_at) / ?3 AS INTEGER))) + 1),
                 updated_at = ?2`,
            )
            .bind(counter, now, decayMs, maxFailures),
          // Backoff doubles with every failure past the threshold, up to the cap (see lockout-policy.ts).
          db
            .prepare(
              `UPDATE login_throttle SET locked_until = CASE WHEN failures >= ?2
                 THEN ?3 + min(?5, ?4 * (1 << min(failures - ?2, 20))) ELSE NULL END
               WHERE subject = ?1 RETURNING failures, locked_until`,
            )
            .bind(counter, threshold, now, baseLockMs, maxLockMs),
          insertAudit(db, events.failure),
          db
            .prepare(
              `INSERT INTO audit_events (at, event, user_id, subject, ip, detail)
               SELECT ?, ?, ?, ?, ?, json_object('failures', failures, 'locked_until', locked_until)
               FROM login_throttle WHERE subject = ? AND failures >= ?`,
            )
            .bind(events.lockout.at, events.lockout.event, events.lockout.userId, events.lockout.subject, events.lockout.ip, counter, threshold),
        ]);
        const row = results[2]?.results[0];
        return { failures: row?.failures ?? 1, lockedUntil: row?.locked_until ?? null };
      });
    },

    recordSuccess(counter, event, known) {
      return guardStorage("attempts.recordSuccess", async () => {
        const knownSource = known
          ? [
              db
                .prepare("DELETE FROM login_sources WHERE rowid IN (SELECT rowid FROM login_sources WHERE expires_at <= ? LIMIT 20)")
                .bind(known.now),
              db
                .prepare("INSERT INTO login_sources (source, expires_at) VALUES (?1, ?2) ON CONFLICT(source) DO UPDATE SET expires_at = ?2")
                .bind(known.source, known.expiresAt),
            ]
          : [];
        await db.batch([db.prepare("DELETE FROM login_throttle WHERE subject = ?").bind(counter), ...knownSource, insertAudit(db, event)]);
      });
    },

    clearSubjects(subjects) {
      return guardStorage("attempts.clearSubjects", async () => {
        await db.prepare(`DELETE FROM login_throttle WHERE subject IN (${subjects.map(() => "?").join(", ")})`).bind(...subjects).run();
      });
    },
  };
}
