// An API behind edge-auth: a Hono Worker whose routes accept edge-auth's access tokens.
// /orders verifies them offline against the JWKS (no call to edge-auth per request; a logout is
// seen when the token expires); /live/orders asks edge-auth over the Service Binding (a logout is
// seen at once); /admin/report also requires the "admin" role.
import { Hono } from "hono";
import { edgeAuth, edgeAuthBinding, type AuthVerifier, type EdgeAuthIdentity } from "edge-auth/hono";

interface Env {
  ISSUER: string; // edge-auth's ISSUER, e.g. https://auth.example.com
  AUDIENCE: string; // edge-auth's AUDIENCE, e.g. https://api.example.com
  AUTH: AuthVerifier; // [[services]] binding = "AUTH", service = "edge-auth", entrypoint = "AuthService"
}

const app = new Hono<{ Bindings: Env; Variables: { auth: EdgeAuthIdentity } }>();

// Options from env: read on the first request, then kept (so is the JWKS cache, per isolate).
app.use("/orders/*", edgeAuth((env: Env) => ({ issuer: env.ISSUER, audience: env.AUDIENCE, algorithms: ["RS256"] })));
app.use("/live/*", edgeAuthBinding({ binding: "AUTH" }));
app.use("/admin/*", edgeAuthBinding({ binding: "AUTH", role: "admin" }));

const whoIsCalling = (auth: EdgeAuthIdentity) => ({ user: auth.sub, username: auth.username, roles: auth.roles });

app.get("/orders", (c) => c.json({ orders: [], ...whoIsCalling(c.get("auth")), verified: "offline (JWKS)" }));
app.get("/live/orders", (c) => c.json({ orders: [], ...whoIsCalling(c.get("auth")), verified: "edge-auth (Service Binding)" }));
app.get("/admin/report", (c) => c.json({ report: "ok", ...whoIsCalling(c.get("auth")) }));

export default app;
