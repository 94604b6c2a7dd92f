// Fault injection through the storage ports (no test hooks in production code): the real D1/KV
// adapters, with one port method replaced by one that fails the way a failing binding does.
// Every failure must answer 503 + Retry-After, with no token and no cookie, and leave D1 and KV
// as they were, except where a later write of a path fails after an earlier one committed
// (cross-store writes cannot share a transaction); those cases state exactly what remains.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { guardStorage } from "../../src/storage/guard";
import type { AllStores } from "../../src/storage/ports";
import { defaultStores } from "../../src/runtime";
import { json, STRONG_PASSWORD, TestClock, testEnv, uniqueName } from "../helpers";

type Port = keyof AllStores;
type Fault = `${Port}.${string}`;

const UNAVAILABLE = { error: "temporarily_unavailable", error_description: "The service is temporarily unavailable. Try again shortly." };

function appWithFault(fault: Fault | null, clock: TestClock) {
  const stores = defaultStores(testEnv);
  if (fault) {
    const [port, method] = fault.split(".") as [Port, string];
    const store = stores[port] as unknown as Record<string, unknown>;
    if (typeof store[method] !== "function") throw new Error(`no port method ${fault}`);
    store[method] = () => guardStorage(fault, () => Promise.reject(new Error("injected fault")));
  }
  const app = createApp({ stores: () => stores, clock: clock.now });
  // A client IP of its own per app keeps audit rows attributable and limits apart.
  const ip = `198.18.${Math.floor(Math.random() * 255)}.${Math.floor(Math.random() * 255)}`;
  return (path: string, init: RequestInit = {}) => app.request(path, { ...init, headers: { ...(init.headers as Record<string, string>), "CF-Connecting-IP": ip } }, testEnv);
}

/** Everything a flow for this user could have written: D1 rows and KV keys. */
async function snapshot(username: string, clockMs: number) {
  const user = await env.DB.prepare("SELECT * FROM users WHERE username_normalized = ?").bind(username.toLowerCase()).first<Record<string, unknown>>();
  const userId = (user?.id as string | undefined) ?? "none";
  const identifiers = await env.DB.prepare("SELECT * FROM login_identifiers WHERE user_id = ? ORDER BY identifier").bind(userId).all();
  const throttle = await env.DB.prepare("SELECT * FROM login_throttle WHERE updated_at = ?").bind(clockMs).all();
  const audit = await env.DB.prepare("SELECT event, user_id, subject, detail FROM audit_events WHERE user_id = ? OR at = ? ORDER BY id").bind(userId, new Date(clockMs).toISOString()).all();
  const kv: Record<string, string | null> = {};
  for (const { name } of (await env.AUTH_KV.list()).keys) {
    const value = await env.AUTH_KV.get(name);
    if (name.startsWith("revoked:") || value?.includes(userId)) kv[name] = value;
  }
  return { user, identifiers: identifiers.results, throttle: throttle.results, audit: audit.results, kv };
}

async function expectUnavailable(response: Response) {
  expect(response.status).toBe(503);
  expect(response.headers.get("Retry-After")).toBe("5");
  expect(response.headers.get("Set-Cookie")).toBeNull();
  expect(await response.json()).toEqual(UNAVAILABLE);
}

/** Registers a user through a healthy app, returning what later flows need. */
async function healthyUser(clock: TestClock) {
  const username = uniqueName("fault");
  const response = await appWithFault(null, clock)("/auth/register", json({ username, email: `${username}@example.com`, password: STRONG_PASSWORD }));
  expect(response.status).toBe(201);
  return { username, ...((await response.json()) as { access_token: string; refresh_token: string; user: { id: string } }) };
}

// Each flow runs against a prepared user, with the clock of its own test (so its rows are findable).
type Flow = (send: ReturnType<typeof appWithFault>, u: Awaited<ReturnType<typeof healthyUser>>) => Promise<Response> | Response;
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const flows: Record<string, Flow> = {
  register: (send) => send("/auth/register", json({ username: uniqueName("faultreg"), password: STRONG_PASSWORD })),
  "login (right password)": (send, u) => send("/auth/login", json({ username: u.username, password: STRONG_PASSWORD })),
  "login (wrong password)": (send, u) => send("/auth/login", json({ username: u.username, password: "not the password" })),
  refresh: (send, u) => send("/auth/refresh", json({ refresh_token: u.refresh_token })),
  me: (send, u) => send("/auth/me", { headers: bearer(u.access_token) }),
  logout: (send, u) => send("/auth/logout", json({}, { headers: bearer(u.access_token) })),
  "logout all": (send, u) => send("/auth/logout", json({ all: true }, { headers: bearer(u.access_token) })),
};

// [flow, failing port method, what is left behind when an earlier write of the path committed]
const cases: [string, Fault, string?][] = [
  ["register", "users.create"],
  ["register", "sessions.put", "the account (D1 batch committed before the session write)"],
  ["login (right password)", "attempts.lockedUntil"],
  ["login (right password)", "users.findByIdentifier"],
  ["login (right password)", "users.recordLogin"],
  ["login (right password)", "attempts.recordSuccess", "users.last_login_at"],
  ["login (right password)", "sessions.put", "users.last_login_at and the login_success audit row"],
  ["login (wrong password)", "attempts.recordFailure"],
  ["refresh", "sessions.get"],
  ["refresh", "users.findById"],
  ["refresh", "sessions.put"],
  ["me", "sessions.isRevoked"],
  ["me", "users.findById"],
  ["logout", "sessions.isRevoked"],
  ["logout", "sessions.revoke"],
  ["logout all", "users.bumpTokenVersion"],
  ["logout all", "sessions.revoke", "users.token_version bumped (every session already ended)"],
  ["logout all", "audit.record", "users.token_version bumped and the session revoked"],
];

describe("storage faults fail closed", () => {
  it.each(cases)("%s with %s failing: 503, no token, no cookie", async (flowName, fault, leftBehind) => {
    const clock = new TestClock(Date.UTC(2026, 10, 25, 12, 0, 0) + Math.floor(Math.random() * 1e9));
    const u = await healthyUser(clock);
    clock.advance(1);
    const before = await snapshot(u.username, clock.ms);
    await expectUnavailable(await flows[flowName]!(appWithFault(fault, clock), u));
    const after = await snapshot(u.username, clock.ms);
    if (!leftBehind) {
      expect(after).toEqual(before);
    } else {
      // The earlier write committed; nothing else did, and no session was handed out.
      expect(Object.keys(after.kv).filter((k) => !(k in before.kv) && k.startsWith("session:"))).toEqual([]);
    }
  });

  it("a failing registration leaves no account and no session behind", async () => {
    const clock = new TestClock();
    const username = uniqueName("faultnew");
    const before = await snapshot(username, clock.ms);
    await expectUnavailable(await appWithFault("users.create", clock)("/auth/register", json({ username, password: STRONG_PASSWORD })));
    expect(await snapshot(username, clock.ms)).toEqual(before);
    expect(before.user).toBeNull();
  });

  it("answers 503 when a storage call outlives its deadline", async () => {
    const never = new Promise<never>(() => {});
    await expect(guardStorage("sessions.get", () => never, 5)).rejects.toMatchObject({ code: "temporarily_unavailable", status: 503, headers: { "Retry-After": "5" } });
  });
});
