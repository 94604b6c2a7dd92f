// UserStore.update, one contract for the D1 adapter and the memory twin (as test/storage/contract).
import { describe, expect, it } from "vitest";
import { d1UserStore } from "../../src/storage/d1-users";
import { memoryUserStore } from "../../src/storage/memory";
import type { UserRecord, UserStore } from "../../src/storage/ports";
import { testEnv, uniqueName } from "../helpers";

const AT = "2026-11-25T05:00:00.000Z";

function newUser(roles: string[] = []): UserRecord {
  const username = uniqueName("upd");
  return {
    id: crypto.randomUUID(), username, email: `${username}@example.com`, passwordHash: "pbkdf2_sha256$1000$AAAA$AAAA",
    emailVerified: false, roles, isActive: true, tokenVersion: 0, createdAt: "2026-11-25T00:00:00.000Z", updatedAt: "2026-11-25T00:00:00.000Z", lastLoginAt: null,
  };
}

async function created(store: UserStore, roles: string[] = []) {
  const user = newUser(roles);
  await store.create(user, { username: user.username.toLowerCase(), email: user.email!.toLowerCase() });
  return user;
}

const stores: [string, () => UserStore][] = [["D1 adapter", () => d1UserStore(testEnv.DB)], ["memory twin", () => memoryUserStore()]];

describe.each(stores)("UserStore.update contract: %s", (name, make) => {
  it("sets roles and is_active, bumps token_version when asked, and answers the stored record", async () => {
    const store = make();
    const user = await created(store);
    const expected = { ...user, roles: ["staff"], isActive: false, tokenVersion: 1, updatedAt: AT };
    expect(await store.update(user.id, { roles: ["staff"], isActive: false, endSessions: true }, AT, [])).toEqual(expected);
    expect(await store.findById(user.id)).toEqual(expected);
  });

  it("moves the email login identifier; the username's stays", async () => {
    const store = make();
    const user = await created(store);
    const email = `New.${user.username}@example.org`;
    expect(await store.update(user.id, { email: { email, normalized: email.toLowerCase() } }, AT, [])).toMatchObject({ email });
    expect((await store.findByIdentifier(email.toLowerCase()))?.id).toBe(user.id);
    expect(await store.findByIdentifier(user.email!.toLowerCase())).toBeNull();
    expect((await store.findByIdentifier(user.username.toLowerCase()))?.id).toBe(user.id);
    expect(await store.update(user.id, { email: { email: null, normalized: null } }, AT, [])).toMatchObject({ email: null });
    expect(await store.findByIdentifier(email.toLowerCase())).toBeNull();
  });

  it("resets email_verified for a new address, keeps it for the same one in another case, and lets an explicit value win", async () => {
    const store = make();
    const user = await created(store);
    const same = user.email!.toUpperCase();
    expect(await store.update(user.id, { emailVerified: true }, AT, [])).toMatchObject({ emailVerified: true });
    expect(await store.update(user.id, { email: { email: same, normalized: same.toLowerCase() } }, AT, [])).toMatchObject({ email: same, emailVerified: true });
    expect(await store.update(user.id, { email: { email: `x.${user.email}`, normalized: `x.${user.email}` } }, AT, [])).toMatchObject({ emailVerified: false });
    expect(await store.update(user.id, { email: { email: `y.${user.email}`, normalized: `y.${user.email}` }, emailVerified: true }, AT, [])).toMatchObject({ emailVerified: true });
  });

  it("sets email_verified when asked and leaves it alone otherwise", async () => {
    const store = make();
    const user = await created(store);
    expect(await store.update(user.id, { emailVerified: true }, AT, [])).toMatchObject({ emailVerified: true });
    expect(await store.update(user.id, { roles: ["staff"] }, AT, [])).toMatchObject({ emailVerified: true, roles: ["staff"] });
    expect(await store.update(user.id, { emailVerified: false }, AT, [])).toMatchObject({ emailVerified: false });
    expect((await store.findById(user.id))?.emailVerified).toBe(false);
  });

  it("answers conflict for another account's identifier and changes nothing", async () => {
    const store = make();
    const [user, other] = [await created(store), await created(store)];
    expect(await store.update(user.id, { roles: ["x"], email: { email: other.username, normalized: other.username.toLowerCase() } }, AT, [])).toBe("conflict");
    expect(await store.findById(user.id)).toEqual(user);
    expect((await store.findByIdentifier(user.email!.toLowerCase()))?.id).toBe(user.id);
  });

  it("answers not_found for an unknown id", async () => {
    expect(await make().update(crypto.randomUUID(), { roles: [] }, AT, [])).toBe("not_found");
  });

  it("refuses to remove the last active admin with 409 conflict, and allows it while another remains", async () => {
    const store = make();
    const admin = await created(store, ["admin"]);
    // The D1 adapter shares this file's database: leave `admin` the only active admin there.
    if (name === "D1 adapter") await testEnv.DB.prepare("UPDATE users SET roles = '[]' WHERE id <> ? AND roles LIKE '%\"admin\"%'").bind(admin.id).run();
    for (const change of [{ roles: [] }, { isActive: false }]) {
      await expect(store.update(admin.id, change, AT, [])).rejects.toMatchObject({ code: "conflict", status: 409, message: "This change would leave no active administrator." });
    }
    expect(await store.findById(admin.id)).toEqual(admin);
    await created(store, ["admin"]);
    expect(await store.update(admin.id, { roles: [] }, AT, [])).toMatchObject({ roles: [] });
  });
});
