// Checking a second-factor proof (a TOTP code or a recovery code) for a known user. Wrong codes
// are throttled and counted like wrong passwords (throttling/lockout.ts, the same rules), on a
// counter of their own per user: knowing the password does not buy more guesses, and strangers
// guessing passwords do not lock the code out. A TOTP code is accepted once: its time step must be
// later than the last accepted one (RFC 6238 §5.2), decided by one conditional UPDATE.
import { auditEvent, logAudit } from "../audit/audit";
import { AuthError } from "../errors";
import type { Runtime } from "../runtime";
import type { UserRecord } from "../storage/ports";
import { guardLoginAttempt, recordLoginFailure, recordLoginSuccess, type LoginAttempt } from "../throttling/lockout";
import type { SecondStep } from "./factors";
import { hashRecoveryCode, normaliseRecoveryCode } from "./recovery-codes";
import { openTotpSecret, sealTotpSecret } from "./secret-box";
import { matchingStep } from "./totp";

export type Proof = { code: string } | { recovery_code: string };

export const WRONG_CODE = "The code is incorrect or was already used.";

/**
 * The lockout key of a user's codes: upper case and a colon, which no normalised login identifier
 * has (usernames and emails are lower-cased), so a typed identifier cannot name this counter.
 */
const counterKey = (userId: string) => `MFA:${userId}`;

/** The TOTP step `code` proves for the user and, if it is new, records it; a reason when it does not. */
async function acceptTotp(rt: Runtime, user: UserRecord, code: string): Promise<string | null> {
  const factor = await rt.stores.mfa.findTotp(user.id);
  if (!factor || factor.confirmedAt === null) return "no totp factor";
  const opened = await openTotpSecret(rt.secrets!, user.id, factor.secret);
  if (!opened) return "totp secret sealed under a retired key";
  const step = matchingStep(opened.secret, code, rt.now());
  if (step === null) return "wrong totp code";
  if (!(await rt.stores.mfa.acceptTotpStep(user.id, step))) return "replayed totp code";
  // Sealed under REFRESH_TOKEN_SECRET_PREVIOUS: re-sealed now, so it outlives that secret's removal.
  if (!opened.current) await rt.stores.mfa.reencryptTotp(user.id, factor.secret, await sealTotpSecret(rt.secrets!, user.id, opened.secret));
  return null;
}

async function acceptRecoveryCode(rt: Runtime, user: UserRecord, presented: string): Promise<string | null> {
  const code = normaliseRecoveryCode(presented);
  if (code === null) return "malformed recovery code";
  const event = auditEvent(rt, "mfa_recovery_code_used", { userId: user.id });
  if (!(await rt.stores.mfa.useRecoveryCode(user.id, await hashRecoveryCode(code), rt.now(), event))) return "unknown or used recovery code";
  logAudit(event);
  return null;
}

/**
 * Checks the proof, counting a failure (401 invalid_credentials) on the user's code counter.
 * Returns the attempt, for the caller to record the success once what it grants is done.
 */
export async function checkProof(rt: Runtime, user: UserRecord, proof: Proof): Promise<{ attempt: LoginAttempt; step: SecondStep }> {
  const { attempt } = await guardLoginAttempt(rt, counterKey(user.id), async () => null);
  const step: SecondStep = "code" in proof ? "totp" : "recovery_code";
  const failure = "code" in proof ? await acceptTotp(rt, user, proof.code) : await acceptRecoveryCode(rt, user, proof.recovery_code);
  if (failure !== null) {
    await recordLoginFailure(rt, attempt, user, failure, "mfa");
    throw new AuthError("invalid_credentials", WRONG_CODE, { reason: failure });
  }
  return { attempt, step };
}

/** A signed-in user confirming a change with a code: checked and counted as at login. */
export async function reauthenticateWithCode(rt: Runtime, user: UserRecord, code: string, purpose: string): Promise<void> {
  const { attempt, step } = await checkProof(rt, user, { code });
  await recordLoginSuccess(rt, attempt, user, "mfa", { factor: step, purpose });
}
