// Service clients: created with a secret shown once and stored only as an HMAC, listed without it,
// rotated (the old secret stops at once), deleted; verifyClientSecret is what the gateway's
// client_credentials grant calls.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { verifyClientSecret } from "../../src/clients/secret";
import { buildRuntime } from "../../src/runtime";
import { envWith, json, testEnv } from "../helpers";
import { auditRows, makeAdmin } from "./support";

type Body = Record<string, any>;
const rt = () => buildRuntime(testEnv);
const SECRET = /^[A-Za-z0-9_-]{43}$/;

async function created(admin: Awaited<ReturnType<typeof makeAdmin>>, name = "billing", scopes = ["invoices:read", "invoices:write"]) {
  const response = await admin.as("/admin/clients", json({ name, scopes }));
  expect(response.status).toBe(201);
  expect(response.headers.get("Cache-Control")).toBe("no-store");
  return (await response.json()) as Body;
}

describe("POST /admin/clients", () => {
  it("answers 201 with the id, the secret (256 bits, once), name and scopes; D1 keeps only an HMAC", async () => {
    const admin = await makeAdmin();
    const client = await created(admin);
    expect(client).toEqual({ client_id: expect.stringMatching(/^[0-9a-f-]{36}$/), client_secret: expect.stringMatching(SECRET), name: "billing", scopes: ["invoices:read", "invoices:write"] });
    const row = await env.DB.prepare("SELECT * FROM clients WHERE client_id = ?").bind(client.client_id).first<Record<string, string>>();
    expect(row!.secret_hash).toMatch(/^hmac_sha256\$[A-Za-z0-9_-]{43}$/);
    expect(JSON.stringify(row)).not.toContain(client.client_secret);
    expect(await auditRows("event = 'admin_client_created' AND json_extract(detail, '$.client_id') = ?", client.client_id)).toEqual([
      { event: "admin_client_created", user_id: null, detail: { actor: admin.id, client_id: client.client_id } },
    ]);
    expect((await verifyClientSecret(await rt(), client.client_id, client.client_secret))?.clientId).toBe(client.client_id);
  });

  it.each([
    [{ scopes: [] }, { name: "This field is required." }],
    [{ name: "  ", scopes: [] }, { name: "This field may not be blank." }],
    [{ name: "x".repeat(101), scopes: [] }, { name: "Ensure this field has no more than 100 characters." }],
    [{ name: "a\u0000b", scopes: [] }, { name: "Must not contain control characters." }],
    [{ name: "x" }, { scopes: "This field is required." }],
    [{ name: "x", scopes: "read write" }, { scopes: "Must be a list of scopes." }],
    [{ name: "x", scopes: ["read write"] }, { scopes: 'A scope is 1 to 128 printable ASCII characters without space, " or \\ (RFC 6749 §3.3).' }],
    [{ name: "x", scopes: ['say"hi'] }, { scopes: 'A scope is 1 to 128 printable ASCII characters without space, " or \\ (RFC 6749 §3.3).' }],
    [{ name: "x", scopes: ["é"] }, { scopes: 'A scope is 1 to 128 printable ASCII characters without space, " or \\ (RFC 6749 §3.3).' }],
    [{ name: "x", scopes: ["a", "a"] }, { scopes: "Give each scope once." }],
    [{ name: "x", scopes: Array.from({ length: 33 }, (_, i) => `s${i}`) }, { scopes: "Ensure this field has no more than 32 scopes." }],
    [{ name: "x", scopes: [], client_secret: "mine" }, { body: "Unknown field: client_secret." }],
  ])("refuses %j with 400 and writes nothing", async (input, fields) => {
    const admin = await makeAdmin();
    const before = await env.DB.prepare("SELECT count(*) AS n FROM clients").first();
    const response = await admin.as("/admin/clients", json(input));
    expect([response.status, await response.json()]).toEqual([400, { error: "invalid_request", error_description: "The request has invalid fields.", fields }]);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM clients").first()).toEqual(before);
  });
});

