// One delivery through the hook, signed per the Standard Webhooks spec (webhook-id,
// webhook-timestamp, webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body" under the
// key bytes of the whsec_ secret) with WebCrypto: the `standardwebhooks` package did the same in
// pure JavaScript (its SHA-256 and base64, 27 KiB of the bundle) and now checks our signatures in
// test/delivery/webhook.test.ts. Retries are bounded by the time Workers give waitUntil work after
// the response (30 s): 3 attempts, 1 s then 3 s apart, 5 s each at most.
import { encodeBase64Url, hmac, importHmacKey, randomBytes } from "../crypto/bytes";
import type { Message } from "./message";

export interface RetryPolicy {
  attempts: number;
  /** Wait before attempt 2, 3, ... */
  backoffMs: number[];
  timeoutMs: number;
}

export const DELIVERY_RETRY: RetryPolicy = { attempts: 3, backoffMs: [1_000, 3_000], timeoutMs: 5_000 };

export type DeliveryResult = { ok: true; attempts: number } | { ok: false; attempts: number; lastFailure: string };

/** The secret is "whsec_" and the base64 of the key bytes (its shape is checked by config.ts). */
const webhookKey = (secret: string) => importHmacKey(Uint8Array.from(atob(secret.slice("whsec_".length)), (c) => c.charCodeAt(0)));

/** Standard Webhooks, "Signature scheme": v1, then the base64 (not base64url) HMAC-SHA256. */
export async function webhookSignature(key: CryptoKey, id: string, timestamp: string, body: string): Promise<string> {
  return `v1,${btoa(String.fromCharCode(...(await hmac(key, `${id}.${timestamp}.${body}`))))}`;
}

/** A 2xx answer is a delivery; anything else (or no answer in time) is retried, then reported. */
export async function postSigned(hook: { url: string; secret: string }, message: Message, policy = DELIVERY_RETRY): Promise<DeliveryResult> {
  const key = await webhookKey(hook.secret);
  const body = JSON.stringify(message);
  // The spec's idempotency key: the same on every attempt, so a receiver can drop duplicates.
  const id = `msg_${encodeBase64Url(randomBytes(16))}`;
  let lastFailure = "";
  for (let attempt = 1; attempt <= policy.attempts; attempt++) {
    if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, policy.backoffMs[attempt - 2] ?? 0));
    // Signed per attempt: receivers refuse timestamps more than 5 minutes old.
    const timestamp = String(Math.floor(Date.now() / 1000));
    const headers = { "Content-Type": "application/json", "webhook-id": id, "webhook-timestamp": timestamp, "webhook-signature": await webhookSignature(key, id, timestamp, body) };
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
