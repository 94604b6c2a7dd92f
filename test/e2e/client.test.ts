// The BUILT edge-auth/client (dist/client, as `npm install` builds it) in Node against the real
// worker, in token mode, with access tokens that live 3 seconds (JWT_EXPIRATION=3): register, me,
// fetch, a refresh once the token has expired, a 401 answered by one refresh and one retry, and
// logoutAll; then docs/examples/client-token.mjs as a reader runs it ("edge-auth/client" resolved
// through package.json's exports).
import { spawnSync } from "node:child_process";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type * as ClientModule from "../../src/client/index";
import { loggedMessage } from "./dev-log";
import { startWorker, type RunningWorker } from "./worker";

const root = path.resolve(import.meta.dirname, "../..");
let worker: RunningWorker;
let client: typeof ClientModule;

beforeAll(async () => {
  // The e2e global setup ran scripts/build.mjs; the test uses its output, not the sources.
  client = (await import(pathToFileURL(path.join(root, "dist/client/index.js")).href)) as typeof ClientModule;
  worker = await startWorker({ JWT_EXPIRATION: "3" });
});
afterAll(() => worker?.stop());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** fetch that records "METHOD path status" for every request the client makes. */
function recordingFetch() {
  const log: string[] = [];
  const fetchAndLog: ClientModule.FetchLike = async (input, init) => {
    const request = new Request(input, init);
    const response = await fetch(request);
    log.push(`${request.method} ${new URL(request.url).pathname} ${response.status}`);
    return response;
  };
  return { log, fetch: fetchAndLog };
}

describe("edge-auth/client (built) against the worker", () => {
  it("token mode: register, me, fetch, refresh after expiry, one refresh + retry on a 401, logoutAll", async () => {
    const { log, fetch } = recordingFetch();
    const items = new Map<string, string>();
    const storage: ClientModule.TokenStorage = { getItem: (k) => items.get(k) ?? null, setItem: (k, v) => void items.set(k, v), removeItem: (k) => void items.delete(k) };
    // No leeway: a slow machine must not refresh before the step that expects it.
    const auth = client.createAuthClient({ baseUrl: worker.url, mode: "token", fetch, storage, refreshLeeway: 0 });
    const events: string[] = [];
    auth.on("signedIn", () => events.push("signedIn"));
    auth.on("refreshed", () => events.push("refreshed"));
    auth.on("signedOut", (e) => events.push(`signedOut ${e.reason}`));

    const username = `e2eclient${Date.now()}`;
    const { user } = await auth.register({ username, email: `${username}@example.com`, password: "correct horse battery staple" });
    expect(user).toEqual({ id: expect.any(String), username, email: `${username}@example.com`, email_verified: false, roles: [], created_at: expect.any(String) });
    expect(auth.expiresAt! - Date.now()).toBeLessThanOrEqual(3000);
    expect(await auth.me()).toEqual(user);
    const sessions = await auth.fetch(`${worker.url}/auth/sessions`);
    expect(sessions.status).toBe(200);
    expect(((await sessions.json()) as { sessions: { current: boolean }[] }).sessions.map((s) => s.current)).toEqual([true]);
    expect(log).toEqual(["POST /auth/register 201", "GET /auth/me 200", "GET /auth/sessions 200"]);

    // Past JWT_EXPIRATION: the client refreshes before the request instead of sending a dead token.
    await sleep(3100);
    log.length = 0;
    expect(await auth.me()).toEqual(user);
    expect(log).toEqual(["POST /auth/refresh 200", "GET /auth/me 200"]);

    // A token the client believes valid but the worker refuses (expired by a clock that lied, say):
    // one refresh, one retry.
    await sleep(3100);
    const key = `edge-auth:${worker.url}`;
    const stored = JSON.parse(items.get(key)!) as { times: { expiresAt: number } };
    stored.times.expiresAt = Date.now() + 3_600_000;
    items.set(key, JSON.stringify(stored));
    const believing = client.createAuthClient({ baseUrl: worker.url, mode: "token", fetch, storage, refreshLeeway: 0 });
    log.length = 0;
    expect((await believing.fetch(`${worker.url}/auth/me`)).status).toBe(200);
    expect(log).toEqual(["GET /auth/me 401", "POST /auth/refresh 200", "GET /auth/me 200"]);

    const refreshToken = (JSON.parse(items.get(key)!) as { refreshToken: string }).refreshToken;
    log.length = 0;
    await believing.logoutAll();
    expect(log).toEqual(["POST /auth/logout 204"]);
    expect(believing.user).toBeNull();
    expect(items.size).toBe(0);
    const refused = await globalThis.fetch(`${worker.url}/auth/refresh`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ refresh_token: refreshToken }) });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({ error: "invalid_grant", error_description: expect.any(String) });
    expect(events).toEqual(["signedIn", "refreshed"]);
  });

  it("a wrong password is one login request and a typed error; nothing is stored", async () => {
    const { log, fetch } = recordingFetch();
    const auth = client.createAuthClient({ baseUrl: worker.url, mode: "token", fetch });
    const error = await auth.login({ identifier: "nobody-at-all", password: "wrong password" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(client.AuthError);
    expect(error).toMatchObject({ status: 401, code: "invalid_credentials", kind: "api" });
    expect(log).toEqual(["POST /auth/login 401"]);
    expect(auth.user).toBeNull();
  });

  it("the account lifecycle: email verification and a password reset from the logged links, deleteAccount", async () => {
    const { log, fetch } = recordingFetch();
    const auth = client.createAuthClient({ baseUrl: worker.url, mode: "token", fetch, refreshLeeway: 0 });
    const username = `e2elife${Date.now()}`;
    const email = `${username}@example.com`;
    await auth.register({ username, email, password: "correct horse battery staple" });
    await auth.requestEmailVerification();
    const verification = await loggedMessage(worker, "email_verification", email);
    const { user } = await client.createAuthClient({ baseUrl: worker.url, mode: "token", fetch }).verifyEmail({ token: verification.token });
    expect(user).toMatchObject({ username, email_verified: true });

    await auth.forgotPassword({ email });
    const reset = await loggedMessage(worker, "password_reset", email);
    const other = client.createAuthClient({ baseUrl: worker.url, mode: "token", fetch, refreshLeeway: 0 });
    expect((await other.resetPassword({ token: reset.token, newPassword: "a brand new passphrase 42" })).user).toMatchObject({ username, email_verified: true });

    log.length = 0;
    await expect(other.deleteAccount({ password: "correct horse battery staple" })).rejects.toMatchObject({ status: 401, code: "invalid_credentials" });
    expect(log).toEqual(["DELETE /auth/me 401"]);
    const reasons: string[] = [];
    other.on("signedOut", (e) => reasons.push(e.reason));
    await other.deleteAccount({ password: "a brand new passphrase 42" });
    expect([other.user, reasons]).toEqual([null, ["account_deleted"]]);
    await expect(other.login({ identifier: username, password: "a brand new passphrase 42" })).rejects.toMatchObject({ status: 401, code: "invalid_credentials" });
  });

  it("docs/examples/client-token.mjs runs as docs/client.md shows", () => {
    const run = spawnSync(process.execPath, ["docs/examples/client-token.mjs"], { cwd: root, encoding: "utf8", env: { ...process.env, EDGE_AUTH_URL: worker.url } });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^signed in as grace\d+, token valid for 3 s\n200: 1 session, current: true\nrefused: 401 invalid_credentials\nsigned out \(logout\)\n$/);
  });
});
