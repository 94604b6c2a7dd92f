// Lockout/backoff around a credential check. Keyed by the normalised identifier's keyed digest,
// whether or not an account has it, so a locked identifier answers the same for real and unknown
// accounts: lockout reveals nothing. Checked before any hashing; reset by a successful login.
import { assertUsable } from "../config";
import { encodeBase64Url, hmac } from "../crypto/bytes";
import type { KeySet } from "../crypto/purpose-keys";
import { auditEvent, logAudit } from "../audit/audit";
import type { Runtime } from "../runtime";
import type { UserRecord } from "../storage/ports";
import { LOCKOUT } from "./lockout-policy";
import { rateLimited, throttle } from "./rate-limit";

const digestUnder = async (keys: KeySet, normalisedIdentifier: string) =>
  encodeBase64Url(await hmac(keys.identifierDigest, `subject|${normalisedIdentifier}`)).slice(0, 32);

/**
 * A stable digest of a normalised identifier under the identifier-digest key: counters, limiter
 * keys and audit rows can name an identifier without storing what was typed (sometimes a password).
 */
export async function identifierSubject(rt: Runtime, normalisedIdentifier: string): Promise<string> {
  assertUsable(rt.config); // a usable configuration has its keys
  return digestUnder(rt.secrets!, normalisedIdentifier);
}

/** The digests under every key set still accepted: a lock made before a secret rotation still holds. */
async function formerSubjects(rt: Runtime, normalisedIdentifier: string, current: string): Promise<string[]> {
  const all = await Promise.all(rt.secrets!.accepted.map((keys) => digestUnder(keys, normalisedIdentifier)));
  return [...new Set(all)].filter((subject) => subject !== current);
}

/** Every digest a lock on this identifier may be kept under: the current key's, then the former ones'. */
export async function lockoutSubjects(rt: Runtime, normalisedIdentifier: string): Promise<string[]> {
  const subject = await identifierSubject(rt, normalisedIdentifier);
  return [subject, ...(await formerSubjects(rt, normalisedIdentifier, subject))];
}

/**
 * Throttle, then lockout: both before the password is hashed. `lookup` (the account read) runs
 * alongside the lockout read, so a login waits for one D1 round trip instead of two; it runs only
 * after the rate limiter let the request through, so a throttled flood costs no database read.
 */
export async function guardLoginAttempt<T>(rt: Runtime, normalisedIdentifier: string, lookup: () => Promise<T>): Promise<{ subject: string; found: T }> {
  const subject = await identifierSubject(rt, normalisedIdentifier);
  await throttle(rt, "login", subject);
  const subjects = [subject, ...(await formerSubjects(rt, normalisedIdentifier, subject))];
  const [lockedUntil, found] = await Promise.all([rt.stores.attempts.lockedUntil(subjects, rt.now()), lookup()]);
  if (lockedUntil !== null) throw rateLimited(`identifier locked until ${new Date(lockedUntil).toISOString()}`, (lockedUntil - rt.now()) / 1000);
  return { subject, found };
}

export async function recordLoginFailure(rt: Runtime, subject: string, user: UserRecord | null, reason: string): Promise<void> {
  const failure = auditEvent(rt, "login_failure", { userId: user?.id ?? null, subject, detail: { reason } });
  const lockout = auditEvent(rt, "lockout", { userId: user?.id ?? null, subject });
  logAudit(failure);
  const state = await rt.stores.attempts.recordFailure(subject, rt.now(), LOCKOUT, { failure, lockout });
  if (state.lockedUntil !== null) logAudit({ ...lockout, detail: { failures: state.failures, locked_until: state.lockedUntil } });
}

export async function recordLoginSuccess(rt: Runtime, subject: string, user: UserRecord): Promise<void> {
  const success = auditEvent(rt, "login_success", { userId: user.id, subject });
  logAudit(success);
  await rt.stores.attempts.recordSuccess(subject, success);
}
