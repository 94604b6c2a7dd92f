// Retention: the Cron Trigger (wrangler.toml [triggers]) deletes audit_events older than
// AUDIT_RETENTION_DAYS, login_throttle rows whose streak has decayed to nothing (the rule the
// per-failure purge uses: lockout-policy.ts streakOver), expired known login sources,
// user_sessions rows past SESSION_MAX_AGE and spent WebAuthn challenges past their 5 minutes, so
// no table grows without bound under a spray of made-up identifiers or logins. Bounded work per run; a backlog finishes over later runs.
import { logEvent } from "../log";
import { preparedFor } from "../runtime";
import { d1Retention } from "../storage/d1-retention";
import { LOCKOUT } from "../throttling/lockout-policy";

/** Rows per DELETE and DELETEs per table per run: 10,000 rows a table an hour, each statement short. */
export const RETENTION_BATCH = 1_000;
export const RETENTION_ROUNDS = 10;

const DAY_MS = 86_400_000;

/** Runs `purge` until a round deletes less than a batch or the rounds run out; returns the total and whether it caught up. */
async function inRounds(purge: (limit: number) => Promise<number>): Promise<{ deleted: number; complete: boolean }> {
  let deleted = 0;
  for (let round = 0; round < RETENTION_ROUNDS; round++) {
    const count = await purge(RETENTION_BATCH);
    deleted += count;
    if (count < RETENTION_BATCH) return { deleted, complete: true };
  }
  return { deleted, complete: false };
}

export async function runRetention(env: Env, now: number): Promise<void> {
  const { config } = await preparedFor(env);
  if (config.problems.length > 0) {
    // Fail closed, like every route: a bad AUDIT_RETENTION_DAYS must not delete by a guess.
    logEvent("error", "retention_skipped", { problems: config.problems });
    return;
  }
  const store = d1Retention(env.DB);
  const cutoff = new Date(now - config.auditRetentionDays * DAY_MS).toISOString();
  const audit = await inRounds((limit) => store.purgeAudit(cutoff, limit));
  const throttle = await inRounds((limit) => store.purgeFinishedStreaks(now, LOCKOUT.maxFailures * LOCKOUT.decayMs, limit));
  const sources = await inRounds((limit) => store.purgeExpiredSources(now, limit));
  // A session opened more than SESSION_MAX_AGE ago is over whatever KV says (nextDeadline caps it).
  const sessions = await inRounds((limit) => store.purgeEndedSessions(now - config.sessionMaxAge * 1000, limit));
  const challenges = await inRounds((limit) => store.purgeSpentChallenges(now, limit));
  logEvent("info", "retention", {
    audit_events: audit.deleted,
    login_throttle: throttle.deleted,
    login_sources: sources.deleted,
    user_sessions: sessions.deleted,
    webauthn_spent_challenges: challenges.deleted,
    complete: audit.complete && throttle.complete && sources.complete && sessions.complete && challenges.complete,
  });
}
