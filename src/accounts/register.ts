// Registration: validates identifiers and password policy, hashes, and writes the user and its
// login identifiers in one transaction. Field messages follow Django's wording.
import { assertUsable } from "../config";
import { AuthError } from "../errors";
import { hashPassword } from "../passwords/kdf";
import type { Runtime } from "../runtime";
import { distinctIdentifiers, type LoginIdentifiers, type UserRecord } from "../storage/ports";
import { throttle } from "../throttling/rate-limit";
import { checkPassword } from "./password-policy";
import { emailProblem, loginIdentifiers, usernameEmailProblem, usernameProblem } from "./identifiers";

export interface Registration {
  username: string;
  email?: string | null;
  password: string;
}

async function fieldErrors(rt: Runtime, input: Registration): Promise<Record<string, string>> {
  const fields: Record<string, string> = {};
  const email = input.email?.trim() || null;
  const username = usernameProblem(input.username) ?? usernameEmailProblem(input.username, email);
  if (username) fields.username = username;
  const emailMessage = email ? emailProblem(email) : undefined;
  if (emailMessage) fields.email = emailMessage;
  const password = await checkPassword(input.password, { username: input.username, email }, rt.config.passwordPolicy, rt.stores.commonPasswords);
  if (password) fields.password = password;
  return fields;
}

/** Validates and hashes, writing nothing: the account as it will be stored. */
export async function prepareUser(rt: Runtime, input: Registration): Promise<UserRecord> {
  // Refuse before hashing or writing: an account created by a service that cannot issue tokens
  // would be a half-finished registration.
  assertUsable(rt.config);
  if (rt.config.registration === "closed") throw new AuthError("forbidden", "Registration is closed.");
  // Before validation and hashing: also caps how fast 409s can be used to probe for accounts.
  await throttle(rt, "register");
  const email = input.email?.trim() || null;
  // The D1 reads (common-password list, taken identifiers) run side by side; invalid fields still
  // answer before a conflict. The conflict check comes before hashing and before any KV write. It
  // is no better an enumeration oracle than the 409 always was: every probe has already spent the
  // per-IP "register" budget above.
  const identifiers = loginIdentifiers(input.username, email);
  const [fields, taken] = await Promise.all([fieldErrors(rt, input), identifiersTaken(rt, identifiers)]);
  if (Object.keys(fields).length > 0) throw new AuthError("invalid_request", "The request has invalid fields.", { fields });
  if (taken) throw identifierTaken(identifiers);
  const at = new Date(rt.now()).toISOString();
  return {
    id: crypto.randomUUID(),
    username: input.username.normalize("NFKC"),
    email,
    emailVerified: false,
    passwordHash: await hashPassword(input.password, rt.config.password),
    roles: [],
    isActive: true,
    tokenVersion: 0,
    createdAt: at,
    updatedAt: at,
    lastLoginAt: null,
  };
}

const identifierTaken = (identifiers: LoginIdentifiers) =>
  new AuthError("conflict", "An account with this username or email already exists.", { reason: `identifier taken: ${identifiers.username}` });

/** The early answer for a taken username or email; the D1 batch in commitUser stays the arbiter of races. */
async function identifiersTaken(rt: Runtime, identifiers: LoginIdentifiers): Promise<boolean> {
  const owners = await Promise.all(distinctIdentifiers(identifiers).map((identifier) => rt.stores.users.findByIdentifier(identifier)));
  return owners.some((owner) => owner !== null);
}

/** Writes a prepared account and its login identifiers in one D1 transaction. */
export async function commitUser(rt: Runtime, user: UserRecord): Promise<UserRecord> {
  const identifiers = loginIdentifiers(user.username, user.email);
  if ((await rt.stores.users.create(user, identifiers)) === "conflict") throw identifierTaken(identifiers);
  return user;
}

/** Registration without a session (the dialects whose register answers only the user). */
export async function registerUser(rt: Runtime, input: Registration): Promise<UserRecord> {
  return commitUser(rt, await prepareUser(rt, input));
}
