// Account deletion (DELETE /auth/me with the password): the row and its identifiers go, every
// session ends, and audit rows keep only a pseudonymous id (src/accounts/erase.ts).
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { json, STRONG_PASSWORD } from "../helpers";
import { answer, bearer, memoryLifecycle, realLifecycle, registered } from "./lifecycle-support";

afterEach(() => vi.restoreAllMocks());

const remove = (password: string, headers: Record<string, string>) => ({ ...json({ password }, { headers }), method: "DELETE" });

describe("DELETE /auth/me", () => {
  it("erases the account: 204, its identifiers free, every session and token dead, audit rows pseudonymous", async () => {
    const { send } = realLifecycle();
    const user = await registered(send);
    const other = (await (await send("/auth/login", json({ username: user.username, password: STRONG_PASSWORD }))).json()) as { access_token: string; refresh_token: string };
    const response = await send("/auth/me", remove(STRONG_PASSWORD, bearer(user.access_token)));
    expect(response.status).toBe(204);
    expect(await response.text()).toBe("");

    for (const token of [user.access_token, other.access_token]) expect((await send("/auth/me", { headers: bearer(token) })).status).toBe(401);
    for (const token of [user.refresh_token, other.refresh_token]) expect((await send("/auth/refresh", json({ refresh_token: token }))).status).toBe(401);
    expect((await send("/auth/login", json({ username: user.username, password: STRONG_PASSWORD }))).status).toBe(401);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM users WHERE id = ?").bind(user.user.id).first("n")).toBe(0);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM login_identifiers WHERE user_id = ?").bind(user.user.id).first("n")).toBe(0);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM audit_events WHERE user_id = ?").bind(user.user.id).first("n")).toBe(0);
    const deleted = await env.DB.prepare("SELECT user_id, detail FROM audit_events WHERE event = 'account_deleted' AND detail LIKE ?").bind('%"via":"self"%').all<{ user_id: string; detail: string }>();
    const mine = deleted.results.filter((row) => JSON.parse(row.detail).actor === row.user_id);
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((row) => row.user_id.startsWith("erased:") && !row.user_id.includes(user.user.id))).toBe(true);
    // The name can be registered again: it is a new account with a new id.
    const again = await send("/auth/register", json({ username: user.username, email: user.email, password: STRONG_PASSWORD }));
    expect(again.status).toBe(201);
    expect(((await again.json()) as { user: { id: string } }).user.id).not.toBe(user.user.id);
  });

  it("refuses the last active admin with 409 before ending any session: still logged in, still there", async () => {
    const { send } = realLifecycle();
    const user = await registered(send);
    await env.DB.prepare("UPDATE users SET roles = '[]' WHERE roles LIKE '%\"admin\"%'").run();
    await env.DB.prepare(`UPDATE users SET roles = '["admin"]' WHERE id = ?`).bind(user.user.id).run();
    expect(await answer(await send("/auth/me", remove(STRONG_PASSWORD, bearer(user.access_token))))).toEqual({
      status: 409, body: { error: "conflict", error_description: "This change would leave no active administrator." },
    });
    expect((await send("/auth/me", { headers: bearer(user.access_token) })).status).toBe(200);
    expect((await send("/auth/refresh", json({ refresh_token: user.refresh_token }))).status).toBe(200);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM users WHERE id = ?").bind(user.user.id).first("n")).toBe(1);
  });

  it("refuses a wrong password with 401 invalid_credentials (counted by the lockout) and erases nothing", async () => {
    const h = memoryLifecycle();
    const user = await registered(h.send);
    expect(await answer(await h.send("/auth/me", remove("not the password", bearer(user.access_token))))).toEqual({
      status: 401, body: { error: "invalid_credentials", error_description: "The username/email or password is incorrect." },
    });
    expect(h.stores.users.rows.has(user.user.id)).toBe(true);
    expect(h.stores.attempts.rows.size).toBe(1);
  });

  it("clears the cookies of a cookie-authenticated deletion", async () => {
    const h = memoryLifecycle();
    const user = await registered(h.send);
    const login = await h.send("/auth/login", json({ username: user.username, password: STRONG_PASSWORD, mode: "cookie" }));
    const cookie = login.headers.getAll("Set-Cookie").map((c: string) => c.split(";")[0]).join("; ");
    const response = await h.send("/auth/me", remove(STRONG_PASSWORD, { Cookie: cookie }));
    expect(response.status).toBe(204);
    expect(response.headers.getAll("Set-Cookie").map((c: string) => c.split(";")[0])).toEqual(["edge_access=", "edge_refresh="]);
  });
});
