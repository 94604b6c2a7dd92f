// Storage faults on admin routes: 503 + Retry-After, and nothing half-written. The real D1/KV
// adapters with one port method failing the way a failing binding does (as test/security/faults).
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { defaultStores } from "../../src/runtime";
import { d1UserStore } from "../../src/storage/d1-users";
import { guardStorage } from "../../src/storage/guard";
import type { AllStores } from "../../src/storage/ports";
import { json, testEnv } from "../helpers";
import { bearer, makeAdmin, makeUser, patch } from "./support";

const UNAVAILABLE = { error: "temporarily_unavailable", error_description: "The service is temporarily unavailable. Try again shortly." };

function appFailing(port: keyof AllStores, method: string) {
  const stores = defaultStores(testEnv);
  (stores[port] as unknown as Record<string, unknown>)[method] = () => guardStorage(`${port}.${method}`, () => Promise.reject(new Error("injected fault")));
  const app = createApp({ stores: () => stores });
  return (token: string, path: string, init: RequestInit = {}) =>
    app.request(path, { ...init, headers: { ...bearer(token), "CF-Connecting-IP": "198.18.0.9", ...(init.headers as Record<string, string>) } }, testEnv);
}

async function expectUnavailable(response: Response) {
  expect([response.status, await response.json()]).toEqual([503, UNAVAILABLE]);
  expect(response.headers.get("Retry-After")).toBe("5");
}

const userRow = (id: string) => env.DB.prepare("SELECT username, email, roles, is_active, token_version, updated_at FROM users WHERE id = ?").bind(id).first();
const adminEvents = (id: string) => env.DB.prepare("SELECT count(*) AS n FROM audit_events WHERE user_id = ? AND event LIKE 'admin_%'").bind(id).first();

describe("admin routes when D1 fails", () => {
  it("PATCH: the change and its audit rows are one batch; a failed batch leaves the user as it was", async () => {
    const [admin, user] = [await makeAdmin(), await makeUser("f1")];
    const before = [await userRow(user.id), await adminEvents(user.id)];
    const send = appFailing("users", "update");
    await expectUnavailable(await send(admin.token, `/admin/users/${user.id}`, patch({ roles: ["staff"], is_active: false, email: `z.${user.username}@example.com` })));
    expect([await userRow(user.id), await adminEvents(user.id)]).toEqual(before);
  });

  it("a batch whose last statement fails rolls back the user change and the audit rows before it (real D1)", async () => {
    const [admin, user] = [await makeAdmin(), await makeUser("f2")];
    const before = [await userRow(user.id), await adminEvents(user.id)];
    // The real adapter over a D1 whose batches end with a statement that fails.
    const db = new Proxy(env.DB, {
      get: (target, name) => (name === "batch" ? (statements: D1PreparedStatement[]) => target.batch([...statements, target.prepare("SELECT * FROM no_such_table")]) : Reflect.get(target, name).bind(target)),
    });
    const stores = { ...defaultStores(testEnv), users: d1UserStore(db) };
    const app = createApp({ stores: () => stores });
    const response = await app.request(`/admin/users/${user.id}`, { ...patch({ roles: ["staff"], email: `y.${user.username}@example.com` }), headers: { "Content-Type": "application/json", ...bearer(admin.token) } }, testEnv);
    await expectUnavailable(response);
    expect([await userRow(user.id), await adminEvents(user.id)]).toEqual(before);
    const identifiers = await env.DB.prepare("SELECT identifier FROM login_identifiers WHERE user_id = ? ORDER BY identifier").bind(user.id).all();
    expect(identifiers.results).toEqual([{ identifier: user.username.toLowerCase() }, { identifier: `${user.username.toLowerCase()}@example.com` }].sort((a, b) => (a.identifier < b.identifier ? -1 : 1)));
  });

  it("search, audit and client listings answer 503", async () => {
    const admin = await makeAdmin();
    await expectUnavailable(await appFailing("directory", "searchUsers")(admin.token, "/admin/users"));
    await expectUnavailable(await appFailing("directory", "listAudit")(admin.token, "/admin/audit"));
    await expectUnavailable(await appFailing("clients", "list")(admin.token, "/admin/clients"));
  });

  it("client creation and rotation: no client, no new hash, no audit row", async () => {
    const admin = await makeAdmin();
    const count = () => env.DB.prepare("SELECT (SELECT count(*) FROM clients) AS clients, (SELECT count(*) FROM audit_events WHERE event LIKE 'admin_client_%') AS events").first();
    const before = await count();
    await expectUnavailable(await appFailing("clients", "create")(admin.token, "/admin/clients", json({ name: "x", scopes: [] })));
    expect(await count()).toEqual(before);
  });

  it("the admin check itself: a failing user read is 503, never a pass", async () => {
    const admin = await makeAdmin();
    await expectUnavailable(await appFailing("users", "findById")(admin.token, "/admin/users"));
  });
});
