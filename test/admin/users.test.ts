// /admin/users and /admin/audit over real local D1/KV: search, keyset pagination, one user, changes
// with their audit rows, the last-admin rule, and the strict request rules.
import { describe, expect, it } from "vitest";
import { json, STRONG_PASSWORD, testEnv } from "../helpers";
import { auditRows, makeAdmin, makeUser, patch, send, type Account } from "./support";

type Body = Record<string, any>;
const body = async (r: Response) => (await r.json()) as Body;

/** Leaves `keep` the only active admin: other tests of this file make admins too. */
const onlyAdmin = (keep: Account) => testEnv.DB.prepare("UPDATE users SET roles = '[]' WHERE id <> ? AND roles LIKE '%\"admin\"%'").bind(keep.id).run();

describe("GET /admin/users", () => {
  it("searches by username or email prefix, case-insensitively, and answers the admin view of each user", async () => {
    const admin = await makeAdmin();
    const tag = `srch${crypto.randomUUID().slice(0, 6)}`;
    const alice = await makeUser(`${tag}a`);
    await testEnv.DB.prepare("UPDATE users SET email = ?, email_normalized = ? WHERE id = ?").bind(`Zed.${tag}@Example.com`, `zed.${tag}@example.com`, alice.id).run();
    const byName = await body(await admin.as(`/admin/users?query=${tag.toUpperCase()}`));
    expect(byName.users.map((u: Body) => u.id)).toEqual([alice.id]);
    expect(byName.users[0]).toEqual({
      id: alice.id,
      username: alice.username,
      email: `Zed.${tag}@Example.com`,
      email_verified: false,
      roles: [],
      created_at: expect.any(String),
      is_active: true,
      last_login_at: null,
    });
    expect(byName.next_cursor).toBeNull();
    const byEmail = await body(await admin.as(`/admin/users?query=ZED.${tag}`));
    expect(byEmail.users.map((u: Body) => u.id)).toEqual([alice.id]);
  });

  it("pages by cursor without repeating or skipping a user when others are added between pages", async () => {
    const admin = await makeAdmin();
    const tag = `pg${crypto.randomUUID().slice(0, 6)}`;
    const made = [];
    for (const letter of ["b", "d", "f", "h"]) made.push(await makeUser(`${tag}${letter}`));
    const first = await body(await admin.as(`/admin/users?query=${tag}&limit=2`));
    expect(first.users).toHaveLength(2);
    expect(first.next_cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    // One sorts before the cursor, one after it: the second page must hold the later one only.
    await makeUser(`${tag}a`);
    const late = await makeUser(`${tag}g`);
    const second = await body(await admin.as(`/admin/users?query=${tag}&limit=2&cursor=${first.next_cursor}`));
    const third = await body(await admin.as(`/admin/users?query=${tag}&limit=2&cursor=${second.next_cursor}`));
    const seen = [...first.users, ...second.users, ...third.users].map((u: Body) => u.id);
    const expected = [...made.slice(0, 2).map((u) => u.id), made[2]!.id, late.id, made[3]!.id].sort();
    expect([...seen].sort()).toEqual(expected);
    expect(third.next_cursor).toBeNull();
  });

  it.each([
    ["limit=0", { limit: "Must be a whole number from 1 to 200." }],
    ["limit=201", { limit: "Must be a whole number from 1 to 200." }],
    ["limit=ten", { limit: "Must be a whole number from 1 to 200." }],
    ["cursor=not-a-cursor", { cursor: "Invalid cursor." }],
    [`cursor=${btoa('{"v":1,"after":7}').replace(/=/g, "")}`, { cursor: "Invalid cursor." }],
    ["limit=5&limit=6", { limit: "Give this parameter once." }],
    ["sort=name", { body: "Unknown field: sort." }],
    [`query=${"a".repeat(255)}`, { query: "Ensure this field has no more than 254 characters." }],
  ])("refuses ?%s with 400 and the field's message", async (query, fields) => {
    const admin = await makeAdmin();
    const response = await admin.as(`/admin/users?${query}`);
    expect([response.status, await response.json()]).toEqual([400, { error: "invalid_request", error_description: "The request has invalid fields.", fields }]);
  });

  it("answers 50 users by default and at most 200", async () => {
    const admin = await makeAdmin();
    for (let i = 0; i < 3; i++) await makeUser("fill");
    const count = await testEnv.DB.prepare("SELECT count(*) AS n FROM users").first<{ n: number }>();
    const page = await body(await admin.as("/admin/users"));
    expect(page.users).toHaveLength(Math.min(50, count!.n));
    expect(page.next_cursor === null).toBe(count!.n <= 50);
  });
});

describe("GET /admin/users/{id}", () => {
  it("answers 404 not_found for an unknown or malformed id", async () => {
    const admin = await makeAdmin();
    for (const id of ["00000000-0000-4000-8000-000000000000", "..%2F..", "x".repeat(65)]) {
      const response = await admin.as(`/admin/users/${id}`);
      expect([response.status, await response.json()]).toEqual([404, { error: "not_found", error_description: "No such user." }]);
    }
  });

  it("answers the user with is_active, last_login_at and its live sessions", async () => {
    const [admin, user] = [await makeAdmin(), await makeUser("one")];
    const response = await admin.as(`/admin/users/${user.id}`);
    expect(response.status).toBe(200);
    const answer = await body(response);
    expect(answer.user).toMatchObject({ id: user.id, username: user.username, is_active: true });
    expect(answer.sessions).toEqual([expect.objectContaining({ kind: "tokens" })]);
  });
});

describe("PATCH /admin/users/{id}", () => {
  it("grants and revokes roles, answering the user, with one audit row per role naming the actor", async () => {
    const [admin, user] = [await makeAdmin(), await makeUser("roles")];
    const granted = await admin.as(`/admin/users/${user.id}`, patch({ roles: ["staff", "editor"] }));
    expect([granted.status, (await body(granted)).user.roles]).toEqual([200, ["staff", "editor"]]);
    expect((await admin.as(`/admin/users/${user.id}`, patch({ roles: ["editor"] }))).status).toBe(200);
    expect(await auditRows("user_id = ? AND event LIKE 'admin_%'", user.id)).toEqual([
      { event: "admin_role_granted", user_id: user.id, detail: { actor: admin.id, role: "staff" } },
      { event: "admin_role_granted", user_id: user.id, detail: { actor: admin.id, role: "editor" } },
      { event: "admin_role_revoked", user_id: user.id, detail: { actor: admin.id, role: "staff" } },
    ]);
  });

  it("changes the email: the new one logs in, the old one no longer does, and it is audited without the address", async () => {
    const [admin, user] = [await makeAdmin(), await makeUser("mail")];
    const response = await admin.as(`/admin/users/${user.id}`, patch({ email: `New.${user.username}@Example.org` }));
    expect([response.status, (await body(response)).user.email]).toEqual([200, `New.${user.username}@Example.org`]);
    const login = (identifier: string) => send("/auth/login", json({ identifier, password: STRONG_PASSWORD }));
    expect((await login(`new.${user.username}@example.org`)).status).toBe(200);
    expect((await login(`${user.username}@example.com`)).status).toBe(401);
    expect((await login(user.username)).status).toBe(200);
    expect(await auditRows("user_id = ? AND event LIKE 'admin_%'", user.id)).toEqual([{ event: "admin_user_updated", user_id: user.id, detail: { actor: admin.id, field: "email" } }]);
  });

  it("sets email_verified, and a changed email is unverified again unless the same request says otherwise", async () => {
    const [admin, user] = [await makeAdmin(), await makeUser("verif")];
    const verified = await admin.as(`/admin/users/${user.id}`, patch({ email_verified: true }));
    expect([verified.status, (await body(verified)).user.email_verified]).toEqual([200, true]);
    // The same address in another case is the same address: still verified.
    const sameAddress = await admin.as(`/admin/users/${user.id}`, patch({ email: `${user.username.toUpperCase()}@EXAMPLE.com` }));
    expect([sameAddress.status, (await body(sameAddress)).user.email_verified]).toEqual([200, true]);
    const moved = await admin.as(`/admin/users/${user.id}`, patch({ email: `moved.${user.username}@example.org` }));
    expect([moved.status, (await body(moved)).user.email_verified]).toEqual([200, false]);
    const movedVerified = await admin.as(`/admin/users/${user.id}`, patch({ email: `again.${user.username}@example.org`, email_verified: true }));
    expect([movedVerified.status, (await body(movedVerified)).user.email_verified]).toEqual([200, true]);
    const row = await testEnv.DB.prepare("SELECT email_verified FROM users WHERE id = ?").bind(user.id).first<{ email_verified: number }>();
    expect(row).toEqual({ email_verified: 1 });
    expect(await auditRows("user_id = ? AND event LIKE 'admin_%'", user.id)).toEqual([
      { event: "admin_user_updated", user_id: user.id, detail: { actor: admin.id, field: "email_verified" } },
      { event: "admin_user_updated", user_id: user.id, detail: { actor: admin.id, field: "email" } },
      { event: "admin_user_updated", user_id: user.id, detail: { actor: admin.id, field: "email" } },
      { event: "admin_user_updated", user_id: user.id, detail: { actor: admin.id, field: "email" } },
      // The move reset it; the same request set it again: the admin's word is audited.
      { event: "admin_user_updated", user_id: user.id, detail: { actor: admin.id, field: "email_verified" } },
    ]);
  });

  it("refuses another account's email or username with 409 and changes nothing", async () => {
    const [admin, user, other] = [await makeAdmin(), await makeUser("m1"), await makeUser("m2")];
    for (const email of [`${other.username}@EXAMPLE.com`]) {
      const response = await admin.as(`/admin/users/${user.id}`, patch({ email, roles: ["x"] }));
      expect([response.status, await response.json()]).toEqual([409, { error: "conflict", error_description: "An account with this username or email already exists." }]);
    }
    const row = await testEnv.DB.prepare("SELECT email, roles FROM users WHERE id = ?").bind(user.id).first();
    expect(row).toEqual({ email: `${user.username}@example.com`, roles: "[]" });
    expect(await auditRows("user_id = ? AND event LIKE 'admin_%'", user.id)).toEqual([]);
  });

  it.each([
    [{}, { body: "Send at least one of roles, is_active, email, email_verified." }],
    [{ email_verified: "yes" }, { email_verified: "Must be true or false." }],
    [{ roles: "admin" }, { roles: "Must be a list of roles." }],
    [{ roles: ["admin", "admin"] }, { roles: "Give each role once." }],
    [{ roles: ["bad role"] }, { roles: "A role is 1 to 64 letters, digits or _ . : -." }],
    [{ is_active: "no" }, { is_active: "Must be true or false." }],
    [{ email: "nope" }, { email: "Enter a valid email address." }],
    [{ email: `${"a".repeat(250)}@x.io` }, { email: "Ensure this field has no more than 254 characters." }],
    [{ password: "x" }, { body: "Unknown field: password." }],
  ])("refuses %j with 400", async (input, fields) => {
    const [admin, user] = [await makeAdmin(), await makeUser("bad")];
    const response = await admin.as(`/admin/users/${user.id}`, patch(input));
    expect([response.status, await response.json()]).toEqual([400, { error: "invalid_request", error_description: "The request has invalid fields.", fields }]);
  });

  it("answers 415 for a body that is not JSON and 413 for one over 64 KiB", async () => {
    const [admin, user] = [await makeAdmin(), await makeUser("media")];
    const form = await admin.as(`/admin/users/${user.id}`, { method: "PATCH", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: "roles=admin" });
    expect([form.status, await form.json()]).toEqual([415, { error: "unsupported_media_type", error_description: "Send the request body as application/json." }]);
    const big = await admin.as(`/admin/users/${user.id}`, patch({ email: "x".repeat(70_000) }));
    expect([big.status, await big.json()]).toEqual([413, { error: "payload_too_large", error_description: "The request body is larger than 65536 bytes." }]);
  });

  it("disables an account: its tokens stop at once, refresh is refused, and enabling lets it log in again", async () => {
    const [admin, user] = [await makeAdmin(), await makeUser("dis")];
    const disabled = await admin.as(`/admin/users/${user.id}`, patch({ is_active: false }));
    expect([disabled.status, (await body(disabled)).user.is_active]).toEqual([200, false]);
    expect((await user.as("/auth/me")).status).toBe(401);
    expect((await send("/auth/refresh", json({ refresh_token: user.refresh }))).status).toBe(401);
    expect((await send("/auth/login", json({ username: user.username, password: STRONG_PASSWORD }))).status).toBe(401);
    expect((await admin.as(`/admin/users/${user.id}`, patch({ is_active: true }))).status).toBe(200);
    expect((await send("/auth/login", json({ username: user.username, password: STRONG_PASSWORD }))).status).toBe(200);
    expect((await auditRows("user_id = ? AND event LIKE 'admin_%'", user.id)).map((r) => r.event)).toEqual(["admin_user_disabled", "admin_user_enabled"]);
  });
});

describe("the last active admin", () => {
  const LAST = { error: "conflict", error_description: "This change would leave no active administrator." };

  it("cannot revoke its own admin role, disable itself or delete itself (409), and nothing changes", async () => {
    const admin = await makeAdmin();
    await onlyAdmin(admin);
    for (const [path, init] of [
      [`/admin/users/${admin.id}`, patch({ roles: [], email: `moved.${admin.username}@example.com` })],
      [`/admin/users/${admin.id}`, patch({ is_active: false })],
      [`/admin/users/${admin.id}`, { method: "DELETE" }],
    ] as const) {
      const response = await admin.as(path, init);
      expect([response.status, await response.json()]).toEqual([409, LAST]);
    }
    expect(await testEnv.DB.prepare("SELECT email, roles, is_active, token_version FROM users WHERE id = ?").bind(admin.id).first()).toEqual({ email: `${admin.username}@example.com`, roles: '["admin"]', is_active: 1, token_version: 0 });
    expect(await auditRows("user_id = ? AND event LIKE 'admin_%'", admin.id)).toEqual([]);
    // Refused, not logged out: the admin's token still works.
    expect((await admin.as("/admin/users?limit=1")).status).toBe(200);
  });

  it("two admins demoting each other at once: exactly one succeeds, the other gets 409", async () => {
    const a = await makeAdmin();
    await onlyAdmin(a);
    const b = await makeAdmin();
    const results = await Promise.all([a.as(`/admin/users/${b.id}`, patch({ roles: [] })), b.as(`/admin/users/${a.id}`, patch({ roles: [] }))]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    const admins = await testEnv.DB.prepare("SELECT count(*) AS n FROM users u, json_each(u.roles) r WHERE u.is_active = 1 AND r.value = 'admin'").first();
    expect(admins).toEqual({ n: 1 });
  });
});

describe("GET /admin/audit", () => {
  it("lists events newest first, filtered by user and event, paged by an id cursor", async () => {
    const [admin, user] = [await makeAdmin(), await makeUser("aud")];
    for (const roles of [["a"], ["b"], ["c"]]) expect((await admin.as(`/admin/users/${user.id}`, patch({ roles }))).status).toBe(200);
    const first = await body(await admin.as(`/admin/audit?user_id=${user.id}&event=admin_role_granted&limit=2`));
    expect(first.events.map((e: Body) => e.detail.role)).toEqual(["c", "b"]);
    expect(first.events[0]).toEqual({ id: expect.any(Number), at: expect.any(String), event: "admin_role_granted", user_id: user.id, subject: null, ip: expect.any(String), detail: { actor: admin.id, role: "c" } });
    const second = await body(await admin.as(`/admin/audit?user_id=${user.id}&event=admin_role_granted&limit=2&cursor=${first.next_cursor}`));
    expect([second.events.map((e: Body) => e.detail.role), second.next_cursor]).toEqual([["a"], null]);
  });

  it.each([
    ["event=DROP TABLE", { event: "Must be an event name." }],
    ["user_id=", { user_id: "This field may not be blank." }],
    [`cursor=${btoa('{"v":1,"after":"0"}').replace(/=/g, "")}`, { cursor: "Invalid cursor." }],
  ])("refuses ?%s with 400", async (query, fields) => {
    const admin = await makeAdmin();
    const response = await admin.as(`/admin/audit?${query}`);
    expect([response.status, await response.json()]).toEqual([400, { error: "invalid_request", error_description: "The request has invalid fields.", fields }]);
  });
});

describe("POST /admin/users/{id}/logout and DELETE /admin/users/{id}", () => {
  it("logout ends every session and access token of the user (204), audited with the actor", async () => {
    const [admin, user] = [await makeAdmin(), await makeUser("out")];
    const response = await admin.as(`/admin/users/${user.id}/logout`, { method: "POST" });
    expect([response.status, await response.text()]).toEqual([204, ""]);
    expect((await user.as("/auth/me")).status).toBe(401);
    expect((await send("/auth/refresh", json({ refresh_token: user.refresh }))).status).toBe(401);
    expect((await body(await admin.as(`/admin/users/${user.id}`))).sessions).toEqual([]);
    expect(await auditRows("user_id = ? AND event LIKE 'admin_%'", user.id)).toEqual([{ event: "admin_logout", user_id: user.id, detail: { actor: admin.id } }]);
    // The user can log in again: a logout is not a disable.
    expect((await send("/auth/login", json({ username: user.username, password: STRONG_PASSWORD }))).status).toBe(200);
  });

  it("delete erases the account (204): it can no longer log in, reads are 404, the event keeps only the actor", async () => {
    const [admin, user] = [await makeAdmin(), await makeUser("del")];
    const response = await admin.as(`/admin/users/${user.id}`, { method: "DELETE" });
    expect([response.status, await response.text()]).toEqual([204, ""]);
    expect((await user.as("/auth/me")).status).toBe(401);
    expect((await send("/auth/login", json({ username: user.username, password: STRONG_PASSWORD }))).status).toBe(401);
    expect((await admin.as(`/admin/users/${user.id}`)).status).toBe(404);
    expect(await auditRows("user_id = ?", user.id)).toEqual([]);
    expect(await auditRows("event = 'admin_user_deleted' AND json_extract(detail, '$.actor') = ?", admin.id)).toEqual([{ event: "admin_user_deleted", user_id: null, detail: { actor: admin.id } }]);
  });

  it("answers 404 for an unknown user on logout, delete and patch", async () => {
    const admin = await makeAdmin();
    const id = crypto.randomUUID();
    for (const [path, init] of [[`/admin/users/${id}/logout`, { method: "POST" }], [`/admin/users/${id}`, { method: "DELETE" }], [`/admin/users/${id}`, patch({ roles: [] })]] as const) {
      const response = await admin.as(path, init);
      expect([response.status, await response.json()]).toEqual([404, { error: "not_found", error_description: "No such user." }]);
    }
  });
});
