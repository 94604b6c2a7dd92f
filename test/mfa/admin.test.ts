// An administrator sees a user's factors and resets them (docs/mfa.md, "Admin reset"), over the
// real local D1: the reset removes TOTP, recovery codes and pending mfa_tokens, is audited with the
// actor, and ends no session.
import { describe, expect, it } from "vitest";
import { json } from "../helpers";
import { auditRows, FORBIDDEN, makeAdmin, makeUser, send, type Account } from "../admin/support";
import { totpCode } from "./support";

async function withTotp(user: Account): Promise<void> {
  const { secret } = (await (await user.as("/auth/mfa/totp/enroll", json({}))).json()) as { secret: string };
  const confirm = await user.as("/auth/mfa/totp/confirm", json({ code: await totpCode(secret, Date.now()) }));
  expect(confirm.status).toBe(200);
}

const login = (user: Account) => send("/auth/login", json({ username: user.username, password: "correct horse battery staple" }));

describe("GET /admin/users/{id} and DELETE /admin/users/{id}/mfa", () => {
  it("shows the factors, resets them all, audits the reset and leaves the sessions alone", async () => {
    const [admin, user] = [await makeAdmin(), await makeUser("mfa")];
    expect(((await (await admin.as(`/admin/users/${user.id}`)).json()) as { mfa: unknown }).mfa).toEqual({ totp: false, passkeys: 0, recovery_codes: 0 });
    await withTotp(user);
    const pending = ((await (await login(user)).json()) as { mfa_token: string }).mfa_token;
    expect(((await (await admin.as(`/admin/users/${user.id}`)).json()) as { mfa: unknown }).mfa).toEqual({ totp: true, passkeys: 0, recovery_codes: 10 });

    const reset = await admin.as(`/admin/users/${user.id}/mfa`, { method: "DELETE" });
    expect([reset.status, reset.headers.get("Cache-Control"), await reset.text()]).toEqual([204, "no-store", ""]);
    expect(((await (await admin.as(`/admin/users/${user.id}`)).json()) as { mfa: unknown }).mfa).toEqual({ totp: false, passkeys: 0, recovery_codes: 0 });
    // The password alone logs in again; the mfa_token issued before the reset is gone.
    expect(Object.keys((await (await login(user)).json()) as object)).toContain("access_token");
    const stale = await send("/auth/mfa/verify", json({ mfa_token: pending, recovery_code: "AAAA-AAAA-AAAA-AAAA" }));
    expect(stale.status).toBe(401);
    // No session ended: the user's token still works.
    expect((await user.as("/auth/me")).status).toBe(200);
    expect(await auditRows("event = 'admin_mfa_reset' AND user_id = ?", user.id)).toEqual([{ event: "admin_mfa_reset", user_id: user.id, detail: { actor: admin.id } }]);
  });

  it("is the admin's alone (403) and answers 404 for an unknown user", async () => {
    const [admin, user] = [await makeAdmin(), await makeUser("mfa")];
    const refused = await user.as(`/admin/users/${user.id}/mfa`, { method: "DELETE" });
    expect([refused.status, await refused.json()]).toEqual([403, FORBIDDEN]);
    const unknown = await admin.as(`/admin/users/${crypto.randomUUID()}/mfa`, { method: "DELETE" });
    expect([unknown.status, await unknown.json()]).toEqual([404, { error: "not_found", error_description: "No such user." }]);
  });

  it("an erased account takes its factors with it (ON DELETE CASCADE)", async () => {
    const user = await makeUser("mfa");
    await withTotp(user);
    expect((await user.as("/auth/me", json({ password: "correct horse battery staple" }, { method: "DELETE" }))).status).toBe(204);
    const { DB } = (await import("cloudflare:workers")).env as Env;
    const rows = await DB.prepare("SELECT (SELECT count(*) FROM mfa_totp WHERE user_id = ?1) + (SELECT count(*) FROM mfa_recovery_codes WHERE user_id = ?1) AS n").bind(user.id).first<{ n: number }>();
    expect(rows).toEqual({ n: 0 });
  });
});
