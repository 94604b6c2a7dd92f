// Authentication for every /admin route: the access token (bearer, else the native access cookie)
// as verifyAccess checks it, then the role decision of admin/authorize.ts on the stored user. A
// cookie-authenticated unsafe request must also come from this service or an allowed origin.
import type { MiddlewareHandler } from "hono";
import { assertAdmin } from "../admin/authorize";
import { authenticateRequest } from "./access";
import { assertSameOriginForCookie } from "./origin";
import type { AppEnv } from "./types";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export const requireAdmin: MiddlewareHandler<AppEnv> = async (c, next) => {
  const { user, via } = await authenticateRequest(c);
  if (via === "cookie" && !SAFE_METHODS.has(c.req.method)) assertSameOriginForCookie(c);
  assertAdmin(user);
  c.set("admin", user);
  await next();
};
