// Shared by the account-lifecycle tests: an app (memory twins + TestClock, or the real local D1/KV)
// whose delivery hook is a captured fetch, and requests that wait for the work the app left to
// waitUntil, so a test sees the message a request sent.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { vi } from "vitest";
import { createApp } from "../../src/app";
import { defaultStores } from "../../src/runtime";
import { memoryAccountStore } from "../../src/storage/memory-accounts";
import { memorySessionStore, memoryUserStore } from "../../src/storage/memory";
import { memoryAuditStore, memoryLoginAttemptStore } from "../../src/storage/memory-security";
import type { Stores } from "../../src/storage/ports";
import { envWith, json, STRONG_PASSWORD, TestClock, uniqueName } from "../helpers";

export const HOOK_URL = "https://hooks.test.example/edge-auth";
/** whsec_ + base64 of 32 bytes, as Standard Webhooks secrets are written. */
export const HOOK_SECRET = "whsec_" + btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));
export const hookEnv = (overrides: Record<string, string> = {}) =>
  envWith({ DELIVERY_WEBHOOK_URL: HOOK_URL, DELIVERY_WEBHOOK_SECRET: HOOK_SECRET, APP_URL: "https://app.test.example", ...overrides });

export interface Delivery {
  url: string;
  headers: Record<string, string>;
  body: string;
  payload: { type: string; to: string; username: string; token: string; link: string | null; expires_at: string };
}

/**
 * Replaces fetch to the hook with a receiver that records each delivery and answers `statuses`
 * in turn (then 204). Other URLs are refused, so nothing leaves the test.
 */
export function captureDeliveries(statuses: number[] = []): Delivery[] {
  const deliveries: Delivery[] = [];
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const request = new Request(input as RequestInfo, init as RequestInit);
    if (!request.url.startsWith(HOOK_URL)) throw new Error(`unexpected fetch to ${request.url}`);
    const body = await request.text();
    deliveries.push({ url: request.url, headers: Object.fromEntries(request.headers), body, payload: JSON.parse(body) });
    return new Response(null, { status: statuses.shift() ?? 204 });
  });
  return deliveries;
}

export type Send = (path: string, init?: RequestInit, env?: Env) => Promise<Response>;

/** A sender that waits for the request's waitUntil work (the deliveries) before answering. */
function sender(app: ReturnType<typeof createApp>, ip: string, defaultEnv: Env): Send {
  return async (path, init = {}, env = defaultEnv) => {
    const ctx = createExecutionContext();
    const headers = { "CF-Connecting-IP": ip, ...(init.headers as Record<string, string>) };
    const response = await app.request(path, { ...init, headers }, env, ctx);
    await waitOnExecutionContext(ctx);
    return response;
  };
}

const randomIp = () => `198.51.${Math.floor(Math.random() * 255)}.${Math.floor(Math.random() * 255)}`;

/** Memory twins and a TestClock: for expiry and for counting work. */
export function memoryLifecycle(env = hookEnv(), clock = new TestClock()) {
  const users = memoryUserStore();
  const audit = memoryAuditStore();
  const stores = {
    users, sessions: memorySessionStore(clock.now), attempts: memoryLoginAttemptStore(audit), audit, accounts: memoryAccountStore(users, audit),
  } satisfies Stores;
  const app = createApp({ stores: () => stores, clock: clock.now });
  return { app, clock, stores, send: sender(app, randomIp(), env) };
}

/** The real local D1 and KV (stores chosen per request by createApp, as in production). */
export function realLifecycle(env = hookEnv(), overrides: Partial<Stores> = {}) {
  const app = createApp({ stores: (e) => ({ ...defaultStores(e), ...overrides }) });
  return { app, send: sender(app, randomIp(), env) };
}

export async function registered(send: Send, password = STRONG_PASSWORD) {
  const username = uniqueName("life");
  const response = await send("/auth/register", json({ username, email: `${username}@example.com`, password }));
  if (response.status !== 201) throw new Error(`register failed: ${response.status} ${await response.text()}`);
  const body = (await response.json()) as { user: { id: string }; access_token: string; refresh_token: string };
  return { username, email: `${username}@example.com`, password, ...body };
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

export async function answer(response: Response) {
  return { status: response.status, body: await response.json() };
}
