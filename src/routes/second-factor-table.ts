// The methods and paths of the lazily loaded second-factor groups (src/routes/lazy.ts), relative
// to /auth. test/routes/lazy-routes.test.ts holds them equal to the groups' own routes.
import type { RouteTable } from "./lazy";

export const MFA_ROUTES: RouteTable = [
  ["post", "/mfa/totp/enroll"],
  ["post", "/mfa/totp/confirm"],
  ["delete", "/mfa/totp"],
  ["post", "/mfa/recovery-codes"],
  ["post", "/mfa/verify"],
];

export const PASSKEY_ROUTES: RouteTable = [
  ["post", "/passkeys/register/options"],
  ["post", "/passkeys/register/verify"],
  ["post", "/passkeys/login/options"],
  ["post", "/passkeys/login/verify"],
  ["get", "/passkeys"],
  ["delete", "/passkeys/:id"],
];
