// One delivery through the hook, signed per the Standard Webhooks spec by the `standardwebhooks`
// package (webhook-id, webhook-timestamp, webhook-signature: v1,<base64 HMAC-SHA256 of
// "id.timestamp.body" under the whsec_ secret). Retries are bounded by the time Workers give
// waitUntil work after the response (30 s): 3 attempts, 1 s then 3 s apart, 5 s each at most.
import { Webhook } from "standardwebhooks";
import { encodeBase64Url, randomBytes } from "../crypto/bytes";
import type { Message } from "./message";

export interface RetryPolicy {
  attempts: number;
  /** Wait before attempt 2, 3, ... */
  backoffMs: number[];
  timeoutMs: number;
}

export const DELIVERY_RETRY: RetryPolicy = { attempts: 3, backoffMs: [1_000, 3_000], timeoutMs: 5_000 };

export type DeliveryResult = { ok: true; attempts: number } | { ok: false; attempts: number; lastFailure: string };

/** A 2xx answer is a delivery; anything else (or no answer in time) is retried, then reported. */
export async function postSigned(hook: { url: string; secret: string }, message: Message, policy = DELIVERY_RETRY): Promise<DeliveryResult> {
  const signer = new Webhook(hook.secret);
  const body = JSON.stringify(message);
  // The spec's idempotency key: the same on every attempt, so a receiver can drop duplicates.
  const id = `msg_${encodeBase64Url(randomBytes(16))}`;
  let lastFailure = "";
  for (let attempt = 1; attempt <= policy.attempts; attempt++) {
    if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, policy.backoffMs[attempt - 2] ?? 0));
    // Signed per attempt: receivers refuse timestamps more than 5 minutes old.
    const at = new Date();
    const headers = {
      "Content-Type": "application/json",
      "webhook-id": id,
      "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
      "webhook-signature": signer.sign(id, at, body),
    };
    try {
      const response = await fetch(hook.url, { method: "POST", headers, body, signal: AbortSignal.timeout(policy.timeoutMs) });
      await response.body?.cancel();
      if (response.ok) return { ok: true, attempts: attempt };
      lastFailure = `status ${response.status}`;
    } catch (error) {
      lastFailure = error instanceof Error ? error.name : "fetch failed";
    }
  }
  return { ok: false, attempts: policy.attempts, lastFailure };
}
