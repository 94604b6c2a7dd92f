// The Worker entry point: the Hono app answers requests; the Cron Trigger runs retention;
// AuthService is the named entrypoint other Workers call over a Service Binding (RPC).
import { createApp } from "./app";
import { runRetention } from "./audit/retention";

export { createApp };
export { AuthService } from "./gateway/auth-service";

const app = createApp();

const worker: ExportedHandler<Env> = {
  fetch: app.fetch,
  // Awaited rather than waitUntil'd: the run's outcome is then the trigger's outcome in the logs.
  scheduled: (controller, env) => runRetention(env, controller.scheduledTime),
};

export default worker;
