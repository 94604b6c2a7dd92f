// The shapes the native API answers (README "Native API", "Sessions"), as the client returns them:
// the API's own JSON field names, unchanged, so the README's tables describe them too.

export interface User {
  id: string;
  username: string;
  email: string | null;
  email_verified: boolean;
  roles: string[];
  created_at: string;
}

export interface Session {
  id: string;
  client_id: string;
  created_at: string;
  last_used_at: string;
  expires_at: string;
  /** The session of the credential this client presented. */
  current: boolean;
  user_agent: string | null;
}

/** What register, login, refresh, password change and reset answer: tokens in token mode only. */
export interface SessionAnswer {
  user: User;
  token_type: "Bearer";
  expires_in: number;
  refresh_expires_in: number;
  access_token?: string;
  refresh_token?: string;
}

export type Mode = "cookie" | "token";

/** A second step a login may take (`factors` of an `mfa_required` answer). */
export type SecondStepFactor = "totp" | "passkey" | "recovery_code";

/** What login() and resetPassword() answer: the user, or the second step the user must take. */
export type LoginResult = { user: User; mfaRequired?: never } | { mfaRequired: true; factors: SecondStepFactor[]; user?: never };

/** How verifyMfa() proves the second step: an authenticator code, a recovery code, or a passkey. */
export type SecondStepProof = { code: string } | { recoveryCode: string } | { passkey: true };

/** POST /auth/mfa/totp/enroll: nothing is active until confirmTotp() succeeds. */
export interface TotpEnrollment {
  secret: string;
  otpauth_uri: string;
  /** An SVG document; show it as an image (see docs/client.md), never as HTML. */
  qr_svg: string;
}

/** What confirms a change of the second factor: the password or a current authenticator code. */
export type FactorConfirmation = { password: string } | { code: string };

export interface Passkey {
  id: string;
  name: string;
  created_at: string;
  last_used_at: string | null;
  transports: string[];
  backed_up: boolean;
}
