// OAuth request parameters: application/x-www-form-urlencoded as RFC 6749 §4 requires, and JSON
// (an object of strings) for clients that send it. A parameter sent twice is refused (RFC 6749
// §3.2, RFC 7662 §2.1), and so is a value longer than any token this service issues could be.
import type { Context } from "hono";
import { AuthError } from "../errors";
import { isJsonType, mediaType } from "../http/body";
import { REFRESH_TOKEN_MAX } from "../http/fields";
import type { AppEnv } from "../http/types";

export type Params = Map<string, string>;

const invalid = (description: string) => new AuthError("invalid_request", description);

function fromForm(text: string): Params {
  const params: Params = new Map();
  for (const [name, value] of new URLSearchParams(text)) {
    if (params.has(name)) throw invalid(`The ${name} parameter is sent more than once.`);
    params.set(name, value);
  }
  return params;
}

function fromJson(text: string): Params {
  let value: unknown;
  try {
    value = text.trim() === "" ? {} : JSON.parse(text);
  } catch {
    value = null;
  }
  const notStrings = () => invalid("The parameters must be a JSON object of strings.");
  if (!value || typeof value !== "object" || Array.isArray(value)) throw notStrings();
  // One pass straight into the Map (introspection reads parameters on every gateway request).
  const params: Params = new Map();
  for (const name in value) {
    const field = (value as Record<string, unknown>)[name];
    if (typeof field !== "string") throw notStrings();
    params.set(name, field);
  }
  return params;
}

export async function readParams(c: Context<AppEnv>): Promise<Params> {
  const type = mediaType(c);
  const form = type === "application/x-www-form-urlencoded";
  if (!form && !isJsonType(type)) throw new AuthError("unsupported_media_type", "Send the parameters as application/x-www-form-urlencoded or application/json.");
  const text = await c.req.text();
  const params = form ? fromForm(text) : fromJson(text);
  for (const [name, value] of params) {
    // Every value here is a token, an id, a secret or a short word: the cap only stops abuse.
    if (value.length > REFRESH_TOKEN_MAX) throw invalid(`The ${name} parameter is too long.`);
  }
  return params;
}

/** A parameter's value; an empty value counts as absent (RFC 6749 §3.1). */
export function optional(params: Params, name: string): string | undefined {
  const value = params.get(name);
  return value === undefined || value === "" ? undefined : value;
}

export function required(params: Params, name: string): string {
  const value = optional(params, name);
  if (value === undefined) throw invalid(`The ${name} parameter is required.`);
  return value;
}
