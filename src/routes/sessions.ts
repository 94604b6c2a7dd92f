// A user's own sessions (README "Sessions", docs/sessions.md): GET /auth/sessions lists every live
// one, whichever API shape opened it; DELETE /auth/sessions/{id} ends one. Authenticated as
// /auth/me is (bearer, else the native access cookie); a cookie-authenticated DELETE must come
// from an allowed Origin.
import { Hono } from "hono";
import { AuthError } from "../errors";
import { authenticateRequest } from "../http/access";
import { clearTokenCookies } from "../http/cookies";
import { assertSameOriginForCookie } from "../http/origin";
import type { AppEnv } from "../http/types";
import { endUserSession, listUserSessions } from "../sessions/session-index";

export const sessionRoutes = new Hono<AppEnv>()
  .get("/sessions", async (c) => {
    const { claims } = await authenticateRequest(c);
    const sessions = await listUserSessions(c.get("rt"), claims.sub);
    c.header("Cache-Control", "no-store");
    return c.json({
      sessions: sessions.map(({ id, client_id, created_at, last_used_at, expires_at, user_agent }) => ({
        id, client_id, created_at, last_used_at, expires_at, current: id === claims.sid, user_agent,
      })),
    });
  })
  .delete("/sessions/:id", async (c) => {
    const { claims, via } = await authenticateRequest(c);
    if (via === "cookie") assertSameOriginForCookie(c);
    const sid = c.req.param("id");
    // Another user's session, an ended one and a made-up id answer alike: nothing to probe.
    if (!(await endUserSession(c.get("rt"), claims.sub, sid, "deleted_by_user"))) throw new AuthError("not_found", "No such session.");
    if (sid === claims.sid) clearTokenCookies(c);
    c.header("Cache-Control", "no-store");
    return c.body(null, 204);
  });
