// edge-auth/client in TOKEN mode on a page of ANOTHER origin, in Debian's headless Chromium: an app
// served by its own node:http server (which serves the built dist/client/index.js as its copy of
// the package) calls the worker across origins. ALLOWED_ORIGINS lists one such origin: there the
// worker answers CORS with credentials and the client works end to end; from an origin it does not
// list, the browser withholds every answer and the client surfaces a NetworkError, with nothing
// stored and nothing created.
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import path from "node:path";
import type { BrowserContext, Page, Response } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "./chromium";
import { storedInBrowser } from "./demo-page";
import { freePort, startWorker, type RunningWorker } from "./worker";

const root = path.resolve(import.meta.dirname, "../..");
const PASSWORD = "correct horse battery staple";

/** The app: a page whose module script creates the client for the service named in its query. */
const APP_HTML = '<!doctype html><meta charset="utf-8"><title>another app</title><script type="module" src="/app.js"></script>';
const APP_JS = `import { createAuthClient } from "/edge-auth-client.js";
const service = new URLSearchParams(location.search).get("service");
window.auth = createAuthClient({ baseUrl: service, mode: "token" });
window.ready = true;`;

async function appServer(): Promise<{ server: Server; origin: string }> {
  const client = readFileSync(path.join(root, "dist/client/index.js"), "utf8");
  const files: Record<string, [string, string]> = { "/": ["text/html", APP_HTML], "/app.js": ["text/javascript", APP_JS], "/edge-auth-client.js": ["text/javascript", client] };
  const server = createServer((req, res) => {
    const file = files[new URL(req.url ?? "/", "http://x").pathname];
    if (!file) return res.writeHead(404).end();
    res.writeHead(200, { "Content-Type": file[0] }).end(file[1]);
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return { server, origin: `http://127.0.0.1:${port}` };
}

let worker: RunningWorker;
let allowed: Awaited<ReturnType<typeof appServer>>;
let refused: Awaited<ReturnType<typeof appServer>>;
let browser: BrowserContext;

beforeAll(async () => {
  [allowed, refused, browser] = await Promise.all([appServer(), appServer(), launchChromium()]);
  worker = await startWorker({ ALLOWED_ORIGINS: allowed.origin });
});
afterAll(async () => {
  await browser?.close();
  await worker?.stop();
  for (const app of [allowed, refused]) app?.server.close();
});

async function openApp(origin: string): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(`${origin}/?service=${encodeURIComponent(worker.url)}`);
  await page.waitForFunction(() => (window as { ready?: boolean }).ready === true);
  return page;
}

/** Runs `script` in the page with `window.auth`; a thrown client error comes back as its fields. */
function inPage<T>(page: Page, script: string): Promise<T | { error: Record<string, unknown> }> {
  return page.evaluate(async (code) => {
    const auth = (window as unknown as { auth: unknown }).auth;
    try {
      return await new Function("auth", `return (async () => { ${code} })()`)(auth);
    } catch (error) {
      const e = error as { name: string; kind?: string; status?: number; code?: string };
      return { error: { name: e.name, kind: e.kind, status: e.status, code: e.code } };
    }
  }, script) as Promise<T | { error: Record<string, unknown> }>;
}

describe("edge-auth/client in token mode on another origin", () => {
  it("works from an origin in ALLOWED_ORIGINS: register, me, an authenticated fetch, refresh, logout everywhere", async () => {
    const page = await openApp(allowed.origin);
    const answers: Response[] = [];
    page.on("response", (response) => answers.push(response));
    const username = `cors${crypto.randomUUID().slice(0, 8)}`;
    const result = await inPage<Record<string, unknown>>(page, `
      const registered = await auth.register({ username: ${JSON.stringify(username)}, password: ${JSON.stringify(PASSWORD)} });
      const me = await auth.me();
      const sessions = await (await auth.fetch(${JSON.stringify(`${worker.url}/auth/sessions`)})).json();
      const before = auth.expiresAt;
      await auth.refresh();
      await auth.logoutAll();
      return { registered: registered.user.username, me: me.username, sessions: sessions.sessions.length, refreshed: typeof before === "number", user: auth.user };`);
    expect(result).toEqual({ registered: username, me: username, sessions: 1, refreshed: true, user: null });

    // Every answer to the page was CORS with credentials for exactly its origin (never "*").
    const fromWorker = answers.filter((r) => r.url().startsWith(worker.url));
    expect(fromWorker.map((r) => `${r.request().method()} ${new URL(r.url()).pathname} ${r.status()}`)).toEqual(
      expect.arrayContaining(["POST /auth/register 201", "GET /auth/me 200", "GET /auth/sessions 200", "POST /auth/refresh 200", "POST /auth/logout 204"]),
    );
    for (const response of fromWorker) {
      const headers = await response.allHeaders();
      expect([headers["access-control-allow-origin"], headers["access-control-allow-credentials"]]).toEqual([allowed.origin, "true"]);
    }
    // The default token storage is memory: nothing left in the browser.
    expect(await storedInBrowser(page)).toEqual({ localStorage: 0, sessionStorage: 0, indexedDB: [], documentCookie: "" });
    expect(await browser.cookies(worker.url)).toEqual([]);
    await page.close();
  });

  it("surfaces a refused origin as a NetworkError, stores nothing and creates nothing", async () => {
    const page = await openApp(refused.origin);
    const username = `refused${crypto.randomUUID().slice(0, 8)}`;
    const result = await inPage(page, `await auth.register({ username: ${JSON.stringify(username)}, password: ${JSON.stringify(PASSWORD)} }); return auth.user;`);
    expect(result).toEqual({ error: { name: "NetworkError", kind: "network", status: 0, code: "network_error" } });
    expect(await inPage(page, "return auth.user;")).toBeNull();
    expect(await storedInBrowser(page)).toEqual({ localStorage: 0, sessionStorage: 0, indexedDB: [], documentCookie: "" });
    expect(await browser.cookies(worker.url)).toEqual([]);
    // The preflight was refused, so the registration never reached the service.
    const login = await fetch(`${worker.url}/auth/login`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ identifier: username, password: PASSWORD }) });
    expect([login.status, await login.json()]).toEqual([401, { error: "invalid_credentials", error_description: "The username/email or password is incorrect." }]);
    await page.close();
  });
});
