// edge-auth/client: the public surface (docs/client.md).
export { AuthClient, createAuthClient, type AuthClientOptions, type ForgotPasswordInput } from "./client.js";
export { PEER_WAIT_MS, type TabMessage } from "./cross-tab.js";
export { AuthError, NetworkError, RateLimitedError, ServiceUnavailableError, type AuthErrorKind } from "./errors.js";
export type { AuthEventName, AuthEvents, AuthListener, SignOutReason } from "./events.js";
export type { FetchLike } from "./http.js";
export { localStorageStore, memoryStore, type TokenStorage } from "./storage.js";
export type { FactorConfirmation, LoginResult, Mode, Passkey, SecondStepFactor, SecondStepProof, Session, SessionAnswer, TotpEnrollment, User } from "./types.js";
export { MFA_TOKEN_TTL_MS, type CredentialsLike } from "./second-factor.js";
