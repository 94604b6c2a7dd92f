// The refusal of migration 0009's triggers, as the 409 every caller answers: whichever write would
// leave no active admin (admin API, account deletion, a batch of them), the statement aborts, its
// batch rolls back, and guardStorage turns the abort into this error rather than a 503.
import { AuthError } from "../errors";

/** The RAISE(ABORT, ...) message of the `users_keep_an_admin_*` triggers. */
export const LAST_ADMIN_MARKER = "edge-auth: last active admin";

export const isLastAdminRefusal = (error: unknown): boolean => error instanceof Error && error.message.includes(LAST_ADMIN_MARKER);

export const lastAdminConflict = () =>
  new AuthError("conflict", "This change would leave no active administrator.", { reason: "last active admin" });
