// Account lockout with exponential backoff, per normalised login identifier (exact counters
// belong in D1; docs/security.md). Five failures lock the identifier for 30 s; every further failure
// doubles the lock, up to 15 minutes. The count stops growing there (10) and decays: every quiet
// 15 minutes since the last failure forgive one, so a streak is forgotten 2.5 h after it stops.
// At the cap that is one guess per 15 minutes (about 100 a day, NIST SP 800-63B §5.2.2's bound),
// and no lock ever ends later than 15 minutes after the failure that set it.
import type { LockoutPolicy } from "../storage/ports";

export const LOCKOUT: LockoutPolicy = {
  threshold: 5,
  baseLockMs: 30_000,
  maxLockMs: 15 * 60_000,
  maxFailures: 10, // 30 s × 2^5 passes the 15-minute cap: more failures could not lock longer
  decayMs: 15 * 60_000,
  knownSourceMs: 30 * 24 * 3_600_000,
};

/** The count after one more failure: the previous one decayed by the quiet time, capped. */
export function failuresAfter(previous: { failures: number; updatedAt: number } | undefined, now: number, policy: LockoutPolicy = LOCKOUT): number {
  const forgiven = previous ? Math.max(0, Math.floor((now - previous.updatedAt) / policy.decayMs)) : 0;
  const decayed = previous ? Math.max(0, previous.failures - forgiven) : 0;
  return Math.min(policy.maxFailures, decayed + 1);
}

/** The lock a failure count earns; the D1 adapter computes the same thing in SQL. */
export function lockAfter(failures: number, now: number, policy: LockoutPolicy = LOCKOUT): number | null {
  if (failures < policy.threshold) return null;
  return now + Math.min(policy.maxLockMs, policy.baseLockMs * 2 ** Math.min(failures - policy.threshold, 20));
}

/** A streak whose count has fully decayed and whose lock is over can be deleted. */
export const streakOver = (row: { updatedAt: number; lockedUntil: number | null }, now: number, policy: LockoutPolicy = LOCKOUT) =>
  row.updatedAt <= now - policy.maxFailures * policy.decayMs && (row.lockedUntil ?? 0) <= now;
