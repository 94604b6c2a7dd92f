// The profiles rule: a seed dialect has no way to ask for a second step, so a user
// with a second factor who logs in through one is refused, in the dialect's own 401 shape with
// MFA_PROFILE_REFUSAL as its message (each profile's ErrorShape maps variant "mfa_required").
// MFA_PROFILES=allow is the operator's explicit choice to let the password alone in there; each such
// login is audited (mfa_profile_allowed), so it is never a silent bypass.
import { authenticate } from "../accounts/authenticate";
import { audit } from "../audit/audit";
import { AuthError } from "../errors";
import type { ProfileName } from "../profiles/gate";
import type { Runtime } from "../runtime";
import type { UserRecord } from "../storage/ports";
import { factorsOf } from "./factors";

export const MFA_PROFILE_REFUSAL = "This account uses a second factor, which this API cannot ask for. Sign in with POST /auth/login.";

/** A profile's login: the password check, then the profiles rule. */
export async function authenticateForProfile(rt: Runtime, profile: ProfileName, username: string, password: string): Promise<UserRecord> {
  const user = await authenticate(rt, username, password);
  const factors = await factorsOf(rt, user.id);
  if (factors.length === 0) return user;
  if (rt.config.mfaProfiles === "allow") {
    await audit(rt, "mfa_profile_allowed", { userId: user.id, detail: { profile } });
    return user;
  }
  await audit(rt, "mfa_profile_refused", { userId: user.id, detail: { profile } });
  throw new AuthError("invalid_credentials", MFA_PROFILE_REFUSAL, { variant: "mfa_required", reason: `second factor required; ${profile} cannot ask for it` });
}
