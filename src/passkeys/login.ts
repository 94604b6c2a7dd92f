// Signing in with a passkey (WebAuthn L3 §7.2): usernameless, so the options name no credential
// and the assertion's credential id and user handle say whose it is. User verification is
// required, which makes a passkey login multi-factor on its own (docs/passkeys.md). Every failure
// answers the same 401 and is audited with its reason; the client throttle runs before any work.
import { audit, auditEvent, logAudit } from "../audit/audit";
import { AuthError, isAuthError } from "../errors";
import type { Runtime } from "../runtime";
import type { UserRecord } from "../storage/ports";
import { throttle } from "../throttling/rate-limit";
import { readAssertion, verifyAssertion, type CredentialJson } from "./ceremony";
import { CHALLENGE_TTL_SECONDS, issueChallenge, spendChallenge } from "./challenges";
import { userHandleOf } from "./register";
import type { RelyingParty } from "./relying-party";

export const PASSKEY_REFUSED = "The passkey could not be verified.";

const refuse = (reason: string) => new AuthError("invalid_credentials", PASSKEY_REFUSED, { reason });

/** PublicKeyCredentialRequestOptionsJSON (L3 §5.5): no allowCredentials, the authenticator offers its passkeys. */
export async function authenticationOptions(rt: Runtime, rp: RelyingParty, userId: string | null = null) {
  await throttle(rt, "passkey");
  const challenge = await issueChallenge(rt, "login", userId);
  return { challenge, rpId: rp.id, timeout: CHALLENGE_TTL_SECONDS * 1000, userVerification: "required", allowCredentials: [] };
}

/**
 * The user an assertion proves, with the use recorded. `expectedUserId` (the second step after a
 * password) limits it to that user's passkeys.
 */
export async function verifyPasskeyLogin(rt: Runtime, credential: CredentialJson, rp: RelyingParty, expectedUserId: string | null = null): Promise<UserRecord> {
  await throttle(rt, "passkey");
  let userId: string | null = null;
  try {
    const assertion = readAssertion(credential);
    const passkey = await rt.stores.passkeys.find(credential.id);
    userId = passkey?.userId ?? null;
    // Spent whatever follows, so no assertion can be tried twice against one challenge.
    await spendChallenge(rt, assertion.clientData, "login", null, refuse);
    if (!passkey) throw refuse("unknown credential");
    if (expectedUserId !== null && passkey.userId !== expectedUserId) throw refuse("credential of another user than the mfa_token's");
    const user = await rt.stores.users.findById(passkey.userId);
    if (!user || !user.isActive) throw refuse("inactive account");
    // §7.2 step 6: a user not identified before the ceremony is named by the user handle, which must be there.
    if (expectedUserId === null && credential.response.userHandle == null) throw refuse("no user handle in a usernameless login");
    const stored = { publicKey: passkey.publicKey, signCount: passkey.signCount, userHandle: userHandleOf(passkey.userId) };
    const { signCount, backedUp } = await verifyAssertion(assertion, assertion.clientData.challenge, stored, rp, refuse);
    // REQUIRE_VERIFIED_EMAIL, as for a password login: said only to whoever just proved the passkey.
    if (rt.config.requireVerifiedEmail && !user.emailVerified) {
      throw new AuthError("email_not_verified", "Verify your email address before logging in.", { reason: "email not verified" });
    }
    const at = new Date(rt.now()).toISOString();
    const event = auditEvent(rt, "passkey_login_success", { userId: user.id, detail: { passkey_id: passkey.id, second_step: expectedUserId !== null } });
    // A concurrent assertion with a counter at least as high got there first: same refusal.
    if (!(await rt.stores.passkeys.recordUse(passkey.id, signCount, backedUp, at, event))) throw refuse("signature counter raced");
    logAudit(event);
    await rt.stores.users.recordLogin(user.id, at);
    return { ...user, lastLoginAt: at };
  } catch (error) {
    if (isAuthError(error) && error.code === "invalid_credentials") {
      await audit(rt, "passkey_login_failure", { userId, detail: { passkey_id: credential.id.slice(0, 64), reason: error.reason ?? null } });
    }
    throw error;
  }
}
