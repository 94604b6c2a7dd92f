// TOTP enrollment for a signed-in user, and the recovery codes that come with a factor. Nothing is
// active until the first code is confirmed: enrollment stores a pending secret (a new enrollment
// replaces it), and only the confirmation, in one transaction with its recovery codes and audit
// row, makes it a factor. A failure anywhere before leaves the account as it was.
import { reauthenticate } from "../accounts/authenticate";
import { audit, auditEvent, logAudit } from "../audit/audit";
import { randomBytes } from "../crypto/bytes";
import { AuthError } from "../errors";
import { invalidFields } from "../http/body";
import type { Runtime } from "../runtime";
import type { UserRecord } from "../storage/ports";
import { factorSummary, hasSecondFactor } from "./factors";
import { newRecoveryCodes } from "./recovery-codes";
import { reauthenticateWithCode } from "./second-step";
import { openTotpSecret, sealTotpSecret } from "./secret-box";
import { enrollmentOf, matchingStep, SECRET_BYTES } from "./totp";

/** `{ password }` or `{ code }`: how a signed-in user confirms a change to their factors. */
export type Confirmation = { password?: string; code?: string };

const conflict = (description: string) => new AuthError("conflict", description);

/**
 * The name authenticator apps show above the code: this service's host name (the issuer's), without
 * a port, whose colon would split the `issuer:account` label (Key Uri Format).
 */
function issuerName(rt: Runtime): string {
  try {
    return new URL(rt.config.issuer).hostname || "edge-auth";
  } catch {
    return "edge-auth";
  }
}

export async function enrollTotp(rt: Runtime, user: UserRecord) {
  const secret = randomBytes(SECRET_BYTES);
  const stored = await rt.stores.mfa.putPendingTotp(user.id, await sealTotpSecret(rt.secrets!, user.id, secret), rt.now());
  if (stored === "confirmed") throw conflict("TOTP is already enabled for this account. Disable it first to enroll a new authenticator.");
  await audit(rt, "mfa_totp_enrolled", { userId: user.id });
  return enrollmentOf(secret, user.username, issuerName(rt));
}

/** Confirms the pending enrollment with its first code; the recovery codes, shown once. */
export async function confirmTotp(rt: Runtime, user: UserRecord, code: string): Promise<string[]> {
  const factor = await rt.stores.mfa.findTotp(user.id);
  if (factor?.confirmedAt != null) throw conflict("TOTP is already enabled for this account.");
  const opened = factor && (await openTotpSecret(rt.secrets!, user.id, factor.secret));
  if (!factor || !opened) throw conflict("No TOTP enrollment is pending. Start one with POST /auth/mfa/totp/enroll.");
  const step = matchingStep(opened.secret, code, rt.now());
  if (step === null) throw invalidFields({ code: "The code is incorrect." });
  const { codes, hashes } = await newRecoveryCodes();
  const event = auditEvent(rt, "mfa_totp_enabled", { userId: user.id });
  // Another confirmation (or a new enrollment) got there first: this one changes nothing.
  if (!(await rt.stores.mfa.confirmTotp(user.id, factor.secret, step, hashes, rt.now(), event))) throw conflict("The TOTP enrollment changed meanwhile. Enroll again.");
  logAudit(event);
  return codes;
}

/** The password (counted by the login lockout) or a TOTP code (counted by the code lockout). */
async function confirmChange(rt: Runtime, user: UserRecord, confirmation: Confirmation, purpose: string): Promise<void> {
  if (confirmation.password !== undefined) await reauthenticate(rt, user, confirmation.password);
  else await reauthenticateWithCode(rt, user, confirmation.code!, purpose);
}

export async function disableTotp(rt: Runtime, user: UserRecord, confirmation: Confirmation): Promise<void> {
  const summary = await factorSummary(rt, user.id);
  if (!summary.totp) throw conflict("TOTP is not enabled for this account.");
  await confirmChange(rt, user, confirmation, "disable_totp");
  // Recovery codes stand in for a factor; with no factor left they would gate nothing, so they go too.
  const lastFactor = summary.passkeys === 0;
  const event = auditEvent(rt, "mfa_totp_disabled", { userId: user.id, detail: { recovery_codes_removed: lastFactor } });
  if (!(await rt.stores.mfa.removeTotp(user.id, lastFactor, event))) throw conflict("TOTP is not enabled for this account.");
  logAudit(event);
}

/** A new set of ten; the old ones stop working in the same write. */
export async function regenerateRecoveryCodes(rt: Runtime, user: UserRecord, confirmation: Confirmation): Promise<string[]> {
  if (!hasSecondFactor(await factorSummary(rt, user.id))) throw conflict("Recovery codes need a second factor. Enable TOTP or add a passkey first.");
  await confirmChange(rt, user, confirmation, "regenerate_recovery_codes");
  const { codes, hashes } = await newRecoveryCodes();
  const event = auditEvent(rt, "mfa_recovery_codes_regenerated", { userId: user.id });
  await rt.stores.mfa.replaceRecoveryCodes(user.id, hashes, rt.now(), event);
  logAudit(event);
  return codes;
}
