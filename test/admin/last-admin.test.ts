// The last active admin cannot be removed by any writer: the D1 triggers of migration 0009 check
// inside the writing statement, so the check and the write are one atomic step.
import { describe, expect, it } from "vitest";
import { testEnv, uniqueName } from "../helpers";

const db = testEnv.DB;

async function insertUser(roles: string[], isActive = true): Promise<string> {
  const id = crypto.randomUUID();
  const name = uniqueName("la");
  const at = new Date().toISOString();
  await db
    .prepare("INSERT INTO users (id, username, username_normalized, password_hash, roles, is_active, created_at, updated_at) VALUES (?, ?, ?, 'x', ?, ?, ?, ?)")
    .bind(id, name, name.toLowerCase(), JSON.stringify(roles), isActive ? 1 : 0, at, at)
    .run();
  return id;
}

/** Leaves `keep` as the only active admin (other tests of this file make admins too). */
async function onlyAdmin(keep: string): Promise<void> {
  await db.prepare("UPDATE users SET roles = '[]' WHERE id <> ? AND roles LIKE '%\"admin\"%'").bind(keep).run();
}

const roles = async (id: string) => (await db.prepare("SELECT roles, is_active FROM users WHERE id = ?").bind(id).first<{ roles: string; is_active: number }>())!;

describe("the last active admin (migration 0009 triggers)", () => {
  it("refuses to revoke, disable or delete the only active admin, and changes nothing", async () => {
    const admin = await insertUser(["admin", "staff"]);
    await onlyAdmin(admin);
    for (const sql of ["UPDATE users SET roles = '[\"staff\"]' WHERE id = ?", "UPDATE users SET is_active = 0 WHERE id = ?", "DELETE FROM users WHERE id = ?"]) {
      await expect(db.prepare(sql).bind(admin).run()).rejects.toThrow(/edge-auth: last active admin/);
    }
    expect(await roles(admin)).toEqual({ roles: '["admin","staff"]', is_active: 1 });
  });

  it("rolls back the whole batch the refused statement was in", async () => {
    const admin = await insertUser(["admin"]);
    await onlyAdmin(admin);
    const other = await insertUser([]);
    await expect(
      db.batch([db.prepare("UPDATE users SET roles = '[\"x\"]' WHERE id = ?").bind(other), db.prepare("UPDATE users SET roles = '[]' WHERE id = ?").bind(admin)]),
    ).rejects.toThrow(/last active admin/);
    expect(await roles(other)).toEqual({ roles: "[]", is_active: 1 });
  });

  it("lets one of two admins go, then refuses the other: two demotions cannot both pass", async () => {
    const a = await insertUser(["admin"]);
    await onlyAdmin(a);
    const b = await insertUser(["admin"]);
    const demote = (id: string) => db.prepare("UPDATE users SET roles = '[]' WHERE id = ?").bind(id).run();
    const results = await Promise.allSettled([demote(a), demote(b)]);
    expect(results.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    const left = await db.prepare("SELECT count(*) AS n FROM users u, json_each(u.roles) r WHERE u.is_active = 1 AND r.value = 'admin'").first<{ n: number }>();
    expect(left).toEqual({ n: 1 });
  });

  it("lets a non-admin or an inactive admin change freely, and an admin go when another remains", async () => {
    const admin = await insertUser(["admin"]);
    const inactive = await insertUser(["admin"], false);
    const plain = await insertUser([]);
    await onlyAdmin(admin);
    await db.prepare("UPDATE users SET roles = '[\"admin\"]' WHERE id = ?").bind(plain).run();
    await db.prepare("DELETE FROM users WHERE id = ?").bind(inactive).run();
    await db.prepare("UPDATE users SET roles = '[]' WHERE id = ?").bind(admin).run();
    expect(await roles(admin)).toEqual({ roles: "[]", is_active: 1 });
  });
});