describe("GET, DELETE and rotation", () => {
  it("lists clients without any secret or hash", async () => {
    const admin = await makeAdmin();
    const client = await created(admin, "lister", ["a"]);
    const list = (await (await admin.as("/admin/clients")).json()) as Body;
    const mine = list.clients.find((c: Body) => c.client_id === client.client_id);
    expect(mine).toEqual({ client_id: client.client_id, name: "lister", scopes: ["a"], created_at: expect.any(String), secret_rotated_at: null });
    expect(JSON.stringify(list)).not.toMatch(/secret_hash|hmac_sha256/);
  });

  it("rotates the secret: the new one is shown once and verifies, the old one stops at once", async () => {
    const admin = await makeAdmin();
    const client = await created(admin);
    const response = await admin.as(`/admin/clients/${client.client_id}/secret`, { method: "POST" });
    expect(response.status).toBe(200);
    const rotated = (await response.json()) as Body;
    expect(rotated).toEqual({ client_id: client.client_id, client_secret: expect.stringMatching(SECRET), name: "billing", scopes: client.scopes });
    expect(rotated.client_secret).not.toBe(client.client_secret);
    expect(await verifyClientSecret(await rt(), client.client_id, client.client_secret)).toBeNull();
    expect((await verifyClientSecret(await rt(), client.client_id, rotated.client_secret))?.secretRotatedAt).toEqual(expect.any(String));
    expect((await auditRows("event = 'admin_client_secret_rotated' AND json_extract(detail, '$.client_id') = ?", client.client_id)).length).toBe(1);
  });

  it("deletes a client (204, audited); its secret no longer verifies; a second delete or a rotation is 404", async () => {
    const admin = await makeAdmin();
    const client = await created(admin);
    const deleted = await admin.as(`/admin/clients/${client.client_id}`, { method: "DELETE" });
    expect([deleted.status, await deleted.text()]).toEqual([204, ""]);
    expect(await verifyClientSecret(await rt(), client.client_id, client.client_secret)).toBeNull();
    const NOT_FOUND = { error: "not_found", error_description: "No such client." };
    for (const init of [{ method: "DELETE" }, { method: "POST" }]) {
      const path = init.method === "POST" ? `/admin/clients/${client.client_id}/secret` : `/admin/clients/${client.client_id}`;
      const again = await admin.as(path, init);
      expect([again.status, await again.json()]).toEqual([404, NOT_FOUND]);
    }
    expect((await auditRows("event = 'admin_client_deleted' AND json_extract(detail, '$.client_id') = ?", client.client_id)).length).toBe(1);
  });
});

describe("verifyClientSecret", () => {
  it("refuses a wrong secret, an unknown client and a secret of another client", async () => {
    const admin = await makeAdmin();
    const [one, two] = [await created(admin), await created(admin)];
    const runtime = await rt();
    // One character changed (never to itself: a secret may already end in "A").
    const altered = `${one.client_secret.slice(0, -1)}${one.client_secret.endsWith("A") ? "B" : "A"}`;
    expect(await verifyClientSecret(runtime, one.client_id, altered)).toBeNull();
    expect(await verifyClientSecret(runtime, one.client_id, two.client_secret)).toBeNull();
    expect(await verifyClientSecret(runtime, crypto.randomUUID(), one.client_secret)).toBeNull();
    expect(await verifyClientSecret(runtime, one.client_id, "")).toBeNull();
  });

  it("survives a REFRESH_TOKEN_SECRET rotation: checked under the previous key, then rehashed under the new one", async () => {
    const admin = await makeAdmin();
    const client = await created(admin);
    const before = await env.DB.prepare("SELECT secret_hash FROM clients WHERE client_id = ?").bind(client.client_id).first<{ secret_hash: string }>();
    const rotated = envWith({ REFRESH_TOKEN_SECRET: "a-new-refresh-secret-of-at-least-32-characters-0123", REFRESH_TOKEN_SECRET_PREVIOUS: testEnv.REFRESH_TOKEN_SECRET });
    expect((await verifyClientSecret(await buildRuntime(rotated), client.client_id, client.client_secret))?.clientId).toBe(client.client_id);
    const after = await env.DB.prepare("SELECT secret_hash, secret_rotated_at FROM clients WHERE client_id = ?").bind(client.client_id).first<{ secret_hash: string; secret_rotated_at: null }>();
    expect(after!.secret_hash).not.toBe(before!.secret_hash);
    expect(after!.secret_rotated_at).toBeNull();
    // Once the previous secret is gone, the rehashed secret still verifies.
    expect((await verifyClientSecret(await buildRuntime(envWith({ REFRESH_TOKEN_SECRET: rotated.REFRESH_TOKEN_SECRET })), client.client_id, client.client_secret))?.clientId).toBe(client.client_id);
  });
});
