// Field schemas shared by the native API and the profiles. Lengths are capped before any work:
// a password over 1024 bytes is refused here, before it can reach the KDF.
import * as z from "zod/mini";
import { PASSWORD_MAX_BYTES } from "../accounts/password-policy";
import { EMAIL_MAX, USERNAME_TOO_LONG, usernameTooLong } from "../accounts/identifiers";
import { utf8 } from "../crypto/bytes";

const required = (what = "string") => (issue: { input: unknown }) =>
  issue.input === undefined || issue.input === null ? "This field is required." : `Must be a ${what}.`;

export const passwordField = z
  .string({ error: required() })
  .check(z.minLength(1, "This field may not be blank."), z.refine((p) => utf8(p).byteLength <= PASSWORD_MAX_BYTES, `Ensure this field has no more than ${PASSWORD_MAX_BYTES} bytes.`));

/** Counted after NFKC, as stored: one U+3300 is four letters (the body cap bounds the work). */
export const usernameField = z.string({ error: required() }).check(z.refine((u) => !usernameTooLong(u), USERNAME_TOO_LONG));

export const emailField = z.string({ error: required() }).check(z.maxLength(EMAIL_MAX, `Ensure this field has no more than ${EMAIL_MAX} characters.`));

/** A login identifier: a username or an email, whichever is longer allowed. */
export const identifierField = z
  .string({ error: required() })
  .check(z.minLength(1, "This field may not be blank."), z.maxLength(EMAIL_MAX, `Ensure this field has no more than ${EMAIL_MAX} characters.`));

/**
 * Our refresh tokens are 134 characters, but a wrong token must be answered as wrong (401 in the
 * dialect), not as oversized: clients paste access tokens (about 800 characters) or other
 * services' tokens here. The cap only stops abuse, far above any real token.
 */
export const REFRESH_TOKEN_MAX = 8192;

export const refreshTokenField = z
  .string({ error: required() })
  .check(z.minLength(1, "This field may not be blank."), z.maxLength(REFRESH_TOKEN_MAX, `Ensure this field has no more than ${REFRESH_TOKEN_MAX} characters.`));
