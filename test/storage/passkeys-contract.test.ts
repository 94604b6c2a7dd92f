// One contract for the passkey ports' D1/KV adapters and their memory twins (migration 0011):
// a challenge is spent once, a credential id is stored once, a use only raises the counter (or
// keeps 0 at 0), removal is the owner's only, and each write lands with its audit row or not at all.
import { describe, expect, it } from "vitest";
import { d1PasskeyStore } from "../../src/storage/d1-passkeys";
import { d1UserStore } from "../../src/storage/d1-users";
import { kvChallengeStore } from "../../src/storage/kv-challenges";
import { memoryUserStore } from "../../src/storage/memory";
import { memoryChallengeStore, memoryPasskeyStore } from "../../src/storage/memory-passkeys";
import type { AuditEvent, ChallengeStore, PasskeyRecord, PasskeyStore, UserRecord, UserStore } from "../../src/storage/ports";
import { testEnv, uniqueName } from "../helpers";

interface Stack {
  users: UserStore;
  passkeys: PasskeyStore;
  challenges: ChallengeStore;
  events(userId: string): Promise<string[]>;
}

const stacks: [string, () => Stack][] = [
  ["D1/KV adapters", () => ({
    users: d1UserStore(testEnv.DB),
    passkeys: d1PasskeyStore(testEnv.DB),
    challenges: kvChallengeStore(testEnv.AUTH_KV),
    events: async (userId) => (await testEnv.DB.prepare("SELECT event FROM audit_events WHERE user_id = ? ORDER BY id").bind(userId).all<{ event: string }>()).results.map((r) => r.event),
  })],
  ["memory twins", () => {
    const passkeys = memoryPasskeyStore();
    return { users: memoryUserStore(), passkeys, challenges: memoryChallengeStore(), events: async (userId) => passkeys.audit.events.filter((e) => e.userId === userId).map((e) => e.event) };
  }],
];

async function newUser(stack: Stack): Promise<UserRecord> {
  const username = uniqueName("pk");
  const user: UserRecord = {
    id: crypto.randomUUID(), username, email: null, emailVerified: false, passwordHash: "pbkdf2_sha256$1000$AAAA$AAAA",
    roles: [], isActive: true, tokenVersion: 0, createdAt: "2026-11-25T00:00:00.000Z", updatedAt: "2026-11-25T00:00:00.000Z", lastLoginAt: null,
  };
  expect(await stack.users.create(user, { username: username.toLowerCase(), email: null })).toBe("created");
  return user;
}

const event = (name: AuditEvent["event"], userId: string): AuditEvent => ({ at: "2026-11-25T12:00:00.000Z", event: name, userId, subject: null, ip: null, detail: {} });

const passkey = (userId: string, signCount = 0, createdAt = "2026-11-25T12:00:00.000Z"): PasskeyRecord => ({
  id: crypto.randomUUID().replaceAll("-", ""), userId, name: "Laptop", publicKey: { alg: -7, jwk: { kty: "EC", crv: "P-256", x: "x", y: "y" } }, signCount,
  transports: ["internal"], backupEligible: true, backedUp: false, aaguid: "00000000-0000-0000-0000-000000000000", createdAt, lastUsedAt: null,
});

describe.each(stacks)("passkey storage contract: %s", (_, make) => {
  it("spends a challenge once", async () => {
    const { passkeys } = make();
    const challenge = crypto.randomUUID();
    expect(await passkeys.spendChallenge(challenge, Date.now() + 300_000)).toBe(true);
    expect(await passkeys.spendChallenge(challenge, Date.now() + 300_000)).toBe(false);
  });

  it("keeps an issued challenge for its TTL", async () => {
    const { challenges } = make();
    const issued = { challenge: crypto.randomUUID(), purpose: "login" as const, userId: null, expiresAt: Date.now() + 300_000 };
    await challenges.put(issued, 300);
    expect(await challenges.get(issued.challenge)).toEqual(issued);
    expect(await challenges.get(crypto.randomUUID())).toBeNull();
  });

  it("stores a passkey with its audit row, once per credential id, and lists the user's oldest first", async () => {
    const stack = make();
    const user = await newUser(stack);
    const first = passkey(user.id, 0, "2026-11-25T12:00:00.000Z");
    const second = passkey(user.id, 5, "2026-11-25T12:01:00.000Z");
    expect(await stack.passkeys.add(second, event("passkey_registered", user.id))).toBe("added");
    expect(await stack.passkeys.add(first, event("passkey_registered", user.id))).toBe("added");
    expect(await stack.passkeys.add({ ...first, userId: user.id, name: "again" }, event("passkey_registered", user.id))).toBe("exists");
    expect(await stack.passkeys.find(first.id)).toEqual(first);
    expect(await stack.passkeys.list(user.id)).toEqual([first, second]);
    expect(await stack.events(user.id)).toEqual(["passkey_registered", "passkey_registered"]);
  });

  it("records a use only when the counter grows, or stays 0 at 0", async () => {
    const stack = make();
    const user = await newUser(stack);
    const counted = passkey(user.id, 5);
    const uncounted = passkey(user.id, 0);
    await stack.passkeys.add(counted, event("passkey_registered", user.id));
    await stack.passkeys.add(uncounted, event("passkey_registered", user.id));
    const at = "2026-11-25T13:00:00.000Z";
    expect(await stack.passkeys.recordUse(counted.id, 5, true, at, event("passkey_login_success", user.id))).toBe(false);
    expect(await stack.passkeys.recordUse(counted.id, 4, true, at, event("passkey_login_success", user.id))).toBe(false);
    expect(await stack.passkeys.recordUse(counted.id, 6, true, at, event("passkey_login_success", user.id))).toBe(true);
    expect(await stack.passkeys.recordUse(uncounted.id, 0, false, at, event("passkey_login_success", user.id))).toBe(true);
    expect(await stack.passkeys.find(counted.id)).toEqual({ ...counted, signCount: 6, backedUp: true, lastUsedAt: at });
    expect(await stack.events(user.id)).toEqual(["passkey_registered", "passkey_registered", "passkey_login_success", "passkey_login_success"]);
  });

  it("removes the owner's passkey only, with its audit row", async () => {
    const stack = make();
    const owner = await newUser(stack);
    const other = await newUser(stack);
    const key = passkey(owner.id);
    await stack.passkeys.add(key, event("passkey_registered", owner.id));
    expect(await stack.passkeys.remove(other.id, key.id, event("passkey_removed", other.id))).toBe(false);
    expect(await stack.events(other.id)).toEqual([]);
    expect(await stack.passkeys.remove(owner.id, key.id, event("passkey_removed", owner.id))).toBe(true);
    expect(await stack.passkeys.find(key.id)).toBeNull();
    expect(await stack.events(owner.id)).toEqual(["passkey_registered", "passkey_removed"]);
  });
});
