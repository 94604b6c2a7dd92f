// Refresh rules of edge-auth/client against a fake service and a controlled clock: single-flight,
// one refresh and one retry on a 401, proactive refresh before expiry, a refused refresh signs out
// once, where token mode keeps its tokens.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createAuthClient, type SignOutReason } from "../../src/client/index";
import { apiError, fakeService, json, recordingStorage, tokens, type Route } from "./fake-service";

const BASE = "https://auth.example.com";
const API = "https://api.example.com/orders";

/**
 * Refresh rotates to the next numbered tokens; the API accepts only the latest access token,
 * and none after revokeAccess() until the next refresh.
 */
function rotatingService(extra: Record<string, Route> = {}) {
  let refresh = 1;
  let access = 1;
  const service = fakeService({
    "POST /auth/login": () => json(tokens(1)),
    "POST /auth/refresh": (seen) => {
      if ((seen.body as { refresh_token?: string }).refresh_token !== `refresh-${refresh}`) return apiError(401, "invalid_grant");
      refresh += 1;
      access = refresh;
      return json(tokens(refresh));
    },
    "GET /orders": (seen) => (seen.authorization?.endsWith(`.access-${access}`) ? json({ orders: [] }) : apiError(401, "invalid_token")),
    ...extra,
  });
  return { ...service, revokeAccess: () => (access = -1), revokeRefresh: () => (refresh = -1) };
}

async function signedIn(service: ReturnType<typeof rotatingService>, options: { autoRefresh?: boolean; refreshLeeway?: number } = {}) {
  const storage = recordingStorage();
  const auth = createAuthClient({ baseUrl: BASE, mode: "token", fetch: service.fetch, storage, autoRefresh: false, ...options });
  await auth.login({ identifier: "ada", password: "pw" });
  service.seen.length = 0;
  return { auth, storage };
}

const paths = (service: { seen: { method: string; path: string }[] }) => service.seen.map((s) => `${s.method} ${s.path}`);

