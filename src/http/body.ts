// Request bodies: JSON only, as the README's Native API says (415 otherwise), 64 KiB at most (413),
// malformed JSON 400, and schema failures 400 with one message per field. Nothing is hashed or
// stored before the body has passed all of this.
//
// Schemas: write every request schema with zod/mini (`import * as z from "zod/mini"`; functions,
// not methods: z.optional(s), s.check(z.minLength(1, "..."))), never `from "zod"`: classic zod is
// not tree-shakable and alone was 760 KiB of the bundle (bench/README.md "Bundle and cold start").
// The OpenAPI document is generated from the same schemas at build time (src/openapi/).
import type { Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import * as z from "zod/mini";
import en from "zod/v4/locales/en.js";
import { AuthError } from "../errors";
import type { AppEnv } from "./types";

// zod/mini loads no locale; the English messages are the ones the answers have always carried
// (e.g. 'Unrecognized key: "admin"'), so field errors stay byte-identical.
z.config(en());

export const MAX_BODY_BYTES = 64 * 1024;

export const limitBody = bodyLimit({
  maxSize: MAX_BODY_BYTES,
  onError: () => {
    throw new AuthError("payload_too_large", `The request body is larger than ${MAX_BODY_BYTES} bytes.`);
  },
});

export const mediaType = (c: Context) => (c.req.header("Content-Type") ?? "").split(";")[0]!.trim().toLowerCase();
/** application/json or a structured syntax suffix (RFC 6839 §3.1), given a lower-cased media type. */
export const isJsonType = (type: string) => type === "application/json" || (type.startsWith("application/") && type.endsWith("+json"));
export const isJson = (c: Context) => isJsonType(mediaType(c));
export const isForm = (c: Context) => ["application/x-www-form-urlencoded", "multipart/form-data"].includes(mediaType(c));

export function invalidFields(fields: Record<string, string>): AuthError {
  return new AuthError("invalid_request", "The request has invalid fields.", { fields });
}

export function validate<S extends z.ZodMiniType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const fields: Record<string, string> = {};
  for (const issue of result.error.issues) {
    const name = issue.path.length > 0 ? String(issue.path[0]) : "body";
    fields[name] ??= issue.message;
  }
  throw invalidFields(fields);
}

async function readJsonValue(c: Context<AppEnv>): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new AuthError("invalid_request", "The request body is not valid JSON.");
  }
}

/** Nothing was sent: no Content-Type and no bytes. Not a form post (a form always names its type). */
async function sentNoBody(c: Context<AppEnv>): Promise<boolean> {
  return c.req.header("Content-Type") === undefined && (await c.req.text()) === "";
}

/**
 * Reads a JSON object body and validates it; an empty body counts as `{}`. With `emptyAllowed`
 * (an optional body on a request that is not cookie-authenticated), sending no body at all is
 * accepted too; a body of any other type is still 415.
 */
export async function readJson<S extends z.ZodMiniType>(c: Context<AppEnv>, schema: S, options: { emptyAllowed?: boolean } = {}): Promise<z.infer<S>> {
  if (!isJson(c)) {
    if (options.emptyAllowed && (await sentNoBody(c))) return validate(schema, {});
    throw new AuthError("unsupported_media_type", "Send the request body as application/json.");
  }
  const value = await readJsonValue(c);
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new AuthError("invalid_request", "The request body must be a JSON object.");
  }
  return validate(schema, value);
}

/** For the cookie-session dialects, whose clients post HTML forms as well as JSON. */
export async function readJsonOrForm<S extends z.ZodMiniType>(c: Context<AppEnv>, schema: S): Promise<z.infer<S>> {
  if (isJson(c)) return readJson(c, schema);
  if (!isForm(c)) throw new AuthError("unsupported_media_type", "Send the request body as application/json or a form.");
  let form: Record<string, string | File | (string | File)[]>;
  try {
    form = await c.req.parseBody();
  } catch {
    throw new AuthError("invalid_request", "The form body could not be parsed.");
  }
  const flat = Object.fromEntries(Object.entries(form).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]).filter(([, v]) => typeof v === "string"));
  return validate(schema, flat);
}
