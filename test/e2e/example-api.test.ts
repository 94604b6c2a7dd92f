// The example API (examples/api/): a Hono Worker protected by edge-auth/hono, imported as a
// package would be (the built dist/hono through package.json "exports"), run with `wrangler dev`
// beside edge-auth started as `npm start` starts it. They find each other through wrangler's dev
// registry (a directory of this test's own). /orders verifies offline against the JWKS;
// /live/orders and /admin/report ask edge-auth's AuthService over the Service Binding. The same
// built package also runs here, in Node, against the worker's JWKS over HTTP.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// The built package, as another project imports it (package.json "exports"), here in Node.
import { edgeAuth, type EdgeAuthVariables } from "edge-auth/hono";
import { serve, type Running } from "./gateway-servers";
import { freePort, startWorker, type RunningWorker } from "./worker";

const root = path.resolve(import.meta.dirname, "../..");
const registry = mkdtempSync(path.join(tmpdir(), "edge-auth-registry-"));
const PASSWORD = "correct horse battery staple";
let worker: RunningWorker;
let api: Running;

const register = async () => {
  const username = `api${crypto.randomUUID().slice(0, 12)}`;
  const response = await fetch(`${worker.url}/auth/register`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ username, password: PASSWORD }) });
  expect(response.status, worker.logs().slice(-1500)).toBe(201);
  const body = (await response.json()) as { user: { id: string }; access_token: string };
  return { username, id: body.user.id, token: body.access_token };
};
const get = (route: string, token?: string) => fetch(`${api.url}${route}`, { headers: token === undefined ? {} : { Authorization: `Bearer ${token}` } });
const answer = async (response: Response) => ({ status: response.status, body: await response.json(), challenge: response.headers.get("WWW-Authenticate"), cacheControl: response.headers.get("Cache-Control") });

const INVALID = "The access token is invalid or has expired.";
const INVALID_TOKEN = { status: 401, body: { error: "invalid_token", error_description: INVALID }, challenge: `Bearer realm="api", error="invalid_token", error_description="${INVALID}"`, cacheControl: "no-store" };
const NO_TOKEN = { status: 401, body: { error: "invalid_token", error_description: "No access token was provided." }, challenge: 'Bearer realm="api"', cacheControl: "no-store" };

beforeAll(async () => {
  const env = { WRANGLER_REGISTRY_PATH: registry, WRANGLER_SEND_METRICS: "false" };
  // A binding call has no origin to take a development issuer from: it is named (docs/gateways.md).
  worker = await startWorker((port) => ({ ISSUER: `http://127.0.0.1:${port}` }), env);
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), "edge-auth-example-api-"));
  const args = ["dev", "-c", path.join(root, "examples/api/wrangler.toml"), "--ip", "127.0.0.1", "--port", String(port), "--persist-to", dir, "--inspector-port", "0", "--show-interactive-dev-session=false", "--var", `ISSUER:${worker.url}`];
  api = await serve(path.join(root, "node_modules/.bin/wrangler"), args, `http://127.0.0.1:${port}`, dir, { ...process.env, ...env, NO_COLOR: "1" });
  // Until the dev registry has connected the binding, a call through it fails (503); wait for a real answer.
  const { token } = await register();
  for (let tries = 0; tries < 100 && (await get("/live/orders", token)).status !== 200; tries += 1) await new Promise((r) => setTimeout(r, 200));
});
afterAll(async () => {
  await Promise.all([api?.stop(), worker?.stop()]);
  rmSync(registry, { recursive: true, force: true });
});

describe("the example API behind edge-auth", () => {
  it("answers 200 with the user for an edge-auth access token, on both routes", async () => {
    const user = await register();
    const offline = await get("/orders", user.token);
    expect([offline.status, await offline.json()], `${api.logs().slice(-1500)}`).toEqual([200, { orders: [], user: user.id, username: user.username, roles: [], verified: "offline (JWKS)" }]);
    const live = await get("/live/orders", user.token);
    expect([live.status, await live.json()]).toEqual([200, { orders: [], user: user.id, username: user.username, roles: [], verified: "edge-auth (Service Binding)" }]);
  });

  it("answers 401 in the RFC 6750 shape without a token and for a forged one, on both routes", async () => {
    const user = await register();
    const [header, payload] = user.token.split(".");
    const forged = `${header}.${payload}.${"A".repeat(342)}`;
    for (const route of ["/orders", "/live/orders"]) {
      expect(await answer(await get(route))).toEqual(NO_TOKEN);
      expect(await answer(await get(route, forged))).toEqual(INVALID_TOKEN);
      expect(await answer(await get(route, "not-a-jwt"))).toEqual(INVALID_TOKEN);
    }
  });

  it("answers 403 insufficient_scope on the admin route for a user without the admin role", async () => {
    const user = await register();
    const refused = await get("/admin/report", user.token);
    const description = "The access token does not carry a role this route requires.";
    expect(await answer(refused)).toEqual({ status: 403, body: { error: "insufficient_scope", error_description: description }, challenge: `Bearer realm="api", error="insufficient_scope", error_description="${description}"`, cacheControl: "no-store" });
  });

  it("after a logout, still lets the token through offline (until it expires) but refuses it at once through the binding", async () => {
    const user = await register();
    const logout = await fetch(`${worker.url}/auth/logout`, { method: "POST", headers: { Authorization: `Bearer ${user.token}` } });
    expect(logout.status).toBe(204);
    // Offline verification cannot know of the logout: the signature and claims are still good.
    const offline = await get("/orders", user.token);
    expect([offline.status, await offline.json()]).toEqual([200, { orders: [], user: user.id, username: user.username, roles: [], verified: "offline (JWKS)" }]);
    expect(await answer(await get("/live/orders", user.token))).toEqual(INVALID_TOKEN);
  });
});

describe("the built edge-auth/hono in Node", () => {
  it("verifies edge-auth's token against its JWKS over HTTP, and refuses a forged one", async () => {
    const user = await register();
    const app = new Hono<{ Variables: EdgeAuthVariables }>();
    app.get("/me", edgeAuth({ issuer: worker.url, audience: "edge-auth-local" }), (c) => c.json({ sub: c.get("auth").sub, username: c.get("auth").username }));
    const ok = await app.request("/me", { headers: { Authorization: `Bearer ${user.token}` } });
    expect([ok.status, await ok.json()]).toEqual([200, { sub: user.id, username: user.username }]);
    const [header, payload] = user.token.split(".");
    expect(await answer(await app.request("/me", { headers: { Authorization: `Bearer ${header}.${payload}.${"A".repeat(342)}` } }))).toEqual(INVALID_TOKEN);
  });
});

describe("examples/api/src/index.ts", () => {
  it("typechecks against the built edge-auth/hono declarations (tsc -p examples/api)", () => {
    const run = spawnSync(path.join(root, "node_modules/.bin/tsc"), ["-p", "examples/api/tsconfig.json"], { cwd: root, encoding: "utf8" });
    expect([run.status, run.stdout + run.stderr]).toEqual([0, ""]);
  });
});
