// Seed 004's curl session, and seed 000's browser fetch in real headless Chromium (Debian's
// chromium driven by playwright-core) from a page on an allowed origin and from one that is not.
// Pages and the stand-in app all live on 127.0.0.1: cookies are per host, not per port, and
// SameSite=Lax counts other ports as the same site, so the refused page does hold the session
// cookie and can read csrftoken. Only CORS and the Origin check stand between it and the session.
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import path from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newWorkDir, readCookieJar, runCurl, SEEDS_DIR } from "../seeds/run";
import { startSeedStack, type StandInApp } from "../seeds/stand-in-app";
import { launchChromium } from "./chromium";
import { freePort, type RunningWorker } from "./worker";

// Django's documented getCookie(), which the seed's snippet calls.
const PAGE = `<!doctype html><title>seed 000</title><script>
function getCookie(name) {
  for (const cookie of document.cookie.split(";").map((c) => c.trim())) {
    if (cookie.startsWith(name + "=")) return decodeURIComponent(cookie.slice(name.length + 1));
  }
  return null;
}
</script>`;

async function pageServer(): Promise<{ server: Server; origin: string }> {
  const port = await freePort();
  const server = createServer((_, res) => res.writeHead(200, { "content-type": "text/html" }).end(PAGE));
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return { server, origin: `http://127.0.0.1:${port}` };
}

let worker: RunningWorker;
let app: StandInApp;
let allowed: Awaited<ReturnType<typeof pageServer>>;
let refused: Awaited<ReturnType<typeof pageServer>>;
let browser: BrowserContext;
let stack: Awaited<ReturnType<typeof startSeedStack>>;
beforeAll(async () => {
  [allowed, refused] = await Promise.all([pageServer(), pageServer()]);
  // Seed 004 registers "password123", which the strict policy refuses as too common.
  stack = await startSeedStack({ PASSWORD_POLICY: "basic", ALLOWED_ORIGINS: allowed.origin });
  ({ worker, app } = stack);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  for (const page of [allowed, refused]) page?.server.close();
});

describe("seed 004: the curl session", () => {
  it("registers, logs in, reads the user, and logs out with the CSRF token from the login response", async () => {
    const dir = newWorkDir();
    const base = { "http://127.0.0.1:8000": app.url };
    const registered = await runCurl("004/register.sh", dir, base);
    expect(registered.status).toBe(201);
    const user = JSON.parse(registered.body);
    expect(user).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), username: "testuser", email: "test@example.com" });

    const login = await runCurl("004/login.sh", dir, base);
    const body = JSON.parse(login.body);
    expect([login.status, body]).toEqual([200, { message: "Login successful", user, csrf_token: expect.any(String) }]);
    expect(readCookieJar(dir).sessionid?.httpOnly).toBe(true);

    const me = await runCurl("004/user.sh", dir, base);
    expect([me.status, JSON.parse(me.body)]).toEqual([200, user]);
    const placeholder = await runCurl("004/logout.sh", dir, base);
    expect([placeholder.status, JSON.parse(placeholder.body)]).toEqual([403, { detail: "CSRF Failed: CSRF token missing or incorrect." }]);
    const logout = await runCurl("004/logout.sh", dir, { ...base, YOUR_CSRF_TOKEN_HERE: body.csrf_token });
    expect([logout.status, JSON.parse(logout.body)]).toEqual([200, { message: "Logout successful" }]);
    const after = await runCurl("004/user.sh", dir, base);
    expect([after.status, JSON.parse(after.body)]).toEqual([401, { detail: "Authentication credentials were not provided." }]);
  });
});

describe("seed 000: the browser fetch in headless Chromium", () => {
  /** The seed's snippet with its base URL (and the `{...}` placeholder) filled in. */
  const snippet = (target: string) =>
    readFileSync(path.join(SEEDS_DIR, "000/fetch.js"), "utf8").replace("'/api/endpoint'", JSON.stringify(target)).replace("{...}", '{"key": "value"}');
  const runSnippet = (page: Page, target: string) =>
    page.evaluate(async (code) => {
      try {
        const response = await eval(code);
        return { status: response.status, body: await response.json() };
      } catch (error) {
        return { error: String(error) };
      }
    }, snippet(target));

  it("works from the allowed origin and is refused from another origin, whose attempts leave the session intact", async () => {
    const password = "browser password 000";
    const registered = await fetch(`${worker.url}/auth/register`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ username: "browser000", email: "b000@example.com", password }) });
    expect(registered.status).toBe(201);

    const good = await browser.newPage();
    await good.goto(allowed.origin);
    const login = await good.evaluate(async ([url, pw]) => {
      const response = await fetch(url, { method: "POST", credentials: "include", body: new URLSearchParams({ username: "browser000", password: pw }) });
      return { status: response.status, csrf: getCookie("csrftoken") };
    }, [`${app.url}/accounts/login/`, password] as const);
    expect(login).toEqual({ status: 200, csrf: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
    const cookies = await browser.cookies(app.url);
    expect(cookies.find((c) => c.name === "sessionid")).toMatchObject({ httpOnly: true, sameSite: "Lax", secure: false });

    const allowedCall = await runSnippet(good, `${app.url}/api/endpoint`);
    expect(allowedCall).toEqual({ status: 200, body: { app: "stand-in", path: "/api/endpoint", user: expect.objectContaining({ username: "browser000" }) } });

    const evil = await browser.newPage();
    await evil.goto(refused.origin);
    expect(await evil.evaluate(() => getCookie("csrftoken"))).toBe(login.csrf);
    const callsBefore = app.calls.length;
    expect(await runSnippet(evil, `${app.url}/api/endpoint`)).toEqual({ error: "TypeError: Failed to fetch" });
    expect(await runSnippet(evil, `${app.url}/accounts/logout/`)).toEqual({ error: "TypeError: Failed to fetch" });
    // A form post needs no preflight and carries the cookie; the Origin check refuses it.
    const formPost = await evil.evaluate(async ([url, csrf]) => {
      const response = await fetch(url, { method: "POST", mode: "no-cors", credentials: "include", body: new URLSearchParams({ csrfmiddlewaretoken: csrf! }) });
      return response.type;
    }, [`${app.url}/accounts/logout/`, login.csrf] as const);
    expect(formPost).toBe("opaque");
    expect(app.calls.length).toBe(callsBefore);
    // The session is checked before CSRF, so this log line proves the cookie was sent and valid.
    await expect.poll(() => worker.logs()).toContain(`"reason":"origin ${refused.origin} not allowed"`);

    const stillLoggedIn = await runSnippet(good, `${app.url}/api/endpoint`);
    expect(stillLoggedIn).toMatchObject({ status: 200 });
    const logout = await runSnippet(good, `${app.url}/accounts/logout/`);
    expect(logout).toEqual({ status: 200, body: { message: "Logout successful" } });
    expect(await runSnippet(good, `${app.url}/api/endpoint`)).toEqual({ status: 401, body: { error: "Authentication required", status: 401 } });
  });
});

declare function getCookie(name: string): string | null;
