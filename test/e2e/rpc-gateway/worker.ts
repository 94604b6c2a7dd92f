// A gateway Worker bound to edge-auth by a Service Binding: it asks AuthService over RPC (no
// network hop) before passing a request on, and tells the API who is calling.
import type { AuthService } from "../../../src/index";

interface GatewayEnv {
  AUTH: Service<AuthService>; // entrypoint = "AuthService"
  EDGE_AUTH: Fetcher; // edge-auth's HTTP API, through the same binding mechanism
}

export default {
  async fetch(request: Request, env: GatewayEnv): Promise<Response> {
    const url = new URL(request.url);
    const token = /^Bearer (.+)$/i.exec(request.headers.get("Authorization") ?? "")?.[1] ?? "";
    // The RFC 7662 answer, as POST /oauth/introspect gives it (it throws when edge-auth cannot tell).
    if (url.pathname === "/introspection") return Response.json(await env.AUTH.introspect(token));
    // Everything outside /api/ (login, logout, ...) is edge-auth's own HTTP API.
    if (!url.pathname.startsWith("/api/")) return env.EDGE_AUTH.fetch(request);
    const answer = await env.AUTH.verify(token);
    if (!answer.valid) {
      const status = answer.reason === "temporarily_unavailable" ? 503 : 401;
      return Response.json({ error: answer.reason }, { status, headers: status === 401 ? { "WWW-Authenticate": 'Bearer realm="api"' } : {} });
    }
    // The API this gateway fronts; here it answers what it would be told.
    return Response.json({ path: url.pathname, user: answer.userId, username: answer.username, roles: answer.roles, session: answer.sid });
  },
};
