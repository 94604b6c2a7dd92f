// Local development without ISSUER: the issuer is the origin this request reached, so a worker
// started on any port (`PORT=8795 npm start`, `wrangler dev --port`) issues tokens whose `iss`,
// and discovery whose endpoints, name that port. Only ENVIRONMENT=development gets here (config.ts):
// the Host header is the client's to choose, which production must never let pick the issuer.
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "./types";

export const developmentIssuer: MiddlewareHandler<AppEnv> = async (c, next) => {
  const rt = c.get("rt");
  if (rt.config.issuerFromRequest) c.set("rt", { ...rt, config: { ...rt.config, issuer: new URL(c.req.url).origin } });
  await next();
};
