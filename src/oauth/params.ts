// OAuth request parameters: application/x-www-form-urlencoded as RFC 6749 §4 requires, and JSON
// (an object of strings) for clients that send it. readParams turns either encoding into one
// record (a parameter sent twice is refused, RFC 6749 §3.2 and RFC 7662 §2.1; an empty value counts
// as absent, §3.1; unknown parameters are kept and ignored by the schemas, §3.1); the schemas below
// then validate it, and the OpenAPI document is generated from these same schemas.
import type { Context } from "hono";
import * as z from "zod/mini";
import { AuthError } from "../errors";
import { isJsonType, mediaType } from "../http/body";
import { REFRESH_TOKEN_MAX } from "../http/fields";
import type { AppEnv } from "../http/types";

export type RawParams = Record<string, string>;

const invalid = (description: string) => new AuthError("invalid_request", description);

/** Every value here is a token, an id, a secret or a short word: the cap only stops abuse. */
const param = (name: string) =>
  z.string({ error: `The ${name} parameter is required.` }).check(z.minLength(1, `The ${name} parameter is required.`), z.maxLength(REFRESH_TOKEN_MAX, `The ${name} parameter is too long.`));

const optionalParam = (name: string, description: string) => z.optional(param(name)).check(z.describe(description));

/** client_secret_post (RFC 6749 §2.3.1); the route reads these before the rest (authentication first). */
export const clientParams = z.object({
  client_id: optionalParam("client_id", "Or HTTP Basic (RFC 6749 §2.3.1); a public client sends client_id alone."),
  client_secret: optionalParam("client_secret", "Or HTTP Basic; never both."),
});

const scope = optionalParam("scope", "Space-delimited scopes (RFC 6749 §3.3).");

/** Read first: an unknown grant is unsupported_grant_type, not a schema failure. */
export const grantTypeParams = z.object({ grant_type: param("grant_type") });

export const clientCredentialsParams = z.object({ ...clientParams.shape, grant_type: z.literal("client_credentials"), scope });
export const refreshTokenParams = z.object({ ...clientParams.shape, grant_type: z.literal("refresh_token"), refresh_token: param("refresh_token"), scope });
/** The document's view of POST /oauth/token; the handler validates per grant with the two above. */
export const tokenParams = z.discriminatedUnion("grant_type", [clientCredentialsParams, refreshTokenParams]);

// RFC 7662 §2.1 and RFC 7009 §2.1: the server may ignore the hint; tokens are told apart by shape.
const tokenTypeHint = optionalParam("token_type_hint", "access_token or refresh_token; optional, not needed.");
export const introspectParams = z.object({ ...clientParams.shape, token: param("token"), token_type_hint: tokenTypeHint });
export const revokeParams = z.object({ ...clientParams.shape, token: param("token"), token_type_hint: tokenTypeHint });

function fromForm(text: string): Map<string, string> {
  const params = new Map<string, string>();
  for (const [name, value] of new URLSearchParams(text)) {
    if (params.has(name)) throw invalid(`The ${name} parameter is sent more than once.`);
    params.set(name, value);
  }
  return params;
}

function fromJson(text: string): Map<string, string> {
  let value: unknown;
  try {
    value = text.trim() === "" ? {} : JSON.parse(text);
  } catch {
    value = null;
  }
  const notStrings = () => invalid("The parameters must be a JSON object of strings.");
  if (!value || typeof value !== "object" || Array.isArray(value)) throw notStrings();
  const params = new Map<string, string>();
  for (const [name, field] of Object.entries(value)) {
    if (typeof field !== "string") throw notStrings();
    params.set(name, field);
  }
  return params;
}

/** The request's parameters, either encoding, empty values dropped; validate with parseParams. */
export async function readParams(c: Context<AppEnv>): Promise<RawParams> {
  const type = mediaType(c);
  const form = type === "application/x-www-form-urlencoded";
  if (!form && !isJsonType(type)) throw new AuthError("unsupported_media_type", "Send the parameters as application/x-www-form-urlencoded or application/json.");
  const text = await c.req.text();
  const params = form ? fromForm(text) : fromJson(text);
  // Unknown parameters are capped too (they are ignored, but not at any size).
  for (const [name, value] of params) if (value.length > REFRESH_TOKEN_MAX) throw invalid(`The ${name} parameter is too long.`);
  // fromEntries defines own properties, so a "__proto__" parameter is only a name.
  return Object.fromEntries([...params].filter(([, value]) => value !== ""));
}

/** RFC 6749 §5.2: one invalid_request naming the first bad parameter (messages are sentences). */
export function parseParams<S extends z.ZodMiniType>(schema: S, params: RawParams): z.infer<S> {
  const result = schema.safeParse(params);
  if (result.success) return result.data;
  throw invalid(result.error.issues[0]!.message);
}
