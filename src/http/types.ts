// Hono's environment for edge-auth: bindings from `wrangler types`, and per-request variables.
import type { AuthError } from "../errors";
import type { Runtime } from "../runtime";
import type { UserRecord } from "../storage/ports";

/** How a profile renders an AuthError in its seed's dialect; the native shape is the default. */
export type ErrorShape = (error: AuthError) => { status: number; body: unknown; headers?: Record<string, string> };

export interface AppEnv {
  Bindings: Env;
  Variables: {
    rt: Runtime;
    errorShape?: ErrorShape;
    /** The acting administrator, set by http/admin-guard.ts on /admin routes. */
    admin?: UserRecord;
  };
}
