// Every mounted operation with the zod schema its handler validates (imported from the route
// module itself, so the document follows the validator), its success status and its error
// statuses in its dialect. test/e2e/openapi.test.ts fails when this and createApp().routes differ.
import type * as z from "zod/mini";
import { auditQuery, clientBody, userPatch, usersQuery } from "../admin/schemas";
import * as bearerApi from "../profiles/bearer-api";
import * as cookieSession from "../profiles/cookie-session";
import * as sessionApi from "../profiles/session-api";
import * as simpleJwt from "../profiles/simplejwt";
import * as v1Api from "../profiles/v1-api";
import * as account from "../routes/account";
import * as auth from "../routes/auth";
import * as mfaRoutes from "../routes/mfa";
import { introspectParams, revokeParams, tokenParams } from "../oauth/params";
import * as passkey from "../passkeys/schemas";
import { roleQuery } from "../routes/verify";
import type { Dialect } from "./errors";

export interface Operation {
  method: "get" | "post" | "put" | "patch" | "delete" | "head" | "options";
  /** OpenAPI form: `/auth/sessions/{id}`. */
  path: string;
  tag: string;
  summary: string;
  body?: z.ZodMiniType;
  /** The body may also be application/x-www-form-urlencoded (the same fields). */
  form?: boolean;
  /** OAuth: form first (RFC 6749), JSON accepted. */
  oauthParams?: boolean;
  query?: z.ZodMiniType;
  ok: [status: number, description: string];
  errors: number[];
  dialect: Dialect;
  auth?: "bearer" | "cookie" | "admin" | "client";
}

type Entry = [method: Operation["method"], path: string, summary: string, extra: Omit<Operation, "method" | "path" | "summary" | "tag" | "dialect">];

function group(tag: string, dialect: Dialect, entries: Entry[]): Operation[] {
  return entries.map(([method, path, summary, extra]) => ({ method, path, summary, tag, dialect, ...extra }));
}

const BODY = [400, 413, 415, 429, 503];
const SIGNED_IN = [401, 403, 429, 503];

const native = group("native", "native", [
  ["post", "/auth/register", "Create an account and a session", { body: auth.registerBody, ok: [201, "The user and tokens (token mode) or cookies (cookie mode)"], errors: [...BODY, 409] }],
  ["post", "/auth/login", "Start a session", { body: auth.loginBody, ok: [200, "The user and tokens, or cookies; for a user with a second factor, mfa_required with an mfa_token"], errors: [...BODY, 401, 403] }],
  ["post", "/auth/refresh", "Rotate a refresh token", { body: auth.refreshBody, ok: [200, "New tokens, or cookies"], errors: [...BODY, 401, 403] }],
  ["post", "/auth/logout", "End this session, or all of them", { body: auth.logoutBody, ok: [204, "Logged out"], errors: [...BODY, 401, 403], auth: "bearer" }],
  ["get", "/auth/me", "The signed-in user", { ok: [200, "The user"], errors: SIGNED_IN, auth: "bearer" }],
]);

const accountOps = group("account", "native", [
  ["post", "/auth/password", "Change the password (ends other sessions)", { body: account.changeBody, ok: [200, "A new session"], errors: [...BODY, 401, 403], auth: "bearer" }],
  ["post", "/auth/password/forgot", "Ask for a reset message", { body: account.forgotBody, ok: [202, "Accepted (whether or not the account exists)"], errors: BODY }],
  ["post", "/auth/password/reset", "Set a new password with a reset token", { body: account.resetBody, ok: [200, "A new session, or mfa_required for a user with a second factor"], errors: [...BODY, 401] }],
  ["post", "/auth/email/verify/request", "Send a verification message", { body: account.emptyBody, ok: [202, "Accepted"], errors: [...BODY, 401, 403], auth: "bearer" }],
  ["post", "/auth/email/verify", "Verify the email with a token", { body: account.verifyBody, ok: [200, "The user"], errors: [...BODY, 401] }],
  ["delete", "/auth/me", "Delete the account (password required)", { body: account.deleteBody, ok: [204, "Deleted"], errors: [...BODY, 401, 403], auth: "bearer" }],
]);

const passkeys = group("passkeys", "native", [
  ["post", "/auth/passkeys/register/options", "WebAuthn creation options for a new passkey", { body: passkey.registerOptionsBody, ok: [200, "PublicKeyCredentialCreationOptionsJSON"], errors: [...BODY, 401, 403], auth: "bearer" }],
  ["post", "/auth/passkeys/register/verify", "Register the passkey the authenticator made", { body: passkey.registerVerifyBody, ok: [201, "The passkey"], errors: [...BODY, 401, 403, 409], auth: "bearer" }],
  ["post", "/auth/passkeys/login/options", "WebAuthn request options for a usernameless login", { body: passkey.loginOptionsBody, ok: [200, "PublicKeyCredentialRequestOptionsJSON"], errors: BODY }],
  ["post", "/auth/passkeys/login/verify", "Sign in with a passkey", { body: passkey.loginVerifyBody, ok: [200, "The user and tokens, or cookies"], errors: [...BODY, 401, 403] }],
  ["get", "/auth/passkeys", "The user's passkeys", { ok: [200, "Passkeys"], errors: SIGNED_IN, auth: "bearer" }],
  ["delete", "/auth/passkeys/{id}", "Remove one passkey", { ok: [204, "Removed"], errors: [...SIGNED_IN, 404], auth: "bearer" }],
]);

