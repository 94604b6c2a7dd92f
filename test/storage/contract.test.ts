// One contract, two implementations: the D1/KV adapters and the in-memory twins must behave alike,
// so tests that use the twins (clock-driven, fault injection) say something true about production.
import { describe, expect, it } from "vitest";
import { d1UserStore } from "../../src/storage/d1-users";
import { kvSessionStore } from "../../src/storage/kv-sessions";
import { memorySessionStore, memoryUserStore } from "../../src/storage/memory";
import type { SessionRecord, SessionStore, UserRecord, UserStore } from "../../src/storage/ports";
import { testEnv, uniqueName } from "../helpers";

function newUser(): UserRecord {
  const username = uniqueName("contract");
  return {
    id: crypto.randomUUID(), username, email: `${username}@example.com`, emailVerified: false, passwordHash: "pbkdf2_sha256$1000$AAAA$AAAA",
    roles: ["reader"], isActive: true, tokenVersion: 0, createdAt: "2026-11-25T00:00:00.000Z", updatedAt: "2026-11-25T00:00:00.000Z", lastLoginAt: null,
  };
}

const ids = (user: UserRecord) => ({ username: user.username.toLowerCase(), email: user.email!.toLowerCase() });

function newSession(): SessionRecord {
  return {
    sid: crypto.randomUUID(), userId: "u", clientId: "edge-auth", tokenVersion: 0, generation: 0, currentHash: "h0", previousHash: null,
    rotatedAt: 1, createdAt: 1, lastUsedAt: 1, expiresAt: 2,
  };
}

const userStores: [string, () => UserStore][] = [["D1 adapter", () => d1UserStore(testEnv.DB)], ["memory twin", () => memoryUserStore()]];
const sessionStores: [string, () => SessionStore][] = [["KV adapter", () => kvSessionStore(testEnv.AUTH_KV)], ["memory twin", () => memorySessionStore()]];

describe.each(userStores)("UserStore contract: %s", (_, make) => {
  it("creates a user findable by each identifier and by id, with the same fields", async () => {
    const store = make();
    const user = newUser();
    expect(await store.create(user, ids(user))).toBe("created");
    expect(await store.findByIdentifier(user.username.toLowerCase())).toEqual(user);
    expect(await store.findByIdentifier(user.email!.toLowerCase())).toEqual(user);
    expect(await store.findById(user.id)).toEqual(user);
    expect(await store.findById(crypto.randomUUID())).toBeNull();
    expect(await store.findByIdentifier("nobody-" + crypto.randomUUID())).toBeNull();
  });

  it("answers conflict when any identifier is taken, and writes nothing of the second user", async () => {
    const store = make();
    const first = newUser();
    await store.create(first, ids(first));
    const second = newUser();
    expect(await store.create(second, { username: ids(second).username, email: ids(first).email })).toBe("conflict");
    expect(await store.findById(second.id)).toBeNull();
    expect(await store.findByIdentifier(second.username.toLowerCase())).toBeNull();
  });

  it("records a login, replacing the hash only when given one", async () => {
    const store = make();
    const user = newUser();
    await store.create(user, ids(user));
    await store.recordLogin(user.id, "2026-11-25T01:00:00.000Z");
    expect(await store.findById(user.id)).toEqual({ ...user, lastLoginAt: "2026-11-25T01:00:00.000Z" });
    await store.recordLogin(user.id, "2026-11-25T02:00:00.000Z", "pbkdf2_sha512$100000$BBBB$BBBB");
    expect(await store.findById(user.id)).toEqual({ ...user, lastLoginAt: "2026-11-25T02:00:00.000Z", updatedAt: "2026-11-25T02:00:00.000Z", passwordHash: "pbkdf2_sha512$100000$BBBB$BBBB" });
  });

  it("bumps the token version and returns the new one", async () => {
    const store = make();
    const user = newUser();
    await store.create(user, ids(user));
    expect(await store.bumpTokenVersion(user.id, "2026-11-25T03:00:00.000Z")).toBe(1);
    expect(await store.bumpTokenVersion(user.id, "2026-11-25T03:00:00.000Z")).toBe(2);
    expect((await store.findById(user.id))?.tokenVersion).toBe(2);
  });
});

describe.each(sessionStores)("SessionStore contract: %s", (_, make) => {
  it("stores and returns a session record unchanged", async () => {
    const store = make();
    const session = newSession();
    await store.put(session, 3600);
    expect(await store.get(session.sid)).toEqual(session);
    expect(await store.get("missing-" + session.sid)).toBeNull();
  });

  it("accepts a TTL under KV's 60 s minimum by clamping it, instead of failing", async () => {
    const store = make();
    const session = newSession();
    await store.put(session, 5);
    expect(await store.get(session.sid)).toEqual(session);
  });

  it("revokes: the record is gone and the marker is set", async () => {
    const store = make();
    const session = newSession();
    await store.put(session, 3600);
    expect(await store.isRevoked(session.sid)).toBe(false);
    await store.revoke(session.sid, 30);
    expect(await store.get(session.sid)).toBeNull();
    expect(await store.isRevoked(session.sid)).toBe(true);
  });
});

// The marker's TTL is the revocation's lifetime (up to SESSION_MAX_AGE and more): both must keep
// it as given, only raising one under KV's 60 s minimum. Expiry times are read back from each.
const markerStores: [string, () => { store: SessionStore; expiresAt: (key: string) => Promise<number | undefined> }][] = [
  ["KV adapter", () => ({
    store: kvSessionStore(testEnv.AUTH_KV),
    expiresAt: async (key) => ((await testEnv.AUTH_KV.list({ prefix: key })).keys.find((k) => k.name === key)?.expiration ?? NaN) * 1000,
  })],
  ["memory twin", () => {
    const store = memorySessionStore();
    return { store, expiresAt: async (key) => store.entries.get(key)?.expiresAt };
  }],
];

describe.each(markerStores)("SessionStore revocation marker lifetime: %s", (_, make) => {
  it("keeps the marker for the TTL given (31 days here), and for 60 s when given less", async () => {
    const { store, expiresAt } = make();
    const [long, short] = [newSession(), newSession()];
    const before = Date.now();
    await store.revoke(long.sid, 31 * 86_400);
    await store.revoke(short.sid, 5);
    const after = Date.now();
    // KV stores expirations in whole seconds.
    expect(await expiresAt(`revoked:${long.sid}`)).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 31 * 86_400_000);
    expect(await expiresAt(`revoked:${long.sid}`)).toBeLessThanOrEqual(Math.ceil(after / 1000) * 1000 + 31 * 86_400_000);
    expect(await expiresAt(`revoked:${short.sid}`)).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 60_000);
    expect(await expiresAt(`revoked:${short.sid}`)).toBeLessThanOrEqual(Math.ceil(after / 1000) * 1000 + 60_000);
    expect([await store.isRevoked(long.sid), await store.isRevoked(short.sid)]).toEqual([true, true]);
  });
});
