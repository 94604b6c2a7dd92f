// The account lifecycle end to end, against the worker started as `npm start` starts it, with a
// real webhook receiver (node:http on a loopback port) that checks each Standard Webhooks
// signature with node:crypto, independently of the worker's WebCrypto signing:
// HMAC-SHA256 over "id.timestamp.body" with the base64 key after "whsec_", header "v1,<base64>".
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, startWorker, type RunningWorker } from "./worker";

const SECRET = `whsec_${randomBytes(32).toString("base64")}`;

interface Received {
  valid: boolean;
  headers: Record<string, string | string[] | undefined>;
  payload: { type: string; to: string; username: string; token: string; link: string | null; expires_at: string };
}

function signatureValid(id: string, timestamp: string, body: string, header: string): boolean {
  const key = Buffer.from(SECRET.slice("whsec_".length), "base64");
  const expected = Buffer.from(createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest("base64"));
  const fresh = Math.abs(Date.now() / 1000 - Number(timestamp)) <= 300;
  // The header may carry several space-separated signatures; any v1 one that matches will do.
  return fresh && header.split(" ").some((candidate) => {
    const [version, signature] = candidate.split(",");
    const presented = Buffer.from(signature ?? "");
    return version === "v1" && presented.length === expected.length && timingSafeEqual(presented, expected);
  });
}

let receiver: Server;
let hookUrl: string;
const received: Received[] = [];

async function startReceiver() {
  const port = await freePort();
  receiver = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => (body += chunk));
    request.on("end", () => {
      const h = request.headers as Record<string, string>;
      const valid = signatureValid(h["webhook-id"] ?? "", h["webhook-timestamp"] ?? "", body, h["webhook-signature"] ?? "");
      received.push({ valid, headers: request.headers, payload: JSON.parse(body) });
      response.writeHead(valid ? 204 : 401).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(port, "127.0.0.1", resolve));
  hookUrl = `http://127.0.0.1:${port}/edge-auth-hook`;
}

let worker: RunningWorker;
beforeAll(async () => {
  await startReceiver();
  worker = await startWorker({ DELIVERY_WEBHOOK_URL: hookUrl, DELIVERY_WEBHOOK_SECRET: SECRET, APP_URL: "http://127.0.0.1:5173" });
});
afterAll(async () => {
  await worker?.stop();
  await new Promise((resolve) => receiver?.close(resolve));
});

const call = (method: string, path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${worker.url}${path}`, { method, headers: { "Content-Type": "application/json", ...headers }, body: JSON.stringify(body) });
const post = (path: string, body: unknown, headers: Record<string, string> = {}) => call("POST", path, body, headers);
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/** The next delivery the receiver gets (the worker sends it after answering). */
async function nextDelivery(count: number): Promise<Received> {
  const deadline = Date.now() + 15_000;
  while (received.length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  expect(received.length).toBe(count);
  return received[count - 1]!;
}

const headersOf = (response: Response) => [...response.headers].filter(([name]) => name !== "date");

describe("account lifecycle over HTTP with a real webhook receiver", () => {
  it("forgot → signed webhook → reset → old sessions dead → login with the new password; the token works once", async () => {
    const username = `life${Date.now()}`;
    const email = `${username}@example.com`;
    const registered = await post("/auth/register", { username, email, password: "the first passphrase 1" });
    expect(registered.status).toBe(201);
    const first = (await registered.json()) as { access_token: string; refresh_token: string };

    const known = await post("/auth/password/forgot", { email });
    const unknown = await post("/auth/password/forgot", { email: `nobody-${username}@example.com` });
    expect([known.status, await known.text()]).toEqual([202, "{}"]);
    expect([unknown.status, await unknown.text()]).toEqual([202, "{}"]);
    expect(headersOf(unknown)).toEqual(headersOf(known));

    const delivery = await nextDelivery(1);
    expect(delivery.valid).toBe(true);
    const { token } = delivery.payload;
    expect(delivery.payload).toEqual({ type: "password_reset", to: email, username, token, link: `http://127.0.0.1:5173/reset-password#token=${token}`, expires_at: delivery.payload.expires_at });
    // Only the known account's message was sent.
    await new Promise((r) => setTimeout(r, 500));
    expect(received).toHaveLength(1);

    const reset = await post("/auth/password/reset", { token, new_password: "the second passphrase 2" });
    expect(reset.status).toBe(200);
    const after = (await reset.json()) as { user: { email_verified: boolean }; access_token: string };
    expect(after.user.email_verified).toBe(true);
    expect((await fetch(`${worker.url}/auth/me`, { headers: bearer(first.access_token) })).status).toBe(401);
    expect((await post("/auth/refresh", { refresh_token: first.refresh_token })).status).toBe(401);
    expect((await fetch(`${worker.url}/auth/me`, { headers: bearer(after.access_token) })).status).toBe(200);
    expect((await post("/auth/login", { username, password: "the first passphrase 1" })).status).toBe(401);
    expect((await post("/auth/login", { username, password: "the second passphrase 2" })).status).toBe(200);

    const again = await post("/auth/password/reset", { token, new_password: "the third passphrase 3" });
    expect([again.status, await again.json()]).toEqual([400, { error: "invalid_grant", error_description: "The token is invalid, expired or already used." }]);
  });

  it("change password → verify email → delete the account", async () => {
    const username = `life2${Date.now()}`;
    const email = `${username}@example.com`;
    const { access_token } = (await (await post("/auth/register", { username, email, password: "the first passphrase 1" })).json()) as { access_token: string };
    const changed = await post("/auth/password", { current_password: "the first passphrase 1", new_password: "the second passphrase 2" }, bearer(access_token));
    expect(changed.status).toBe(200);
    const fresh = ((await changed.json()) as { access_token: string }).access_token;
    expect((await fetch(`${worker.url}/auth/me`, { headers: bearer(access_token) })).status).toBe(401);

    const count = received.length;
    expect((await post("/auth/email/verify/request", {}, bearer(fresh))).status).toBe(202);
    const delivery = await nextDelivery(count + 1);
    expect([delivery.valid, delivery.payload.type, delivery.payload.to]).toEqual([true, "email_verification", email]);
    const verified = await post("/auth/email/verify", { token: delivery.payload.token });
    expect([verified.status, ((await verified.json()) as { user: { email_verified: boolean } }).user.email_verified]).toEqual([200, true]);

    expect((await call("DELETE", "/auth/me", { password: "the second passphrase 2" }, bearer(fresh))).status).toBe(204);
    expect((await fetch(`${worker.url}/auth/me`, { headers: bearer(fresh) })).status).toBe(401);
    expect((await post("/auth/login", { username, password: "the second passphrase 2" })).status).toBe(401);
  });
});
