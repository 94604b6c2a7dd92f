// A scripted stand-in for the service, for the client's unit tests: each route answers what the
// test says, every request is recorded (method, path, headers, JSON body, credentials), and a
// cookie-mode "browser" is imitated by tracking which refresh cookie the jar holds.
import type { SessionAnswer, User } from "../../src/client/index";

export interface Seen {
  method: string;
  path: string;
  authorization: string | null;
  credentials: string | undefined;
  contentType: string | null;
  body: unknown;
}

export type Route = (seen: Seen, n: number) => Response | Promise<Response>;

export const user = (name = "ada"): User => ({ id: `id-${name}`, username: name, email: `${name}@example.com`, email_verified: false, roles: [], created_at: "2026-11-25T12:00:00.000Z" });

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json", ...headers } });
}

export const apiError = (status: number, error: string, headers: Record<string, string> = {}) => json({ error, error_description: `${error} described` }, status, headers);

/** A session answer whose tokens are numbered, so a test can tell which rotation it holds. */
export function tokens(n: number, options: { mode?: "token" | "cookie"; expiresIn?: number } = {}): SessionAnswer {
  const lifetimes = { user: user(), token_type: "Bearer" as const, expires_in: options.expiresIn ?? 300, refresh_expires_in: 1_209_600 };
  if (options.mode === "cookie") return lifetimes;
  // A JWT-shaped access token whose payload names its session, as the service's does.
  const payload = btoa(JSON.stringify({ sid: `sid-${n}` })).replace(/=+$/, "");
  return { ...lifetimes, access_token: `h.${payload}.access-${n}`, refresh_token: `refresh-${n}` };
}

export function fakeService(routes: Record<string, Route>) {
  const seen: Seen[] = [];
  const counts = new Map<string, number>();
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    const key = `${request.method} ${url.pathname}`;
    const text = await request.text();
    const entry: Seen = {
      method: request.method,
      path: url.pathname,
      authorization: request.headers.get("Authorization"),
      credentials: (init as { credentials?: string } | undefined)?.credentials,
      contentType: request.headers.get("Content-Type"),
      body: text === "" ? undefined : JSON.parse(text),
    };
    seen.push(entry);
    const n = (counts.get(key) ?? 0) + 1;
    counts.set(key, n);
    const route = routes[key];
    if (!route) return apiError(404, "not_found");
    return route(entry, n);
  };
  return { fetch, seen, count: (key: string) => counts.get(key) ?? 0 };
}

/** A Web Storage that records every write. */
export function recordingStorage(shared = false) {
  const items = new Map<string, string>();
  const writes: string[] = [];
  return {
    items,
    writes,
    shared,
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => {
      writes.push(`set ${key}`);
      items.set(key, value);
    },
    removeItem: (key: string) => {
      writes.push(`remove ${key}`);
      items.delete(key);
    },
  };
}

/** Lets pending promise callbacks and zero-delay timers run. */
export const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
