// The compatibility profiles (docs/profiles.md), one route group per seed in test/seeds/.
export { cookieSessionRoutes } from "./cookie-session";
export { simpleJwtRoutes } from "./simplejwt";
export { bearerApiRoutes } from "./bearer-api";
export { v1ApiRoutes } from "./v1-api";
export { sessionApiRoutes } from "./session-api";

import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../http/types";
import { bearerApiShape } from "./bearer-api";
import { cookieSessionShape } from "./cookie-session";
import { profileGate } from "./gate";
import { sessionApiShape } from "./session-api";
import { simpleJwtShape } from "./simplejwt";
import { v1ApiShape } from "./v1-api";

/**
 * Every profile path pattern with its gate, for app.ts to run before CORS and the body limit: a
 * refused preflight or an oversized body on a profile's path then answers in that profile's
 * dialect too. The route groups are mounted only through createApp, so this is their one gate.
 */
export const PROFILE_GATES: [path: string, gate: MiddlewareHandler<AppEnv>][] = [
  ["/accounts/*", profileGate("cookie-session", cookieSessionShape)],
  ["/api/token/*", profileGate("simplejwt", simpleJwtShape)],
  ["/api/auth/*", profileGate("bearer-api", bearerApiShape)],
  ["/api/v1/auth/*", profileGate("v1-api", v1ApiShape)],
  ...["/api/register/", "/api/login/", "/api/logout/", "/api/user/"].map((path): [string, MiddlewareHandler<AppEnv>] => [path, profileGate("session-api", sessionApiShape)]),
];
