import type { LoginIdentifiers } from "../storage/ports";

// Login identifiers: how usernames and emails are validated and normalised for uniqueness.
// D1's COLLATE NOCASE folds ASCII only, so normalisation happens here (NFKC + lower case).

export const USERNAME_MAX = 150;
export const EMAIL_MAX = 254;

// Django's UnicodeUsernameValidator: letters, digits and @ . + - _
const USERNAME_PATTERN = /^[\p{L}\p{N}_.@+-]+$/u;
// Deliberately simple (RFC 5322 is not a validation spec): one @, a dot in the domain, no spaces.
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/u;

export const normaliseUsername = (username: string): string => username.normalize("NFKC").toLowerCase();

export function normaliseEmail(email: string): string {
  return email.trim().normalize("NFKC").toLowerCase();
}

export const USERNAME_TOO_LONG = `Ensure this field has no more than ${USERNAME_MAX} characters.`;

/** The stored form is NFKC, which can lengthen a name (U+3300 is four letters): measure that. */
export const usernameTooLong = (username: string): boolean => username.normalize("NFKC").length > USERNAME_MAX;

export function usernameProblem(username: string): string | undefined {
  if (username.length === 0) return "This field may not be blank.";
  if (usernameTooLong(username)) return USERNAME_TOO_LONG;
  if (!USERNAME_PATTERN.test(username.normalize("NFKC"))) {
    return "Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters.";
  }
  return undefined;
}

export function emailProblem(email: string): string | undefined {
  if (email.length > EMAIL_MAX) return `Ensure this field has no more than ${EMAIL_MAX} characters.`;
  if (!EMAIL_PATTERN.test(email.trim())) return "Enter a valid email address.";
  return undefined;
}

/**
 * A normalised identifier names one account across both namespaces, so a username that looks like
 * an email is allowed only when it is the user's own email (seed 002 registers exactly that).
 */
export function usernameEmailProblem(username: string, email: string | null): string | undefined {
  if (!username.includes("@")) return undefined;
  if (email && normaliseUsername(username) === normaliseEmail(email)) return undefined;
  return "A username that looks like an email address must be the account's own email.";
}

/** Identifiers under which the account can log in: its username and, if any, its email. */
export function loginIdentifiers(username: string, email: string | null): LoginIdentifiers {
  return { username: normaliseUsername(username), email: email ? normaliseEmail(email) : null };
}
