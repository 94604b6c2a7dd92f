// Account lockout with exponential backoff, per normalised login identifier (DESIGN.md §2: exact
// counters belong in D1). Five failures in a row lock the identifier for 30 s; every further
// failure doubles the lock, up to 15 minutes. Failures older than a day are forgotten.
import type { LockoutPolicy } from "../storage/ports";

export const LOCKOUT: LockoutPolicy = {
  threshold: 5,
  baseLockMs: 30_000,
  maxLockMs: 15 * 60_000,
  windowMs: 24 * 3_600_000,
};

/** The lock a failure count earns; the D1 adapter computes the same thing in SQL. */
export function lockAfter(failures: number, now: number, policy: LockoutPolicy = LOCKOUT): number | null {
  if (failures < policy.threshold) return null;
  return now + Math.min(policy.maxLockMs, policy.baseLockMs * 2 ** Math.min(failures - policy.threshold, 20));
}
