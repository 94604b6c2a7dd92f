// The delivery hook: each request is signed per the Standard Webhooks spec (the worker signs with
// WebCrypto), checked here with an independent implementation, the spec's own `standardwebhooks`
// package (pure-JS HMAC-SHA256 over "id.timestamp.body" under the base64 key after "whsec_");
// failures are retried a bounded number of times, then logged and audited, and never change the
// requester's answer.
import { Webhook } from "standardwebhooks";
import { afterEach, describe, expect, it, vi } from "vitest";
import { postSigned } from "../../src/delivery/webhook";
import { json } from "../helpers";
import { captureDeliveries, HOOK_SECRET, HOOK_URL, hookEnv, memoryLifecycle, registered } from "../accounts/lifecycle-support";

afterEach(() => vi.restoreAllMocks());

/** The library's verify: throws unless the signature (and a timestamp within 5 minutes) checks. */
function verifiedByLibrary(secret: string, body: string, headers: Record<string, string>): unknown {
  return new Webhook(secret).verify(body, headers);
}

const MESSAGE = { type: "password_reset" as const, to: "a@example.com", username: "a", token: "t".repeat(43), link: null, expires_at: "2026-11-25T12:30:00.000Z" };

describe("delivery hook", () => {
  it("POSTs the message as JSON with webhook-id, webhook-timestamp and a v1 signature that an independent HMAC reproduces", async () => {
    const deliveries = captureDeliveries();
    const h = memoryLifecycle();
    const user = await registered(h.send);
    await h.send("/auth/password/forgot", json({ email: user.email }));
    const [delivery] = deliveries;
    expect(delivery!.url).toBe(HOOK_URL);
    const { "webhook-id": id, "webhook-timestamp": timestamp, "webhook-signature": signature } = delivery!.headers;
    expect(delivery!.headers["content-type"]).toBe("application/json");
    expect(id).toMatch(/^msg_[A-Za-z0-9_-]{22}$/);
    expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(60);
    expect(signature).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    const signed = { "webhook-id": id!, "webhook-timestamp": timestamp!, "webhook-signature": signature! };
    expect(verifiedByLibrary(HOOK_SECRET, delivery!.body, signed)).toEqual(JSON.parse(delivery!.body));
    expect(() => verifiedByLibrary(HOOK_SECRET, delivery!.body.replace("password_reset", "password_resex"), signed)).toThrow("No matching signature found");
    expect(() => verifiedByLibrary(`whsec_${btoa("another key of 32 bytes, really.")}`, delivery!.body, signed)).toThrow("No matching signature found");
  });

  it("retries a failed delivery with the same webhook-id, and stops at the first 2xx", async () => {
    const deliveries = captureDeliveries([500, 503]);
    const result = await postSigned({ url: HOOK_URL, secret: HOOK_SECRET }, MESSAGE, { attempts: 3, backoffMs: [0, 0], timeoutMs: 1000 });
    expect(result).toEqual({ ok: true, attempts: 3 });
    expect(new Set(deliveries.map((d) => d.headers["webhook-id"])).size).toBe(1);
    expect(deliveries).toHaveLength(3);
  });

  it("gives up after three attempts and reports the last failure", async () => {
    captureDeliveries([500, 500, 502, 500]);
    expect(await postSigned({ url: HOOK_URL, secret: HOOK_SECRET }, MESSAGE, { attempts: 3, backoffMs: [0, 0], timeoutMs: 1000 })).toEqual({ ok: false, attempts: 3, lastFailure: "status 502" });
  });

  it("a hook that keeps failing leaves the answer 202 {} and is logged and audited as delivery_failed, without the token", async () => {
    const lines: string[] = [];
    for (const level of ["log", "warn", "error"] as const) vi.spyOn(console, level).mockImplementation((...args) => void lines.push(args.map(String).join(" ")));
    const deliveries = captureDeliveries([500, 500, 500]);
    const h = memoryLifecycle();
    const user = await registered(h.send);
    const response = await h.send("/auth/password/forgot", json({ email: user.email }));
    expect([response.status, await response.json()]).toEqual([202, {}]);
    expect(deliveries).toHaveLength(3);
    const failed = h.stores.audit.events.filter((e) => e.event === "delivery_failed");
    expect(failed.map((e) => [e.userId, e.detail])).toEqual([[user.user.id, { type: "password_reset", attempts: 3, last_failure: "status 500" }]]);
    expect(lines.map((l) => JSON.parse(l)).filter((l) => l.audit_event === "delivery_failed")).toHaveLength(1);
    for (const line of lines) expect(line).not.toContain(deliveries[0]!.payload.token);
  });

  it("refuses a hook secret that is not whsec_ + base64, and an http hook outside development (503 naming the setting)", async () => {
    for (const [vars, text] of [
      [{ DELIVERY_WEBHOOK_SECRET: "not-a-secret" }, "DELIVERY_WEBHOOK_SECRET must be whsec_ followed by the base64 of at least 16 bytes"],
      [{ DELIVERY_WEBHOOK_URL: "http://hooks.test.example/x" }, "DELIVERY_WEBHOOK_URL must be an https URL"],
      [{ DELIVERY_WEBHOOK_URL: "" }, "DELIVERY_WEBHOOK_URL is not set (DELIVERY_WEBHOOK_SECRET is)"],
    ] as const) {
      const h = memoryLifecycle(hookEnv(vars));
      const response = await h.send("/auth/password/forgot", json({ email: "someone@example.com" }));
      expect([response.status, await response.json()]).toEqual([503, { error: "temporarily_unavailable", error_description: `Message delivery is not configured: ${text}.` }]);
    }
  });
});
