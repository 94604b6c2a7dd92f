// The Service Binding entrypoint: another Worker bound to this one (`services = [{ binding =
// "AUTH", service = "edge-auth", entrypoint = "AuthService" }]`) calls `env.AUTH.verify(token)`
// with no network hop. `verify` has forward auth's core (gateway/identity.ts), `introspect` that of
// POST /oauth/introspect (oauth/introspection.ts); answers are plain objects and a bad token is an
// answer, never an exception. Both fail closed: on a storage fault or an unusable configuration
// `verify` answers `temporarily_unavailable` and `introspect` throws (RFC 7662's object has no
// place for "could not tell", and `active: false` would hide the outage), never valid/active.
import { WorkerEntrypoint } from "cloudflare:workers";
import { isAuthError, unavailable } from "../errors";
import { logEvent } from "../log";
import { introspectToken, type Introspection } from "../oauth/introspection";
import { buildRuntime, type Runtime, type RuntimeOptions } from "../runtime";
import { gatewayIdentity, type GatewayIdentity } from "./identity";

export type VerifyAnswer = ({ valid: true } & GatewayIdentity) | { valid: false; reason: "missing_token" | "invalid_token" | "temporarily_unavailable" };

/** Far above any access token we issue (about 800 characters); a longer value is not parsed. */
const TOKEN_MAX = 8192;

export class AuthService extends WorkerEntrypoint<Env> {
  constructor(ctx: ExecutionContext, env: Env, private readonly options: RuntimeOptions = {}) {
    super(ctx, env);
  }

  async verify(token: string): Promise<VerifyAnswer> {
    if (typeof token !== "string" || token === "") return { valid: false, reason: "missing_token" };
    if (token.length > TOKEN_MAX) return { valid: false, reason: "invalid_token" };
    const rt = await this.runtime();
    if (!rt) return { valid: false, reason: "temporarily_unavailable" };
    try {
      return { valid: true, ...(await gatewayIdentity(rt, token)) };
    } catch (error) {
      if (!isAuthError(error)) throw error;
      if (error.status >= 500) logEvent("error", "rpc_refused", { method: "verify", code: error.code, reason: error.reason });
      return { valid: false, reason: error.code === "invalid_token" ? "invalid_token" : "temporarily_unavailable" };
    }
  }

  async introspect(token: string): Promise<Introspection> {
    if (typeof token !== "string" || token === "" || token.length > TOKEN_MAX) return { active: false };
    const rt = await this.runtime();
    try {
      if (!rt) throw unavailable("ISSUER is empty");
      return await introspectToken(rt, token);
    } catch (error) {
      if (!isAuthError(error)) throw error;
      logEvent("error", "rpc_refused", { method: "introspect", code: error.code, reason: error.reason });
      // Only the code and sentence cross the binding; the reason stays in this log.
      throw new Error(`${error.code}: ${error.message}`);
    }
  }

  /** Null when this call cannot know the issuer: in development without ISSUER it is each request's origin, and an RPC call has none. */
  private async runtime(): Promise<Runtime | null> {
    const rt = await buildRuntime(this.env, this.options);
    if (!rt.config.issuerFromRequest) return rt;
    logEvent("error", "rpc_refused", { reason: "ISSUER is empty: a Service Binding call has no origin to take the issuer from; set ISSUER" });
    return null;
  }
}
