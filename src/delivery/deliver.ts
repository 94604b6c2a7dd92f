// Sending the lifecycle's messages: after the response (waitUntil), through the webhook, or into
// the log in development when no hook is configured. A failure is logged and audited, and never
// reaches the requester (whose answer was sent already, and must not depend on the account).
import type { Context } from "hono";
import { audit } from "../audit/audit";
import { AuthError } from "../errors";
import { logEvent } from "../log";
import type { Runtime } from "../runtime";
import type { Message } from "./message";
import { postSigned } from "./webhook";

/** The routes that send messages refuse with 503 when they could not send one (fail closed, never a silent success). */
export function assertDeliveryUsable(rt: Runtime): void {
  const { delivery } = rt.config;
  if (delivery.kind !== "unusable") return;
  throw new AuthError("temporarily_unavailable", `Message delivery is not configured: ${delivery.problem}.`, {
    headers: { "Retry-After": "5" },
    reason: `delivery hook unusable: ${delivery.problem}`,
  });
}

/**
 * Development only (the config never chooses "log" elsewhere): the whole message, token included,
 * so that `npm start` users can follow the link. Written with console.log, past the log redactor,
 * which would otherwise blank the 256-bit token out of the line.
 */
function logForDevelopment(message: Message): void {
  console.log(JSON.stringify({ level: "info", event: "delivery_logged", note: "development only: no DELIVERY_WEBHOOK_URL, so the message is logged instead of sent", payload: message }));
}

async function send(rt: Runtime, message: Message, userId: string): Promise<void> {
  const { delivery } = rt.config;
  if (delivery.kind === "log") return logForDevelopment(message);
  if (delivery.kind !== "webhook") return;
  const result = await postSigned(delivery, message);
  if (result.ok) {
    logEvent("info", "delivery_sent", { type: message.type, user_id: userId, attempts: result.attempts });
    return;
  }
  await audit(rt, "delivery_failed", { userId, detail: { type: message.type, attempts: result.attempts, last_failure: result.lastFailure } }).catch((error) => {
    logEvent("error", "delivery_failure_not_audited", { user_id: userId, error: error instanceof AuthError ? error.reason : String(error) });
  });
}

/** The next macrotask: after the handler has returned its answer. */
const afterTheAnswer = () => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * Sends after the response; the requester's answer never waits for, or depends on, the hook. The
 * delivery starts only once the answer is out: not even its key import or signature runs before,
 * so an existing account's answer costs what an unknown one's does (only existing accounts get
 * messages; test/security/account-attacks.test.ts counts the work up to the answer).
 */
export function sendLater(c: Context, rt: Runtime, message: Message, userId: string): void {
  const task = afterTheAnswer().then(() => send(rt, message, userId)).catch((error) => logEvent("error", "delivery_crashed", { user_id: userId, error: error instanceof Error ? error.name : String(error) }));
  let ctx: { waitUntil(promise: Promise<unknown>): void } | undefined;
  try {
    ctx = c.executionCtx;
  } catch {
    // No ExecutionContext (an in-process app.request without one): the task still runs to its end.
  }
  ctx?.waitUntil(task);
}
