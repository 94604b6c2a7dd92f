// Test helpers: an app over the real bindings or over memory twins with a controllable clock,
// unique users per test, and JSON request builders.
import { env } from "cloudflare:workers";
import { createApp } from "../src/app";
import { memorySessionStore, memoryUserStore } from "../src/storage/memory";
import { memorySessionIndex } from "../src/storage/memory-session-index";
import { memoryAccountStore } from "../src/storage/memory-accounts";
import type { Stores } from "../src/storage/ports";

export const testEnv = env as Env;

let counter = 0;
/** A username no other test uses (tests share one D1 per file run). */
export function uniqueName(prefix = "user"): string {
  counter += 1;
  return `${prefix}${counter}${crypto.randomUUID().slice(0, 8)}`;
}

export const STRONG_PASSWORD = "correct horse battery staple";

export function json(body: unknown, init: RequestInit & { headers?: Record<string, string> } = {}): RequestInit {
  return { method: "POST", ...init, headers: { "Content-Type": "application/json", ...init.headers }, body: JSON.stringify(body) };
}

/** The real worker over real local D1 and KV. */
export const realApp = createApp();

export function envWith(overrides: Record<string, string>): Env {
  return { ...testEnv, ...overrides } as Env;
}

export class TestClock {
  constructor(public ms = Date.UTC(2026, 10, 25, 12, 0, 0)) {}
  now = () => this.ms;
  advance(seconds: number) {
    this.ms += seconds * 1000;
  }
}

/** An app over memory twins and a clock the test controls. */
export function memoryApp(clock = new TestClock(), stores?: Partial<Stores>) {
  const users = memoryUserStore();
  const all: Stores = { users, sessions: memorySessionStore(clock.now), sessionIndex: memorySessionIndex(), accounts: memoryAccountStore(users), ...stores };
  const app = createApp({ stores: () => all, clock: clock.now });
  return { app, clock, stores: all, request: (path: string, init?: RequestInit, e: Env = testEnv) => app.request(path, init, e) };
}

export async function registerUser(request: (path: string, init?: RequestInit) => Promise<Response> | Response, username = uniqueName()) {
  const response = await request("/auth/register", json({ username, email: `${username}@example.com`, password: STRONG_PASSWORD }));
  if (response.status !== 201) throw new Error(`register failed: ${response.status} ${await response.text()}`);
  const body = (await response.json()) as { user: { id: string }; access_token: string; refresh_token: string; refresh_expires_in: number };
  return { username, ...body };
}

/** Every Set-Cookie header of a response, in order (workers-types lacks getSetCookie's typing). */
export function setCookies(response: Response): string[] {
  return (response.headers as unknown as { getSetCookie(): string[] }).getSetCookie();
}
