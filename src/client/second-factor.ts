// The second factor seen from the client (docs/client.md "Second factor and passkeys"): the login's
// pending second step, TOTP enrollment and removal, recovery codes, and passkeys. The mfa_token
// lives only in this object's memory, never in storage (a stolen one plus a phished code would be
// a session), and is forgotten after its 5 minutes, after a successful step, and when the service
// says it is spent.
import { AuthError } from "./errors.js";
import type { FactorConfirmation, LoginResult, Passkey, SecondStepFactor, SecondStepProof, SessionAnswer, TotpEnrollment, User } from "./types.js";
import { credentialToJSON, creationOptionsFromJSON, requestOptionsFromJSON, type CredentialLike, type PublicKeyOptions } from "./webauthn-json.js";

/** The service's 5-minute mfa_token lifetime (docs/mfa.md). */
export const MFA_TOKEN_TTL_MS = 5 * 60_000;

/** What the AuthClient lends this module: its calls and its way of taking a session answer. */
export interface ClientCore {
  mode: "cookie" | "token";
  /** A signed-in call (bearer or cookies); non-2xx throws. */
  call<T>(method: string, path: string, body?: unknown): Promise<T>;
  /** A call without the session (sign-in steps); never retried; non-2xx throws. */
  post<T>(path: string, body: unknown): Promise<T>;
  /** Takes a session answer as the signed-in session (emits signedIn). */
  signIn(answer: SessionAnswer): { user: User };
}

/** navigator.credentials, or a stand-in (tests). */
export interface CredentialsLike {
  create(options: { publicKey: PublicKeyOptions }): Promise<unknown>;
  get(options: { publicKey: PublicKeyOptions }): Promise<unknown>;
}

interface MfaRequiredAnswer {
  mfa_required: true;
  mfa_token: string;
  factors: SecondStepFactor[];
}

export const noSecondStep = () => new AuthError({ status: 401, code: "no_second_step", description: "No login is waiting for a second step (or its 5 minutes are over): log in again." });

export class SecondFactor {
  #pending: { token: string; expiresAt: number } | null = null;

  constructor(
    private readonly core: ClientCore,
    private readonly credentials: () => CredentialsLike | undefined,
  ) {}

  /** A login or reset answer: the session, or the second step it asks for (the token is kept here). */
  take(answer: SessionAnswer | MfaRequiredAnswer, now = Date.now()): LoginResult {
    if (!("mfa_required" in answer)) {
      this.#pending = null;
      return this.core.signIn(answer);
    }
    this.#pending = { token: answer.mfa_token, expiresAt: now + MFA_TOKEN_TTL_MS };
    return { mfaRequired: true, factors: answer.factors };
  }

  /** Whether a login waits for its second step (and its mfa_token has not expired). */
  get pending(): boolean {
    return this.#token() !== null;
  }

  async verify(proof: SecondStepProof): Promise<{ user: User }> {
    const token = this.#token();
    if (token === null) throw noSecondStep();
    const mode = this.core.mode;
    try {
      if ("passkey" in proof) {
        const credential = await this.#assertion();
        return this.#done(await this.core.post<SessionAnswer>("/auth/passkeys/login/verify", { credential, mfa_token: token, mode }));
      }
      const body = "code" in proof ? { mfa_token: token, code: proof.code, mode } : { mfa_token: token, recovery_code: proof.recoveryCode, mode };
      return this.#done(await this.core.post<SessionAnswer>("/auth/mfa/verify", body));
    } catch (error) {
      // invalid_grant: the mfa_token is spent, expired or voided; only a new login helps. A wrong
      // code leaves it usable (the service counts wrong codes under the lockout rules).
      if (error instanceof AuthError && error.code === "invalid_grant") this.#pending = null;
      throw error;
    }
  }

  /** Usernameless sign-in: the authenticator offers its passkeys for this service. */
  async passkeySignIn(): Promise<{ user: User }> {
    const credential = await this.#assertion();
    return this.#done(await this.core.post<SessionAnswer>("/auth/passkeys/login/verify", { credential, mode: this.core.mode }));
  }

  async registerPasskey(name?: string): Promise<Passkey> {
    const options = await this.core.call<Record<string, unknown>>("POST", "/auth/passkeys/register/options", {});
    const created = await this.#webauthn().create({ publicKey: creationOptionsFromJSON(options) });
    const credential = credentialToJSON(created as CredentialLike);
    const { passkey } = await this.core.call<{ passkey: Passkey }>("POST", "/auth/passkeys/register/verify", name === undefined ? { credential } : { credential, name });
    return passkey;
  }

  async listPasskeys(): Promise<Passkey[]> {
    return (await this.core.call<{ passkeys: Passkey[] }>("GET", "/auth/passkeys")).passkeys;
  }

  async removePasskey(id: string): Promise<void> {
    await this.core.call("DELETE", `/auth/passkeys/${encodeURIComponent(id)}`);
  }

  enrollTotp(): Promise<TotpEnrollment> {
    return this.core.call<TotpEnrollment>("POST", "/auth/mfa/totp/enroll", {});
  }

  /** The first code turns TOTP on; the answer is the ten recovery codes, shown once. */
  async confirmTotp(code: string): Promise<string[]> {
    return (await this.core.call<{ recovery_codes: string[] }>("POST", "/auth/mfa/totp/confirm", { code })).recovery_codes;
  }

  async disableTotp(confirmation: FactorConfirmation): Promise<void> {
    await this.core.call("DELETE", "/auth/mfa/totp", confirmation);
  }

  async regenerateRecoveryCodes(confirmation: FactorConfirmation): Promise<string[]> {
    return (await this.core.call<{ recovery_codes: string[] }>("POST", "/auth/mfa/recovery-codes", confirmation)).recovery_codes;
  }

  #token(now = Date.now()): string | null {
    if (this.#pending && this.#pending.expiresAt <= now) this.#pending = null;
    return this.#pending?.token ?? null;
  }

  #done(answer: SessionAnswer): { user: User } {
    this.#pending = null;
    return this.core.signIn(answer);
  }

  async #assertion(): Promise<Record<string, unknown>> {
    const options = await this.core.post<Record<string, unknown>>("/auth/passkeys/login/options", {});
    const asserted = await this.#webauthn().get({ publicKey: requestOptionsFromJSON(options) });
    return credentialToJSON(asserted as CredentialLike);
  }

  #webauthn(): CredentialsLike {
    const credentials = this.credentials();
    if (!credentials) throw new AuthError({ status: 0, code: "webauthn_unavailable", description: "This runtime has no navigator.credentials (WebAuthn)." });
    return credentials;
  }
}
