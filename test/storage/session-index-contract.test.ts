// The session index (D1 `user_sessions`) and its memory twin, held to the same behaviour, so the
// clock-driven tests over the twin say something true about production.
import { describe, expect, it } from "vitest";
import { d1SessionIndex } from "../../src/storage/d1-session-index";
import { memorySessionIndex } from "../../src/storage/memory-session-index";
import type { SessionIndexEntry, SessionIndexStore } from "../../src/storage/ports";
import { testEnv } from "../helpers";

const stores: [string, () => SessionIndexStore][] = [["D1 adapter", () => d1SessionIndex(testEnv.DB)], ["memory twin", () => memorySessionIndex()]];

function entry(userId: string, createdAt: number, fields: Partial<SessionIndexEntry> = {}): SessionIndexEntry {
  return { sid: crypto.randomUUID(), userId, clientId: "edge-auth", kind: "tokens", tokenVersion: 0, userAgent: "curl/8.5.0", createdAt, expiresAt: createdAt + 60_000, ...fields };
}

describe.each(stores)("SessionIndexStore contract: %s", (_, make) => {
  it("returns a user's rows unchanged, newest first, at most `limit`, and no other user's", async () => {
    const store = make();
    const [user, other] = [crypto.randomUUID(), crypto.randomUUID()];
    const rows = [
      entry(user, 1_000),
      entry(user, 3_000, { clientId: "simplejwt", kind: "tokens", tokenVersion: 2, userAgent: null }),
      entry(user, 2_000, { clientId: "session-api", kind: "cookie" }),
    ];
    for (const row of [...rows, entry(other, 4_000)]) await store.add(row);
    expect(await store.list(user, 10)).toEqual([rows[1], rows[2], rows[0]]);
    expect(await store.list(user, 2)).toEqual([rows[1], rows[2]]);
    expect(await store.list(crypto.randomUUID(), 10)).toEqual([]);
  });

  it("finds a row only for its own user", async () => {
    const store = make();
    const [user, other] = [crypto.randomUUID(), crypto.randomUUID()];
    const row = entry(user, 1_000);
    await store.add(row);
    expect(await store.find(user, row.sid)).toEqual(row);
    expect(await store.find(other, row.sid)).toBeNull();
    expect(await store.find(user, "no-such-sid")).toBeNull();
  });

  it("removes rows by sid, and a user's rows below a token_version", async () => {
    const store = make();
    const user = crypto.randomUUID();
    const [a, b, c, d] = [entry(user, 1), entry(user, 2, { tokenVersion: 1 }), entry(user, 3, { tokenVersion: 2 }), entry(user, 4, { tokenVersion: 2 })];
    const otherUsers = entry(crypto.randomUUID(), 5);
    for (const row of [a, b, c, d, otherUsers]) await store.add(row);
    await store.remove([d.sid, "no-such-sid"]);
    expect(await store.list(user, 10)).toEqual([c, b, a]);
    await store.removeBelowVersion(user, 2);
    expect(await store.list(user, 10)).toEqual([c]);
    await store.remove([]);
    expect(await store.list(otherUsers.userId, 10)).toEqual([otherUsers]);
  });
});
