// Forward auth: GET (or any method) /auth/verify, the sub-request nginx auth_request, Caddy
// forward_auth and Traefik ForwardAuth make before each request they pass on (docs/gateways.md).
// 200 with the X-Auth-* headers and no body; 401 with WWW-Authenticate; 403 for a missing role.
// The access cookie is read with no Origin check: this answer changes nothing and reaches only
// the gateway, and whether the original request may change state is the upstream's rule.
import { Hono } from "hono";
import * as z from "zod/mini";
import { AuthError } from "../errors";
import { gatewayIdentity, holdsEvery, identityHeaders } from "../gateway/identity";
import { bearerToken, noCredentials } from "../http/access";
import { validate } from "../http/body";
import { accessCookie } from "../http/cookies";
import type { AppEnv } from "../http/types";

const roleField = z.string().check(z.minLength(1, "This field may not be blank."), z.maxLength(100, "Ensure this field has no more than 100 characters."));
export const roleQuery = z.object({ role: z._default(z.array(roleField), []) });

export const verifyRoutes = new Hono<AppEnv>().all("/verify", async (c) => {
  const bearer = bearerToken(c);
  const token = bearer ?? accessCookie(c, noCredentials);
  if (!token) throw noCredentials();
  // The token is checked before the query, so a request without one is 401 whatever it asks for.
  const identity = await gatewayIdentity(c.get("rt"), token);
  const { role } = validate(roleQuery, { role: c.req.queries("role") });
  if (!holdsEvery(identity, role)) throw new AuthError("forbidden", "This account lacks the role this resource requires.", { reason: `needs ${role.join(",")}` });
  // A gateway that caches sub-requests must not answer one user's request with another's verdict.
  c.header("Cache-Control", "no-store");
  for (const [name, value] of Object.entries(identityHeaders(identity))) c.header(name, value);
  return c.body(null, 200);
});
