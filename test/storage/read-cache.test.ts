// The per-isolate read cache in front of D1/KV (src/storage/read-cache.ts): hot reads are served
// from memory for a few seconds, and every write made through this isolate is seen at once.
import { describe, expect, it } from "vitest";
import { memorySessionStore, memoryUserStore } from "../../src/storage/memory";
import type { UserRecord } from "../../src/storage/ports";
import { withReadCache } from "../../src/storage/read-cache";
import { realApp, testEnv, uniqueName } from "../helpers";

function newUser(): UserRecord {
  const username = uniqueName("cached");
  return {
    id: crypto.randomUUID(), username, email: null, emailVerified: false, passwordHash: "pbkdf2_sha256$1000$AAAA$AAAA", roles: [], isActive: true,
    tokenVersion: 0, createdAt: "2026-11-25T00:00:00.000Z", updatedAt: "2026-11-25T00:00:00.000Z", lastLoginAt: null,
  };
}

function cachedStores() {
  const users = memoryUserStore();
  const sessions = memorySessionStore();
  return { users, sessions, cached: withReadCache({ users, sessions }) };
}

describe("read cache", () => {
  it("serves a repeated user read from memory, not from the store", async () => {
    const { users, cached } = cachedStores();
    const user = newUser();
    await cached.users.create(user, { username: user.username, email: null });
    expect(await cached.users.findById(user.id)).toEqual(user);
    users.rows.get(user.id)!.isActive = false; // changed behind the cache's back (another isolate)
    expect(await cached.users.findById(user.id)).toEqual(user);
    expect(await users.findById(user.id)).toEqual({ ...user, isActive: false });
  });

  it("drops cached users on every write made through it, so logout-all is seen at once", async () => {
    const { cached } = cachedStores();
    const user = newUser();
    await cached.users.create(user, { username: user.username, email: null });
    expect(await cached.users.findById(user.id)).toMatchObject({ tokenVersion: 0 });
    expect(await cached.users.bumpTokenVersion(user.id, "2026-11-25T01:00:00.000Z")).toBe(1);
    expect(await cached.users.findById(user.id)).toEqual({ ...user, tokenVersion: 1, updatedAt: "2026-11-25T01:00:00.000Z" });
  });

  it("keeps other users' rows cached when one user is written (a login does not empty the cache)", async () => {
    const { users, cached } = cachedStores();
    const [one, other] = [newUser(), newUser()];
    for (const user of [one, other]) await cached.users.create(user, { username: user.username, email: null });
    expect(await cached.users.findById(other.id)).toEqual(other);
    users.rows.get(other.id)!.isActive = false; // changed behind the cache's back
    await cached.users.recordLogin(one.id, "2026-11-25T02:00:00.000Z");
    expect(await cached.users.findById(other.id)).toEqual(other);
    expect(await cached.users.findById(one.id)).toMatchObject({ lastLoginAt: "2026-11-25T02:00:00.000Z" });
  });

  it("sees a revocation made through it at once, even after caching 'not revoked'", async () => {
    const { sessions, cached } = cachedStores();
    const sid = crypto.randomUUID();
    expect(await cached.sessions.isRevoked(sid)).toBe(false);
    await cached.sessions.revoke(sid, 300);
    expect(await cached.sessions.isRevoked(sid)).toBe(true);
    expect(await sessions.isRevoked(sid)).toBe(true);
  });

  it("refuses a session whose revocation failed halfway through it (fail closed)", async () => {
    const { sessions, cached } = cachedStores();
    const sid = crypto.randomUUID();
    expect(await cached.sessions.isRevoked(sid)).toBe(false);
    sessions.revoke = async () => Promise.reject(new Error("KV DELETE failed: 429 Too Many Requests"));
    await expect(cached.sessions.revoke(sid, 300)).rejects.toThrow("429");
    expect(await cached.sessions.isRevoked(sid)).toBe(true);
  });

  it("does not cache session records or identifier lookups, which rotation and login must read fresh", async () => {
    const { users, cached } = cachedStores();
    const user = newUser();
    await cached.users.create(user, { username: user.username, email: null });
    expect(await cached.users.findByIdentifier(user.username)).toEqual(user);
    users.rows.get(user.id)!.passwordHash = "pbkdf2_sha256$1000$BBBB$BBBB";
    expect(await cached.users.findByIdentifier(user.username)).toEqual({ ...user, passwordHash: "pbkdf2_sha256$1000$BBBB$BBBB" });
  });
});

/**
 * Makes `store[method]` read at once but answer only when the test calls release(): a read that
 * started before a write and finishes after it. restore() puts the plain method back.
 */
function holdReads<S, K extends keyof S>(store: S, method: K) {
  const original = store[method] as (...args: unknown[]) => Promise<unknown>;
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  store[method] = (async (...args: unknown[]) => {
    const answer = await original.apply(store, args);
    await held;
    return answer;
  }) as S[K];
  return { release, restore: () => void (store[method] = original as S[K]) };
}

describe("read cache: an invalidation wins over a read already in flight", () => {
  it("does not cache a user row read before a logout-all that finished while the read was held", async () => {
    const { users, cached } = cachedStores();
    const user = newUser();
    await cached.users.create(user, { username: user.username, email: null });
    const read = holdReads(users, "findById");
    const inFlight = cached.users.findById(user.id);
    expect(await cached.users.bumpTokenVersion(user.id, "2026-11-25T01:00:00.000Z")).toBe(1);
    read.release();
    expect(await inFlight).toMatchObject({ tokenVersion: 0 });
    read.restore();
    expect(await cached.users.findById(user.id)).toMatchObject({ tokenVersion: 1 });
  });

  it("does not let a 'not revoked' read before a revoke overwrite the revocation", async () => {
    const { sessions, cached } = cachedStores();
    const sid = crypto.randomUUID();
    const read = holdReads(sessions, "isRevoked");
    const inFlight = cached.sessions.isRevoked(sid);
    await cached.sessions.revoke(sid, 300);
    read.release();
    expect(await inFlight).toBe(false);
    sessions.isRevoked = async () => false; // a replica that has not seen the marker yet
    expect(await cached.sessions.isRevoked(sid)).toBe(true);
  });

  it("still caches reads that no invalidation raced", async () => {
    const { users, cached } = cachedStores();
    const [one, other] = [newUser(), newUser()];
    for (const user of [one, other]) await cached.users.create(user, { username: user.username, email: null });
    const read = holdReads(users, "findById");
    const inFlight = cached.users.findById(other.id);
    await cached.users.bumpTokenVersion(one.id, "2026-11-25T01:00:00.000Z");
    read.release();
    expect(await inFlight).toEqual(other);
    read.restore();
    users.rows.get(other.id)!.isActive = false; // changed behind the cache's back
    expect(await cached.users.findById(other.id)).toEqual(other);
  });
});

describe("read cache and /healthz", () => {
  it("never answers the health check's storage probe: a failing D1 is reported right after a healthy check", async () => {
    expect((await realApp.request("/healthz", {}, testEnv)).status).toBe(200);
    const failing = { prepare: () => { throw new Error("D1 is down"); } } as unknown as D1Database;
    const response = await realApp.request("/healthz", {}, { ...testEnv, DB: failing } as Env);
    expect(response.status).toBe(503);
    expect(response.headers.get("Retry-After")).toBe("5");
    expect(await response.json()).toEqual({ error: "temporarily_unavailable", error_description: "The service is temporarily unavailable. Try again shortly." });
  });
});
