// Changing a user's email: the address and its login identifier change together, and
// email_verified resets unless the normalised address is the same. The caller audits with its
// actor. (PATCH /admin/users/{id} applies the same rule inside UserStore.update, whose one batch
// also holds the other fields and the audit rows.)
import { AuthError } from "../errors";
import type { Runtime } from "../runtime";
import type { UserRecord } from "../storage/ports";
import { emailProblem, normaliseEmail, usernameEmailProblem } from "./identifiers";

/** 400 for an invalid address, 404 for no such user, 409 when another account has the address. */
export async function changeEmail(rt: Runtime, userId: string, email: string | null): Promise<UserRecord> {
  const address = email?.trim() || null;
  const problem = address === null ? undefined : emailProblem(address);
  if (problem) throw new AuthError("invalid_request", "The request has invalid fields.", { fields: { email: problem } });
  const user = await rt.stores.users.findById(userId);
  if (!user) throw new AuthError("not_found", "No such user.");
  // A username that looks like an email must stay the account's own email (identifiers.ts).
  const clash = usernameEmailProblem(user.username, address);
  if (clash) throw new AuthError("invalid_request", "The request has invalid fields.", { fields: { email: clash } });
  const changed = await rt.stores.accounts.changeEmail(userId, address, address === null ? null : normaliseEmail(address), new Date(rt.now()).toISOString());
  if (changed === "conflict") throw new AuthError("conflict", "An account with this username or email already exists.");
  if (!changed) throw new AuthError("not_found", "No such user.");
  return changed;
}
