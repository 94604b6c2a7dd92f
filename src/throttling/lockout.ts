// Lockout/backoff around a credential check (the rule: lockout-policy.ts). Keyed by the normalised
// identifier's keyed digest, whether or not an account has it, so a locked identifier answers the
// same for real and unknown accounts: lockout reveals nothing. Checked before any hashing.
// The exception that bounds the denial of service: a client address that has logged in to this
// identifier before (a "known source", remembered 30 days) is held to its own counter instead, so
// strangers' failures cannot lock out the rightful user there. Only a correct password makes a
// source known, so an unknown account never has one.
import { assertUsable } from "../config";
import { encodeBase64Url, hmac } from "../crypto/bytes";
import { auditEvent, logAudit } from "../audit/audit";
import type { KeySet } from "../crypto/purpose-keys";
import type { Runtime } from "../runtime";
import type { AuditEvent, UserRecord } from "../storage/ports";
import { clientKey, UNKNOWN_CLIENT } from "./client-key";
import { LOCKOUT } from "./lockout-policy";
import { identifierAllows, rateLimited, throttle } from "./rate-limit";

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
 * The known-source digest of this identifier from this client (IPv4 address or IPv6 /64, as the
 * limiters key it); null without a client address: such requests cannot be told apart. Under the
 * current key only: a secret rotation forgets known sources (they are relearned at the next login).
 */
async function sourceDigest(rt: Runtime, subject: string): Promise<string | null> {
  const client = clientKey(rt.clientIp);
  if (client === UNKNOWN_CLIENT) return null;
  return encodeBase64Url(await hmac(rt.secrets!.identifierDigest, `source|${subject}|${client}`)).slice(0, 32);
}

/** A login attempt past the guard: the identifier digest, and the counter and source it is held to. */
export interface LoginAttempt {
  subject: string;
  counter: string;
  source: string | null;
}

/**
 * Throttle, then lockout: both before the password is hashed. `lookup` (the account read) runs
 * alongside the lockout read, so a login waits for one D1 round trip instead of two; it runs only
 * after the rate limiters let the request through, so a throttled flood costs no account read.
 * Over the identifier's rate limit only a known source goes on, held to its own limit: strangers
 * flooding an identifier must not shut out the rightful user (that one check costs a D1 read).
 */
export async function guardLoginAttempt<T>(rt: Runtime, normalisedIdentifier: string, lookup: () => Promise<T>): Promise<{ attempt: LoginAttempt; found: T }> {
  const subject = await identifierSubject(rt, normalisedIdentifier);
  await throttle(rt, "login");
  const source = await sourceDigest(rt, subject);
  const underLimit = await identifierAllows(rt, subject);
  const account = underLimit ? lookup() : null;
  const subjects = [subject, ...(await formerSubjects(rt, normalisedIdentifier, subject))];
  const [state] = await Promise.all([rt.stores.attempts.lockState(subjects, source, rt.now()), account]);
  const knownSource = state.counter !== subject;
  if (!underLimit && !(knownSource && (await identifierAllows(rt, state.counter)))) throw rateLimited(`login rate limit for subject ${subject}`);
  if (state.lockedUntil !== null) throw rateLimited(`identifier locked until ${new Date(state.lockedUntil).toISOString()}`, (state.lockedUntil - rt.now()) / 1000);
  return { attempt: { subject, counter: state.counter, source }, found: await (account ?? lookup()) };
}

/**
 * The audit events of a credential the lockout counts: the password (login) or a second factor's
 * code (mfa/second-step.ts), which has its own counter and the same rules.
 */
export type CountedCredential = "password" | "mfa";
const EVENTS = {
  password: { failure: "login_failure", success: "login_success" },
  mfa: { failure: "mfa_failure", success: "mfa_success" },
} as const;

export async function recordLoginFailure(rt: Runtime, attempt: LoginAttempt, user: UserRecord | null, reason: string, credential: CountedCredential = "password"): Promise<void> {
  const { subject, counter } = attempt;
  const detail: AuditEvent["detail"] = counter === subject ? { reason } : { reason, known_source: true };
  const failure = auditEvent(rt, EVENTS[credential].failure, { userId: user?.id ?? null, subject, detail });
  const lockout = auditEvent(rt, "lockout", { userId: user?.id ?? null, subject });
  logAudit(failure);
  const state = await rt.stores.attempts.recordFailure(counter, rt.now(), LOCKOUT, { failure, lockout });
  if (state.lockedUntil !== null) logAudit({ ...lockout, detail: { failures: state.failures, locked_until: state.lockedUntil } });
}

/** Clears the counter the attempt was held to and (re)marks its source known for 30 days. */
export async function recordLoginSuccess(rt: Runtime, attempt: LoginAttempt, user: UserRecord, credential: CountedCredential = "password", detail: AuditEvent["detail"] = {}): Promise<void> {
  const success = auditEvent(rt, EVENTS[credential].success, { userId: user.id, subject: attempt.subject, detail });
  logAudit(success);
  const now = rt.now();
  const known = attempt.source ? { source: attempt.source, expiresAt: now + LOCKOUT.knownSourceMs, now } : undefined;
  await rt.stores.attempts.recordSuccess(attempt.counter, success, known);
}
