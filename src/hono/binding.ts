// edgeAuthBinding(): the same protection through a Service Binding to edge-auth's AuthService
// entrypoint (`env.AUTH.verify(token)`): no network hop, and a revocation (logout, logout
// everywhere, a disabled user) is seen at once, as by edge-auth's own routes.
import { createMiddleware } from "hono/factory";
import type { Context, MiddlewareHandler } from "hono";
import { bearerToken, checkedRealm, holdsEvery, insufficientRole, requiredRoles, unauthorized, unavailable } from "./challenge";
import type { EdgeAuthBindingVariables } from "./types";

/** What AuthService.verify answers (src/gateway/auth-service.ts); a test holds the two together. */
export type VerifyAnswer =
  | { valid: true; userId: string; username: string; roles: string[]; sid: string; exp: number; iat: number }
  | { valid: false; reason: "missing_token" | "invalid_token" | "temporarily_unavailable" };

/** The part of `Service<AuthService>` this middleware calls. */
export interface AuthVerifier {
  verify(token: string): Promise<VerifyAnswer>;
}

export interface EdgeAuthBindingOptions {
  /** The binding's name in `env` (`[[services]] binding = "AUTH" ... entrypoint = "AuthService"`), or a function of the context. */
  binding: string | ((c: Context) => AuthVerifier);
  /** A role (or roles, all required) the user must hold now, else 403. */
  role?: string | string[];
  /** The `realm` of the WWW-Authenticate challenge; default "api". */
  realm?: string;
}

export function edgeAuthBinding(options: EdgeAuthBindingOptions): MiddlewareHandler<{ Variables: EdgeAuthBindingVariables }> {
  if (!options?.binding) throw new Error("edge-auth/hono: edgeAuthBinding() needs binding");
  const realm = checkedRealm(options.realm);
  const roles = requiredRoles(options.role);
  const { binding } = options;
  const verifierOf = typeof binding === "string" ? (c: Context) => (c.env as Record<string, AuthVerifier> | undefined)?.[binding] : binding;

  return createMiddleware<{ Variables: EdgeAuthBindingVariables }>(async (c, next) => {
    const token = bearerToken(c.req.header("Authorization"), realm);
    if (token === undefined) throw unauthorized(realm, false);
    const verifier = verifierOf(c);
    if (typeof verifier?.verify !== "function") throw new Error(`edge-auth/hono: env.${String(binding)} is not a Service Binding to AuthService`);
    let answer: VerifyAnswer;
    try {
      answer = await verifier.verify(token);
    } catch {
      // The binding itself failed (edge-auth not deployed, an exception crossing RPC): fail closed.
      throw unavailable();
    }
    if (!answer.valid) throw answer.reason === "temporarily_unavailable" ? unavailable() : unauthorized(realm, true);
    if (!holdsEvery(answer.roles, roles)) throw insufficientRole(realm);
    const { userId, username, roles: held, sid, exp, iat } = answer;
    c.set("auth", { sub: userId, username, roles: held, sid, exp, iat });
    await next();
  });
}
