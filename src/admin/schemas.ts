// The administrator's request schemas: strict (an unknown field is a 400) and bounded in length,
// like every other body of the native API.
import { z } from "zod";
import { EMAIL_MAX } from "../accounts/identifiers";
import { emailField } from "../http/fields";

export const PAGE_DEFAULT = 50;
export const PAGE_MAX = 200;
const CURSOR_MAX = 1024;
const ROLES_MAX = 32;
export const ROLE_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;

const unknownKeys = { error: (issue: { code?: string; keys?: string[] }) => (issue.code === "unrecognized_keys" ? `Unknown field: ${issue.keys?.join(", ")}.` : undefined) };

const limitField = z
  .string()
  .regex(/^[0-9]{1,4}$/, `Must be a whole number from 1 to ${PAGE_MAX}.`)
  .transform(Number)
  .refine((n) => n >= 1 && n <= PAGE_MAX, `Must be a whole number from 1 to ${PAGE_MAX}.`)
  .default(PAGE_DEFAULT);

const cursorField = z.string().min(1, "This field may not be blank.").max(CURSOR_MAX, "Invalid cursor.").optional();

const unique = (values: string[]) => new Set(values).size === values.length;

export const usersQuery = z.strictObject(
  { query: z.string().max(EMAIL_MAX, `Ensure this field has no more than ${EMAIL_MAX} characters.`).optional(), limit: limitField, cursor: cursorField },
  unknownKeys,
);

export const auditQuery = z.strictObject(
  {
    user_id: z.string().min(1, "This field may not be blank.").max(64, "Ensure this field has no more than 64 characters.").optional(),
    event: z.string().regex(/^[a-z_]{1,64}$/, "Must be an event name.").optional(),
    limit: limitField,
    cursor: cursorField,
  },
  unknownKeys,
);

const roleField = z.string({ error: "Must be a string." }).regex(ROLE_PATTERN, "A role is 1 to 64 letters, digits or _ . : -.");

export const userPatch = z
  .strictObject(
    {
      roles: z
        .array(roleField, { error: "Must be a list of roles." })
        .max(ROLES_MAX, `Ensure this field has no more than ${ROLES_MAX} roles.`)
        .refine(unique, "Give each role once.")
        .optional(),
      is_active: z.boolean({ error: "Must be true or false." }).optional(),
      email: emailField.nullable().optional(),
      email_verified: z.boolean({ error: "Must be true or false." }).optional(),
    },
    unknownKeys,
  )
  .refine((patch) => Object.keys(patch).length > 0, "Send at least one of roles, is_active, email, email_verified.");

/** RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ). */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]{1,128}$/;
const SCOPES_MAX = 32;

export const clientBody = z.strictObject(
  {
    name: z
      .string({ error: (issue) => (issue.input === undefined ? "This field is required." : "Must be a string.") })
      .trim()
      .min(1, "This field may not be blank.")
      .max(100, "Ensure this field has no more than 100 characters.")
      .refine((name) => !/\p{Cc}/u.test(name), "Must not contain control characters."),
    scopes: z
      .array(z.string().regex(SCOPE_TOKEN, "A scope is 1 to 128 printable ASCII characters without space, \" or \\ (RFC 6749 §3.3)."), {
        error: (issue) => (issue.input === undefined ? "This field is required." : "Must be a list of scopes."),
      })
      .max(SCOPES_MAX, `Ensure this field has no more than ${SCOPES_MAX} scopes.`)
      .refine(unique, "Give each scope once."),
  },
  unknownKeys,
);
