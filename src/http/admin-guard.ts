// Authentication for every /admin route: the access token (bearer, else the native access cookie)
// as verifyAccess checks it, then the role decision of admin/authorize.ts on the stored user. A
// cookie-authenticated unsafe request must also come from this service or an allowed origin.
import type { MiddlewareHandler } from "hono";
import { assertAdmin } from "../admin/authorize";
import { AuthError } from "../errors";
import { authenticateRequest } from "./access";
import { assertSameOriginForCookie } from "./origin";
import type { AppEnv } from "./types";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export const requireAdmin: MiddlewareHandler<AppEnv> = async (c, next) => {
  const { claims, via } = await authenticateRequest(c);
  if (via === "cookie" && !SAFE_METHODS.has(c.req.method)) assertSameOriginForCookie(c);
  // verifyAccess's row may come from the per-isolate read cache (up to READ_CACHE_MS old when the
  // change was made elsewhere: another isolate, `npm run admin`). Admin calls are rare and a
  // demotion must hold at once, so the decision is taken on the row as D1 has it now.
  const user = await c.get("rt").stores.directory.findUser(claims.sub);
  if (!user || !user.isActive || user.tokenVersion !== claims.ver) {
    throw new AuthError("invalid_token", "The access token is invalid or has expired.", { reason: "user gone, disabled or logged out everywhere" });
  }
  assertAdmin(user);
  c.set("admin", user);
  await next();
};
