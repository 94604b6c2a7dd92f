// Better Auth's configuration for the benchmark, shared by the Worker (src/worker.ts) and the
// schema generator (generate-schema.mjs), so the committed migration matches what runs.
// Defaults everywhere except where the benchmark needs parity with edge-auth (bench/README.md):
// - the built-in rate limiter is off, as edge-auth's limits are raised: the bench measures the
//   paths, not the throttle;
// - JWTs live an hour (edge-auth's JWT_EXPIRATION=3600), so one token serves a run's GET phases;
// - get-session does not also mint a JWT (`set-auth-jwt`, on by default with the plugin): the
//   session GET is measured alone and the mint has its own scenario. This makes its session GET
//   cheaper, never dearer.
import { jwt } from "better-auth/plugins/jwt";

export const ISSUER = "http://127.0.0.1";

/** @param {{ database: unknown, secret: string }} bindings */
export function betterAuthOptions({ database, secret }) {
  return {
    database,
    secret,
    baseURL: ISSUER,
    emailAndPassword: { enabled: true },
    rateLimit: { enabled: false },
    telemetry: { enabled: false },
    plugins: [jwt({ jwt: { expirationTime: "1h" }, disableSettingJwtHeader: true })],
  };
}
