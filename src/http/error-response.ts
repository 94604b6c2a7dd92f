// The one place an error becomes a Response. Internal reasons go to the log, never to the wire;
// anything that is not an AuthError is a bug and answers a bare 500 server_error.
import type { Context } from "hono";
import { AuthError, isAuthError } from "../errors";
import { logEvent } from "../log";
import type { AppEnv, ErrorShape } from "./types";

/** RFC 6750 §3: a quoted-string may not hold `"` or `\`; our values never contain them. */
function bearerChallenge(error: AuthError, realm: string): string {
  if (!error.tokenPresented) return `Bearer realm="${realm}"`;
  return `Bearer realm="${realm}", error="invalid_token", error_description="${error.message}"`;
}

export const nativeErrorShape: ErrorShape = (error) => ({
  status: error.status,
  body: {
    error: error.code,
    error_description: error.message,
    ...(error.fields ? { fields: error.fields } : {}),
  },
});

export function toErrorResponse(c: Context<AppEnv>, thrown: unknown): Response {
  const error = isAuthError(thrown) ? thrown : new AuthError("server_error", "The server could not complete the request.", { cause: thrown });
  if (!isAuthError(thrown)) {
    logEvent("error", "unhandled_error", { path: c.req.path, error: thrown instanceof Error ? `${thrown.name}: ${thrown.message}` : String(thrown) });
  } else if (error.status >= 500 || error.reason) {
    logEvent(error.status >= 500 ? "error" : "info", "request_refused", { path: c.req.path, code: error.code, reason: error.reason });
  }
  const shape = c.get("errorShape") ?? nativeErrorShape;
  const { status, body, headers } = shape(error);
  const response = c.json(body as object, status as 400);
  response.headers.set("Cache-Control", "no-store");
  for (const [name, value] of Object.entries({ ...error.headers, ...headers })) response.headers.set(name, value);
  if (error.code === "invalid_token" && !response.headers.has("WWW-Authenticate")) {
    response.headers.set("WWW-Authenticate", bearerChallenge(error, "edge-auth"));
  }
  return response;
}
