// The administrator's request schemas: strict (an unknown field is a 400) and bounded in length,
// like every other body of the native API.
import * as z from "zod/mini";
import { EMAIL_MAX } from "../accounts/identifiers";
import { emailField } from "../http/fields";

export const PAGE_DEFAULT = 50;
export const PAGE_MAX = 200;
const CURSOR_MAX = 1024;
const ROLES_MAX = 32;
export const ROLE_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;

const unknownKeys = { error: (issue: { code?: string; keys?: string[] }) => (issue.code === "unrecognized_keys" ? `Unknown field: ${issue.keys?.join(", ")}.` : undefined) };

const limitMessage = `Must be a whole number from 1 to ${PAGE_MAX}.`;
const limitField = z._default(
  z.pipe(z.string().check(z.regex(/^[0-9]{1,4}$/, limitMessage)), z.transform(Number)).check(z.refine((n) => n >= 1 && n <= PAGE_MAX, limitMessage)),
  PAGE_DEFAULT,
);

const cursorField = z.optional(z.string().check(z.minLength(1, "This field may not be blank."), z.maxLength(CURSOR_MAX, "Invalid cursor.")));

const unique = (values: string[]) => new Set(values).size === values.length;

export const usersQuery = z.strictObject(
  { query: z.optional(z.string().check(z.maxLength(EMAIL_MAX, `Ensure this field has no more than ${EMAIL_MAX} characters.`))), limit: limitField, cursor: cursorField },
  unknownKeys,
);

export const auditQuery = z.strictObject(
  {
    user_id: z.optional(z.string().check(z.minLength(1, "This field may not be blank."), z.maxLength(64, "Ensure this field has no more than 64 characters."))),
    event: z.optional(z.string().check(z.regex(/^[a-z_]{1,64}$/, "Must be an event name."))),
    limit: limitField,
    cursor: cursorField,
  },
  unknownKeys,
);

const roleField = z.string({ error: "Must be a string." }).check(z.regex(ROLE_PATTERN, "A role is 1 to 64 letters, digits or _ . : -."));

export const userPatch = z
  .strictObject(
    {
      roles: z.optional(
        z
          .array(roleField, { error: "Must be a list of roles." })
          .check(z.maxLength(ROLES_MAX, `Ensure this field has no more than ${ROLES_MAX} roles.`), z.refine(unique, "Give each role once.")),
      ),
      is_active: z.optional(z.boolean({ error: "Must be true or false." })),
      email: z.optional(z.nullable(emailField)),
      email_verified: z.optional(z.boolean({ error: "Must be true or false." })),
    },
    unknownKeys,
  )
  .check(z.refine((patch) => Object.keys(patch).length > 0, "Send at least one of roles, is_active, email, email_verified."));

/** RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ). */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]{1,128}$/;
const SCOPES_MAX = 32;

export const clientBody = z.strictObject(
  {
    name: z
      .string({ error: (issue) => (issue.input === undefined ? "This field is required." : "Must be a string.") })
      .check(
        z.trim(),
        z.minLength(1, "This field may not be blank."),
        z.maxLength(100, "Ensure this field has no more than 100 characters."),
        z.refine((name) => !/\p{Cc}/u.test(name), "Must not contain control characters."),
      ),
    scopes: z
      .array(z.string().check(z.regex(SCOPE_TOKEN, "A scope is 1 to 128 printable ASCII characters without space, \" or \\ (RFC 6749 §3.3).")), {
        error: (issue) => (issue.input === undefined ? "This field is required." : "Must be a list of scopes."),
      })
      .check(z.maxLength(SCOPES_MAX, `Ensure this field has no more than ${SCOPES_MAX} scopes.`), z.refine(unique, "Give each scope once.")),
  },
  unknownKeys,
);
