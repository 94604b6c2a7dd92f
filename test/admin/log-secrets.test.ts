// Admin flows log no secret: client secrets (created, rotated, verified), the admin's access
// token, the server secret. The redactor is switched off, as in test/security/log-secrets.test.ts,
// so what our code passes to the log is what is checked.
import { afterEach, describe, expect, it, vi } from "vitest";
import { verifyClientSecret } from "../../src/clients/secret";
import { logRedaction } from "../../src/log";
import { buildRuntime } from "../../src/runtime";
import { json, testEnv } from "../helpers";
import { makeAdmin, makeUser, patch } from "./support";

afterEach(() => vi.restoreAllMocks());

describe("admin log lines", () => {
  it("never hold a client secret, an access token or REFRESH_TOKEN_SECRET", async () => {
    const admin = await makeAdmin();
    const user = await makeUser("logged");
    const lines: string[] = [];
    for (const level of ["log", "info", "warn", "error"] as const) vi.spyOn(console, level).mockImplementation((...args) => void lines.push(args.map(String).join(" ")));
    vi.spyOn(logRedaction, "apply").mockImplementation((line) => line);

    const created = (await (await admin.as("/admin/clients", json({ name: "logged", scopes: ["a"] }))).json()) as { client_id: string; client_secret: string };
    const rotated = (await (await admin.as(`/admin/clients/${created.client_id}/secret`, { method: "POST" })).json()) as { client_secret: string };
    await verifyClientSecret(await buildRuntime(testEnv), created.client_id, rotated.client_secret);
    await verifyClientSecret(await buildRuntime(testEnv), created.client_id, created.client_secret);
    expect((await admin.as(`/admin/users/${user.id}`, patch({ roles: ["x"] }))).status).toBe(200);
    expect((await user.as("/admin/users")).status).toBe(403);
    await admin.as(`/admin/clients/${created.client_id}`, { method: "DELETE" });

    expect(lines.some((line) => line.includes("admin_client_created"))).toBe(true);
    for (const secret of [created.client_secret, rotated.client_secret, admin.token, user.token, testEnv.REFRESH_TOKEN_SECRET]) {
      expect(lines.filter((line) => line.includes(secret))).toEqual([]);
    }
  });
});
