// Bounded deletes for the retention run (audit/retention.ts). Each statement deletes at most
// `limit` rows through a rowid subquery with LIMIT (DELETE ... LIMIT needs a SQLite compile-time
// option), so one statement stays short: D1 bounds how long a query may run.
import { guardStorage } from "./guard";

const changes = (result: D1Result) => result.meta.changes ?? 0;

export function d1Retention(db: D1Database) {
  return {
    /** audit_events rows recorded before `beforeIso` (ISO 8601 sorts as text). */
    purgeAudit(beforeIso: string, limit: number): Promise<number> {
      return guardStorage("retention.purgeAudit", async () =>
        changes(await db.prepare("DELETE FROM audit_events WHERE id IN (SELECT id FROM audit_events WHERE at < ? LIMIT ?)").bind(beforeIso, limit).run()),
      );
    },

    /** user_sessions rows of sessions opened before `beforeMs` (epoch ms): past their absolute end. */
    purgeEndedSessions(beforeMs: number, limit: number): Promise<number> {
      return guardStorage("retention.purgeEndedSessions", async () =>
        changes(await db.prepare("DELETE FROM user_sessions WHERE rowid IN (SELECT rowid FROM user_sessions WHERE created_at < ? LIMIT ?)").bind(beforeMs, limit).run()),
      );
    },

    /** login_throttle rows whose streak is over: no lock in force and no failure for `quietMs` (fully decayed). */
    purgeFinishedStreaks(now: number, quietMs: number, limit: number): Promise<number> {
      return guardStorage("retention.purgeFinishedStreaks", async () =>
        changes(
          await db
            .prepare(
              `DELETE FROM login_throttle WHERE rowid IN (SELECT rowid FROM login_throttle
                 WHERE updated_at <= ?1 - ?2 AND (locked_until IS NULL OR locked_until <= ?1) LIMIT ?3)`,
            )
            .bind(now, quietMs, limit)
            .run(),
        ),
      );
    },

    /** webauthn_spent_challenges rows past their challenge's 5 minutes: its KV record is gone, so no replay can reach them. */
    purgeSpentChallenges(now: number, limit: number): Promise<number> {
      return guardStorage("retention.purgeSpentChallenges", async () =>
        changes(await db.prepare("DELETE FROM webauthn_spent_challenges WHERE rowid IN (SELECT rowid FROM webauthn_spent_challenges WHERE expires_at <= ? LIMIT ?)").bind(now, limit).run()),
      );
    },

    /** login_sources rows past their 30 days (the rule lockout.ts sets at each success). */
    purgeExpiredSources(now: number, limit: number): Promise<number> {
      return guardStorage("retention.purgeExpiredSources", async () =>
        changes(await db.prepare("DELETE FROM login_sources WHERE rowid IN (SELECT rowid FROM login_sources WHERE expires_at <= ? LIMIT ?)").bind(now, limit).run()),
      );
    },
  };
}
