// A new password (change or reset): the registration policy, then the KDF at the current settings.
import { AuthError } from "../errors";
import { hashPassword } from "../passwords/kdf";
import type { Runtime } from "../runtime";
import type { UserRecord } from "../storage/ports";
import { checkPassword } from "./password-policy";

/** The stored hash of an acceptable new password; 400 naming `field` otherwise (never echoing it). */
export async function hashNewPassword(rt: Runtime, user: UserRecord, password: string, field: string): Promise<string> {
  const problem = await checkPassword(password, { username: user.username, email: user.email }, rt.config.passwordPolicy, rt.stores.commonPasswords);
  if (problem) throw new AuthError("invalid_request", "The request has invalid fields.", { fields: { [field]: problem } });
  return hashPassword(password, rt.config.password);
}
