// The factor summary every part of the second factor reads: which second steps a user can take
// at login, and what an administrator sees. The passkeys capability adds its count here.
import { passkeyCount } from "../passkeys/manage";
import type { Runtime } from "../runtime";

export type SecondStep = "totp" | "passkey" | "recovery_code";

export interface FactorSummary {
  totp: boolean;
  passkeys: number;
  recoveryCodes: number;
}

/** The user's factors; passkeys are counted by the passkeys capability. */
export async function factorSummary(rt: Runtime, userId: string): Promise<FactorSummary> {
  const [stored, passkeys] = await Promise.all([rt.stores.mfa.factors(userId), passkeyCount(rt, userId)]);
  return { totp: stored.totp, passkeys, recoveryCodes: stored.recoveryCodes };
}

/** A user has a second factor when TOTP is confirmed or a passkey is registered; recovery codes alone are not one. */
export const hasSecondFactor = (summary: FactorSummary) => summary.totp || summary.passkeys > 0;

/** The second steps a login of this user may take, in the order the contract lists them (docs/mfa.md); [] without a factor. */
export function stepsOf(summary: FactorSummary): SecondStep[] {
  if (!hasSecondFactor(summary)) return [];
  const steps: SecondStep[] = [];
  if (summary.totp) steps.push("totp");
  if (summary.passkeys > 0) steps.push("passkey");
  if (summary.recoveryCodes > 0) steps.push("recovery_code");
  return steps;
}

/** factorsOf(rt, userId): the second steps open to the user, [] when the password alone logs in. */
export async function factorsOf(rt: Runtime, userId: string): Promise<SecondStep[]> {
  return stepsOf(await factorSummary(rt, userId));
}
