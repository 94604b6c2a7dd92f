// Who may use /admin: an account whose STORED roles hold "admin". The token's
// `roles` claim is a copy made at issue time; a demotion must work before it expires.
import { AuthError } from "../errors";
import type { UserRecord } from "../storage/ports";

export const ADMIN_ROLE = "admin";

export const NOT_AN_ADMIN = "This endpoint requires the admin role.";

/** `user` is the row verifyAccess loaded for this request, never the token's claims. */
export function assertAdmin(user: UserRecord): void {
  if (!user.isActive || !user.roles.includes(ADMIN_ROLE)) throw new AuthError("forbidden", NOT_AN_ADMIN, { reason: `user ${user.id} is not an admin` });
}
