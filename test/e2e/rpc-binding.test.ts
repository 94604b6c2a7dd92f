// Service Binding RPC: a second Worker (test/e2e/rpc-gateway/) bound to edge-auth calls
// AuthService.verify over RPC. edge-auth runs as `npm start` starts it; the gateway runs in its
// own `wrangler dev`, and they connect through wrangler's dev registry (a directory of this test's
// own, so another test's worker named edge-auth is never the one reached). edge-auth's HTTP API is
// reached through the gateway too (a default-entrypoint binding): `fetch` still serves HTTP.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { blocksOf } from "../docs/markdown";
import { serve, type Running } from "./gateway-servers";
import { freePort, startWorker, type RunningWorker } from "./worker";

const root = path.resolve(import.meta.dirname, "../..");
const registry = mkdtempSync(path.join(tmpdir(), "edge-auth-registry-"));
let edgeAuth: RunningWorker;
let gateway: Running;

beforeAll(async () => {
  const env = { WRANGLER_REGISTRY_PATH: registry, WRANGLER_SEND_METRICS: "false" };
  // A binding call has no origin to take a development issuer from: it is named (docs/gateways.md).
  edgeAuth = await startWorker((port) => ({ ISSUER: `http://127.0.0.1:${port}` }), env);
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), "edge-auth-rpc-gateway-"));
  const args = ["dev", "-c", path.join(root, "test/e2e/rpc-gateway/wrangler.toml"), "--ip", "127.0.0.1", "--port", String(port), "--persist-to", dir, "--inspector-port", "0", "--show-interactive-dev-session=false"];
  gateway = await serve(path.join(root, "node_modules/.bin/wrangler"), args, `http://127.0.0.1:${port}/`, dir, { ...process.env, ...env, NO_COLOR: "1" });
  // Until the dev registry has connected the binding, a call fails; wait for a real answer.
  for (let tries = 0; tries < 100 && (await fetch(`${gateway.url}api/ready`)).status !== 401; tries += 1) await new Promise((r) => setTimeout(r, 200));
});
afterAll(async () => {
  await Promise.all([gateway?.stop(), edgeAuth?.stop()]);
  rmSync(registry, { recursive: true, force: true });
});

const PASSWORD = "correct horse battery staple";
const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${gateway.url.replace(/\/$/, "")}${path}`, { method: "POST", headers: { "Content-Type": "application/json", ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });

describe("a Worker bound to edge-auth calls AuthService.verify and introspect over RPC", () => {
  it("gets the user and an active introspection for a valid token, then invalid_token and active: false after a logout", async () => {
    const username = `rpc${crypto.randomUUID().slice(0, 12)}`;
    const registered = await post("/auth/register", { username, password: PASSWORD });
    expect(registered.status, `${gateway.logs().slice(-1500)}\n${edgeAuth.logs().slice(-1500)}`).toBe(201);
    const { user, access_token } = (await registered.json()) as { user: { id: string }; access_token: string };
    const sid = JSON.parse(Buffer.from(access_token.split(".")[1]!, "base64url").toString()).sid as string;
    const auth = { Authorization: `Bearer ${access_token}` };

    const before = await fetch(`${gateway.url}api/orders`, { headers: auth });
    expect(before.status, `${gateway.logs().slice(-1500)}\n${edgeAuth.logs().slice(-1500)}`).toBe(200);
    expect(await before.json()).toEqual({ path: "/api/orders", user: user.id, username, roles: [], session: sid });

    const introspected = await fetch(`${gateway.url}introspection`, { headers: auth });
    expect(await introspected.json()).toEqual({ active: true, sub: user.id, client_id: "edge-auth", username, roles: [], sid, exp: expect.any(Number), iat: expect.any(Number), iss: edgeAuth.url, aud: "edge-auth-local", token_type: "Bearer" });

    expect((await post("/auth/logout", undefined, auth)).status).toBe(204);
    expect(await (await fetch(`${gateway.url}introspection`, { headers: auth })).json()).toEqual({ active: false });
    const after = await fetch(`${gateway.url}api/orders`, { headers: auth });
    expect([after.status, await after.json(), after.headers.get("WWW-Authenticate")]).toEqual([401, { error: "invalid_token" }, 'Bearer realm="api"']);
  });

  it("gets missing_token without a token and invalid_token for a forged one", async () => {
    const missing = await fetch(`${gateway.url}api/orders`);
    expect([missing.status, await missing.json()]).toEqual([401, { error: "missing_token" }]);
    const forged = await fetch(`${gateway.url}api/orders`, { headers: { Authorization: "Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl" } });
    expect([forged.status, await forged.json()]).toEqual([401, { error: "invalid_token" }]);
  });
});

describe("docs/gateways.md", () => {
  it("shows this gateway Worker as it is (the block is not run by the doc tests, so it is held here)", () => {
    const shown = blocksOf("docs/gateways.md").filter((b) => b.lang === "ts").map((b) => b.code.trimEnd());
    expect(shown).toEqual([readFileSync(path.join(root, "test/e2e/rpc-gateway/worker.ts"), "utf8").trimEnd()]);
  });
});
