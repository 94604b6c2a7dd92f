// Hono's environment for edge-auth: bindings from `wrangler types`, and per-request variables.
import type { AuthError } from "../errors";
import type { Runtime } from "../runtime";

/** How a profile renders an AuthError in its seed's dialect; the native shape is the default. */
export type ErrorShape = (error: AuthError) => { status: number; body: unknown; headers?: Record<string, string> };

export interface AppEnv {
  Bindings: Env;
  Variables: {
    rt: Runtime;
    errorShape?: ErrorShape;
  };
}
