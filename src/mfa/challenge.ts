// The mfa_token: what a correct password earns a user with a second factor instead of a session.
// 256 random bits, stored only as SHA-256 in D1 (`mfa_challenges`), 5 minutes, bound to the
// password check that issued it: the user, their token_version then (a password change, reset,
// logout-all or disable since voids it) and the login's answer mode. It survives a wrong code (the
// lockout counts those) and is consumed by the one second step that succeeds: a DELETE ...
// RETURNING, which of concurrent redemptions exactly one wins. Not KV: without compare-and-set,
// two redemptions in different locations could both see it unused.
import { audit, auditEvent, logAudit } from "../audit/audit";
import { encodeBase64Url, randomBytes, sha256Base64Url } from "../crypto/bytes";
import { AuthError } from "../errors";
import type { Runtime } from "../runtime";
import { startSession, type SessionResult } from "../sessions/sessions";
import type { AnswerMode, MfaChallenge, UserRecord } from "../storage/ports";
import { recordLoginSuccess, type LoginAttempt } from "../throttling/lockout";
import { factorsOf, type SecondStep } from "./factors";

export const MFA_TOKEN_TTL_MS = 5 * 60_000;

/** The answer of a login that needs its second step: no token, no cookie. */
export interface MfaRequired {
  mfa_required: true;
  mfa_token: string;
  factors: SecondStep[];
}

export const invalidMfaToken = (reason: string) => new AuthError("invalid_grant", "The mfa_token is invalid, expired or already used.", { reason });

const hashMfaToken = (token: string) => sha256Base64Url(`mfa|${token}`);

/**
 * The login gate, after a correct password: null when the user has no second factor (the caller
 * starts the session), else a fresh mfa_token and the steps that can redeem it.
 */
export async function secondStepFor(rt: Runtime, user: UserRecord, mode: AnswerMode): Promise<MfaRequired | null> {
  const factors = await factorsOf(rt, user.id);
  if (factors.length === 0) return null;
  const token = encodeBase64Url(randomBytes(32));
  const now = rt.now();
  const challenge: MfaChallenge = { tokenHash: await hashMfaToken(token), userId: user.id, tokenVersion: user.tokenVersion, mode, expiresAt: now + MFA_TOKEN_TTL_MS };
  const event = auditEvent(rt, "mfa_challenge_issued", { userId: user.id, detail: { factors: factors.join(",") } });
  await rt.stores.mfa.issueChallenge(challenge, now, event);
  logAudit(event);
  return { mfa_required: true, mfa_token: token, factors };
}

/** A presented mfa_token that is still redeemable, and its user as the password check saw them. */
export interface PendingSecondStep {
  challenge: MfaChallenge;
  user: UserRecord;
}

/**
 * Looks the mfa_token up without consuming it (a wrong code must not burn it). The passkeys
 * capability calls this before it checks an assertion, which must be of `user`'s credential.
 */
export async function pendingSecondStep(rt: Runtime, mfaToken: string): Promise<PendingSecondStep> {
  const challenge = await rt.stores.mfa.findChallenge(await hashMfaToken(mfaToken), rt.now());
  if (!challenge) throw invalidMfaToken("mfa_token unknown, expired or used");
  const user = await rt.stores.users.findById(challenge.userId);
  // Bound to the password check: a password change, reset, logout-all or disable since then voids it.
  if (!user || !user.isActive || user.tokenVersion !== challenge.tokenVersion) throw invalidMfaToken("user changed since the password check");
  return { challenge, user };
}

/**
 * Consumes the mfa_token and opens the session, once the second step has been proved by `step`.
 * `attempt`: the lockout attempt the proof was counted under (its counter is cleared); the
 * passkeys capability, which keeps no such counter, passes none. The caller answers in
 * `challenge.mode` (routes/auth.ts answer).
 */
export async function completeSecondStep(rt: Runtime, pending: PendingSecondStep, step: SecondStep, attempt?: LoginAttempt): Promise<SessionResult> {
  const consumed = await rt.stores.mfa.consumeChallenge(pending.challenge.tokenHash, rt.now());
  if (!consumed) throw invalidMfaToken("mfa_token redeemed concurrently or expired meanwhile");
  const { user } = pending;
  if (attempt) await recordLoginSuccess(rt, attempt, user, "mfa", { factor: step });
  else await audit(rt, "mfa_success", { userId: user.id, detail: { factor: step } });
  return startSession(rt, user);
}