const sessions = group("sessions", "native", [
  ["get", "/auth/sessions", "The user's sessions", { ok: [200, "Sessions"], errors: SIGNED_IN, auth: "bearer" }],
  ["delete", "/auth/sessions/{id}", "End one session", { ok: [204, "Ended"], errors: [...SIGNED_IN, 404], auth: "bearer" }],
]);

const mfa = group("mfa", "native", [
  ["post", "/auth/mfa/totp/enroll", "Start a TOTP enrollment (secret, otpauth URI, QR code)", { body: account.emptyBody, ok: [200, "secret, otpauth_uri, qr_svg; nothing active until confirmed"], errors: [...BODY, 401, 403, 409], auth: "bearer" }],
  ["post", "/auth/mfa/totp/confirm", "Confirm TOTP with a first code", { body: mfaRoutes.confirmBody, ok: [200, "Ten recovery codes, shown once"], errors: [...BODY, 401, 403, 409], auth: "bearer" }],
  ["delete", "/auth/mfa/totp", "Disable TOTP (password or code)", { body: mfaRoutes.changeBody, ok: [204, "Disabled"], errors: [...BODY, 401, 403, 409], auth: "bearer" }],
  ["post", "/auth/mfa/recovery-codes", "Replace the recovery codes (password or code)", { body: mfaRoutes.changeBody, ok: [200, "Ten new recovery codes"], errors: [...BODY, 401, 403, 409], auth: "bearer" }],
  ["post", "/auth/mfa/verify", "The login's second step: mfa_token and a code or recovery code", { body: mfaRoutes.verifyBody, ok: [200, "The user and tokens, or cookies"], errors: [...BODY, 401] }],
]);

const admin = group("admin", "native", [
  ["get", "/admin/users", "Search users", { query: usersQuery, ok: [200, "A page of users"], errors: [400, ...SIGNED_IN], auth: "admin" }],
  ["get", "/admin/users/{id}", "A user and their sessions", { ok: [200, "The user"], errors: [...SIGNED_IN, 404], auth: "admin" }],
  ["patch", "/admin/users/{id}", "Change roles, is_active, email", { body: userPatch, ok: [200, "The user"], errors: [...BODY, 401, 403, 404, 409], auth: "admin" }],
  ["post", "/admin/users/{id}/logout", "End all the user's sessions", { ok: [204, "Done"], errors: [...SIGNED_IN, 404], auth: "admin" }],
  ["delete", "/admin/users/{id}/mfa", "Reset the user's second factors", { ok: [204, "Reset"], errors: [...SIGNED_IN, 404], auth: "admin" }],
  ["delete", "/admin/users/{id}", "Delete a user", { ok: [204, "Deleted"], errors: [...SIGNED_IN, 404], auth: "admin" }],
  ["get", "/admin/audit", "The audit log", { query: auditQuery, ok: [200, "A page of events"], errors: [400, ...SIGNED_IN], auth: "admin" }],
  ["post", "/admin/clients", "Create a service client (the secret is shown once)", { body: clientBody, ok: [201, "The client and its secret"], errors: [...BODY, 401, 403], auth: "admin" }],
  ["get", "/admin/clients", "List service clients", { ok: [200, "Clients"], errors: SIGNED_IN, auth: "admin" }],
  ["delete", "/admin/clients/{id}", "Delete a service client", { ok: [204, "Deleted"], errors: [...SIGNED_IN, 404], auth: "admin" }],
  ["post", "/admin/clients/{id}/secret", "Rotate a client's secret", { ok: [200, "The client and its new secret"], errors: [...SIGNED_IN, 404], auth: "admin" }],
]);

const OAUTH = [400, 401, 413, 429, 503];
const oauth = group("oauth", "oauth", [
  ["post", "/oauth/token", "RFC 6749 token endpoint: client_credentials, refresh_token", { body: tokenParams, oauthParams: true, ok: [200, "Tokens (Cache-Control: no-store)"], errors: OAUTH, auth: "client" }],
  ["post", "/oauth/introspect", "RFC 7662 introspection (inactive tokens are active: false, not errors)", { body: introspectParams, oauthParams: true, ok: [200, "Introspection response"], errors: OAUTH, auth: "client" }],
  ["post", "/oauth/revoke", "RFC 7009 revocation", { body: revokeParams, oauthParams: true, ok: [200, "Revoked (also for an unknown token)"], errors: OAUTH }],
]);

