// What every profile shares: the gate that answers the native 404 when PROFILES leaves the profile
// out (config is per request, so every route group is mounted and gated here), and installs the
// profile's error dialect for the rest of the request. It is middleware on the profile's paths, so
// it also runs before a 404/405 there: a wrong method gets the profile's dialect, or 404 if off.
import type { MiddlewareHandler } from "hono";
import { profileEnabled } from "../config";
import { AuthError } from "../errors";
import type { AppEnv, ErrorShape } from "../http/types";

/** The names PROFILES accepts (comma-separated; "all" is the default). */
export const PROFILE_NAMES = ["cookie-session", "simplejwt", "bearer-api", "v1-api", "session-api"] as const;
export type ProfileName = (typeof PROFILE_NAMES)[number];

export function profileGate(name: ProfileName, shape: ErrorShape): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!profileEnabled(c.get("rt").config, name)) throw new AuthError("not_found", "No such endpoint.");
    c.set("errorShape", shape);
    await next();
  };
}

/** Django REST framework's dialect: field errors as `{ field: [message] }`, others `{ detail }`. */
export function drfError(error: AuthError): { status: number; body: unknown } {
  if (error.code === "invalid_request" && error.fields) {
    return { status: 400, body: Object.fromEntries(Object.entries(error.fields).map(([name, message]) => [name, [message]])) };
  }
  if (error.code === "conflict") {
    return { status: 400, body: { non_field_errors: ["A user with that username or email already exists."] } };
  }
  return { status: error.status, body: { detail: error.message } };
}
