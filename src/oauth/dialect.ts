// The OAuth endpoints' error dialect (RFC 6749 §5.2, RFC 7009 §2.2.1, RFC 7662 §2.3): a body of
// `error` and `error_description` only, 400 for every request error (invalid_grant included,
// though the native API answers it 401), 401 invalid_client with a Basic challenge, and
// `Cache-Control: no-store` + `Pragma: no-cache` (RFC 6749 §5.1) on every answer.
import type { MiddlewareHandler } from "hono";
import type { AuthError } from "../errors";
import type { AppEnv, ErrorShape } from "../http/types";

/** RFC 7617 §2: the realm is required; the same realm as the Bearer challenges. */
export const BASIC_CHALLENGE = 'Basic realm="edge-auth"';

export const NO_CACHE = { "Cache-Control": "no-store", Pragma: "no-cache" } as const;

function description(error: AuthError): string {
  // Field messages (a schema failure) become one sentence: OAuth clients read error_description.
  const fields = Object.entries(error.fields ?? {});
  return fields.length > 0 ? fields.map(([name, message]) => `${name}: ${message}`).join(" ") : error.message;
}

export const oauthErrorShape: ErrorShape = (error) => {
  if (error.code === "unsupported_media_type") {
    return { status: 400, body: { error: "invalid_request", error_description: "Send the parameters as application/x-www-form-urlencoded or application/json." }, headers: NO_CACHE };
  }
  const status = error.code === "invalid_grant" || error.code === "invalid_credentials" ? 400 : error.status;
  const challenge = error.code === "invalid_client" ? { "WWW-Authenticate": BASIC_CHALLENGE } : {};
  return { status, body: { error: error.code, error_description: description(error) }, headers: { ...NO_CACHE, ...challenge } };
};

/** Installed on /oauth/* before anything else can refuse the request (as the profiles' gates). */
export const oauthDialect: MiddlewareHandler<AppEnv> = async (c, next) => {
  c.set("errorShape", oauthErrorShape);
  await next();
};