// Forward auth answers any method: gateways send the original request's method in the sub-request.
const VERIFY_METHODS: Operation["method"][] = ["get", "head", "post", "put", "patch", "delete", "options"];
const gateway = group(
  "gateway",
  "native",
  VERIFY_METHODS.map((method): Entry => [method, "/auth/verify", "Forward auth: 200 with X-Auth-* headers, or 401/403", { query: roleQuery, ok: [200, "Allowed; X-Auth-User-Id, X-Auth-Roles, ..."], errors: [400, 401, 403, 429, 503], auth: "bearer" }]),
);

const discovery = group("discovery", "native", [
  ["get", "/.well-known/jwks.json", "Public signing keys", { ok: [200, "JWK set"], errors: [503] }],
  ["get", "/.well-known/openid-configuration", "Discovery metadata", { ok: [200, "Metadata"], errors: [503] }],
  ["get", "/.well-known/oauth-authorization-server", "RFC 8414 metadata", { ok: [200, "Metadata"], errors: [503] }],
  ["get", "/healthz", "Health check (fails closed)", { ok: [200, "Healthy"], errors: [503] }],
  ["get", "/openapi.json", "This document", { ok: [200, "OpenAPI 3.1 document"], errors: [] }],
]);

const PROFILE = [400, 401, 404, 405, 413, 415, 429, 503];
const profiles = [
  ...group("cookie-session", "cookie-session", [
    ["post", "/accounts/login/", "Django session login", { body: cookieSession.loginBody, form: true, ok: [200, "Login successful; session cookies set"], errors: PROFILE }],
    ["post", "/accounts/logout/", "Django session logout", { ok: [200, "Logout successful"], errors: [...PROFILE, 403], auth: "cookie" }],
  ]),
  ...group("simplejwt", "simplejwt", [
    ["post", "/api/token/", "Obtain a token pair", { body: simpleJwt.loginBody, form: true, ok: [200, "refresh and access"], errors: PROFILE }],
    ["post", "/api/token/refresh/", "Rotate the refresh token", { body: simpleJwt.refreshBody, form: true, ok: [200, "access and refresh"], errors: PROFILE }],
    ["post", "/api/token/verify/", "Verify a token", { body: simpleJwt.tokenBody, form: true, ok: [200, "{}"], errors: PROFILE }],
    ["post", "/api/token/blacklist/", "Blacklist a refresh token", { body: simpleJwt.refreshBody, form: true, ok: [200, "{}"], errors: PROFILE }],
  ]),
  ...group("bearer-api", "bearer-api", [
    ["post", "/api/auth/register", "Register", { body: bearerApi.registerBody, ok: [201, "The user"], errors: [...PROFILE, 422] }],
    ["post", "/api/auth/login", "Log in", { body: bearerApi.loginBody, ok: [200, "access_token, token_type, expires_in"], errors: [...PROFILE, 422] }],
    ["get", "/api/auth/me", "The signed-in user", { ok: [200, "The user"], errors: PROFILE, auth: "bearer" }],
  ]),
  ...group("v1-api", "v1-api", [
    ["post", "/api/v1/auth/register", "Register", { body: v1Api.registerBody, ok: [201, "user, token, refresh_token, expires_in"], errors: [...PROFILE, 409] }],
    ["post", "/api/v1/auth/login", "Log in", { body: v1Api.loginBody, ok: [200, "user, token, refresh_token, expires_in"], errors: PROFILE }],
    ["post", "/api/v1/auth/refresh", "Rotate the refresh token", { body: v1Api.refreshBody, ok: [200, "user, token, refresh_token, expires_in"], errors: PROFILE }],
    ["post", "/api/v1/auth/logout", "Log out", { ok: [200, "Logged out"], errors: PROFILE, auth: "bearer" }],
    ["get", "/api/v1/auth/me", "The signed-in user", { ok: [200, "The user"], errors: PROFILE, auth: "bearer" }],
  ]),
  ...group("session-api", "session-api", [
    ["post", "/api/register/", "Register", { body: sessionApi.registerBody, form: true, ok: [201, "The user"], errors: PROFILE }],
    ["post", "/api/login/", "Log in (session cookie, CSRF token)", { body: sessionApi.loginBody, form: true, ok: [200, "Login successful"], errors: PROFILE }],
    ["post", "/api/logout/", "Log out", { ok: [200, "Logout successful"], errors: [...PROFILE, 403], auth: "cookie" }],
    ["get", "/api/user/", "The signed-in user", { ok: [200, "The user"], errors: PROFILE, auth: "cookie" }],
  ]),
];

export const OPERATIONS: Operation[] = [...native, ...accountOps, ...sessions, ...mfa, ...passkeys, ...admin, ...oauth, ...gateway, ...discovery, ...profiles];