describe("edge-auth/client refresh", () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: Date.UTC(2026, 10, 25, 12) });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("token mode: login keeps the tokens in the storage given, and fetch sends the bearer token", async () => {
    const service = rotatingService();
    const { auth, storage } = await signedIn(service);
    expect(JSON.parse(storage.items.get(`edge-auth:${BASE}`)!)).toEqual({
      user: tokens(1).user,
      accessToken: tokens(1).access_token,
      refreshToken: "refresh-1",
      times: { issuedAt: Date.now(), expiresAt: Date.now() + 300_000, refreshExpiresAt: Date.now() + 1_209_600_000 },
    });
    expect(auth.expiresAt).toBe(Date.now() + 300_000);
    const response = await auth.fetch(API);
    expect(response.status).toBe(200);
    expect(service.seen).toEqual([{ method: "GET", path: "/orders", authorization: `Bearer ${tokens(1).access_token}`, credentials: undefined, contentType: null, body: undefined }]);
    // A second client on the same storage starts signed in (a reload, with a persistent storage).
    const again = createAuthClient({ baseUrl: BASE, mode: "token", fetch: service.fetch, storage, autoRefresh: false });
    expect(again.user).toEqual(tokens(1).user);
  });

  it("the default storage is memory: nothing outlives the client", async () => {
    const service = rotatingService();
    const auth = createAuthClient({ baseUrl: BASE, mode: "token", fetch: service.fetch, autoRefresh: false });
    await auth.login({ identifier: "ada", password: "pw" });
    expect(createAuthClient({ baseUrl: BASE, mode: "token", fetch: service.fetch }).user).toBeNull();
  });

  it("N concurrent refresh() calls make one POST /auth/refresh", async () => {
    const service = rotatingService();
    const { auth } = await signedIn(service);
    const results = await Promise.all(Array.from({ length: 5 }, () => auth.refresh()));
    expect(paths(service)).toEqual(["POST /auth/refresh"]);
    expect(service.seen[0]!.body).toEqual({ refresh_token: "refresh-1" });
    expect(results.map((r) => r.user.username)).toEqual(["ada", "ada", "ada", "ada", "ada"]);
  });

  it("N concurrent requests that get a 401 share one refresh, and each is retried once", async () => {
    const service = rotatingService();
    const { auth, storage } = await signedIn(service);
    service.revokeAccess();
    const responses = await Promise.all(Array.from({ length: 4 }, () => auth.fetch(API)));
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(paths(service).filter((p) => p === "POST /auth/refresh")).toHaveLength(1);
    expect(paths(service).filter((p) => p === "GET /orders")).toHaveLength(8);
    expect(service.seen.filter((s) => s.path === "/orders").slice(4).map((s) => s.authorization)).toEqual(Array(4).fill(`Bearer ${tokens(2).access_token}`));
    expect(JSON.parse(storage.items.get(`edge-auth:${BASE}`)!).refreshToken).toBe("refresh-2");
  });

  it("a request that still gets a 401 after the refresh is answered 401: one refresh, one retry, no loop", async () => {
    const service = rotatingService({ "GET /orders": () => apiError(401, "invalid_token") });
    const { auth } = await signedIn(service);
    const response = await auth.fetch(API, { method: "GET" });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: "invalid_token", error_description: "invalid_token described" });
    expect(paths(service)).toEqual(["GET /orders", "POST /auth/refresh", "GET /orders"]);
  });

  it("a Request with a body is sent again whole on the retry", async () => {
    const bodies: unknown[] = [];
    const service = rotatingService({
      "POST /orders": (seen, n) => {
        bodies.push(seen.body);
        return n === 1 ? apiError(401, "invalid_token") : json({ ok: true }, 201);
      },
    });
    const { auth } = await signedIn(service);
    const request = new Request(API, { method: "POST", headers: { "Content-Type": "application/json", "X-Trace": "t1" }, body: JSON.stringify({ item: 7 }) });
    const response = await auth.fetch(request);
    expect(response.status).toBe(201);
    expect(bodies).toEqual([{ item: 7 }, { item: 7 }]);
    expect(service.seen.at(-1)!.authorization).toBe(`Bearer ${tokens(2).access_token}`);
  });

  it("a wrong current password (401 invalid_credentials) is not a stale token: no refresh, no retry", async () => {
    const service = rotatingService({ "POST /auth/password": () => apiError(401, "invalid_credentials") });
    const { auth } = await signedIn(service);
    await expect(auth.changePassword({ currentPassword: "wrong", newPassword: "a new passphrase" })).rejects.toMatchObject({ status: 401, code: "invalid_credentials" });
    expect(paths(service)).toEqual(["POST /auth/password"]);
    expect(service.seen[0]!.body).toEqual({ current_password: "wrong", new_password: "a new passphrase" });
    expect(auth.user).not.toBeNull();
  });

  it("refreshes before a request once the access token is within the leeway, not before", async () => {
    const service = rotatingService();
    const { auth } = await signedIn(service, { refreshLeeway: 30 });
    vi.advanceTimersByTime(269_000);
    await auth.fetch(API);
    expect(paths(service)).toEqual(["GET /orders"]);
    vi.advanceTimersByTime(1_000);
    await auth.fetch(API);
    expect(paths(service)).toEqual(["GET /orders", "POST /auth/refresh", "GET /orders"]);
    expect(auth.expiresAt).toBe(Date.now() + 300_000);
  });

  it("with autoRefresh, a timer refreshes at expiry minus the leeway, and again after each refresh", async () => {
    const service = rotatingService();
    const { auth } = await signedIn(service, { autoRefresh: true, refreshLeeway: 30 });
    const refreshed: number[] = [];
    auth.on("refreshed", (event) => refreshed.push(event.expiresAt!));
    await vi.advanceTimersByTimeAsync(269_999);
    expect(service.count("POST /auth/refresh")).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(service.count("POST /auth/refresh")).toBe(1);
    expect(refreshed).toEqual([Date.now() + 300_000]);
    await vi.advanceTimersByTimeAsync(270_000);
    expect(service.count("POST /auth/refresh")).toBe(2);
    auth.close();
    await vi.advanceTimersByTimeAsync(600_000);
    expect(service.count("POST /auth/refresh")).toBe(2);
  });

  it("the leeway is never more than half the token's life (a 10 s token refreshes at 5 s)", async () => {
    const service = rotatingService({ "POST /auth/login": () => json(tokens(1, { expiresIn: 10 })) });
    const { auth } = await signedIn(service, { autoRefresh: true, refreshLeeway: 60 });
    await vi.advanceTimersByTimeAsync(4_999);
    expect(service.count("POST /auth/refresh")).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(service.count("POST /auth/refresh")).toBe(1);
    auth.close();
  });

  it("a refused refresh signs out once: signedOut emitted once, storage cleared, no further refresh", async () => {
    const service = rotatingService();
    const { auth, storage } = await signedIn(service);
    const signedOut: SignOutReason[] = [];
    auth.on("signedOut", (event) => signedOut.push(event.reason));
    service.revokeAccess();
    service.revokeRefresh();
    const responses = await Promise.all([auth.fetch(API), auth.fetch(API), auth.fetch(API)]);
    expect(responses.map((r) => r.status)).toEqual([401, 401, 401]);
    expect(signedOut).toEqual(["refresh_refused"]);
    expect(storage.items.size).toBe(0);
    expect(auth.user).toBeNull();
    expect(auth.expiresAt).toBeNull();
    expect(paths(service).filter((p) => p === "POST /auth/refresh")).toHaveLength(1);
    // Signed out: later requests go without a token, and their 401 starts no refresh.
    const later = await auth.fetch(API);
    expect(later.status).toBe(401);
    expect(service.seen.at(-1)).toMatchObject({ path: "/orders", authorization: null });
    await expect(auth.refresh()).rejects.toMatchObject({ status: 401, code: "not_signed_in" });
    expect(paths(service).filter((p) => p === "POST /auth/refresh")).toHaveLength(1);
    expect(signedOut).toEqual(["refresh_refused"]);
  });

  it("a transient refresh failure (503) keeps the session and surfaces the typed error", async () => {
    const service = rotatingService({ "POST /auth/refresh": () => apiError(503, "temporarily_unavailable", { "Retry-After": "5" }) });
    const { auth, storage } = await signedIn(service);
    await expect(auth.refresh()).rejects.toMatchObject({ kind: "unavailable", retryAfter: 5 });
    expect(auth.user).not.toBeNull();
    expect(storage.items.size).toBe(1);
  });
});
