// The demo app (public/index.html, public/demo/*) in Debian's headless Chromium against the real
// worker, started as `npm start` starts it (DEMO_PAGE unset: on in development). Everything goes
// through the page as a user would: forms, buttons, what the page shows and announces; the
// network is only watched (playwright request events) and, for the two-tab race, slowed.
// A second worker with 4-second access tokens serves the expiry case.
import type { BrowserContext, Request } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { launchChromium } from "./chromium";
import { demoPage, screenshot, storedInBrowser } from "./demo-page";
import { loggedMessage } from "./dev-log";
import { startWorker, type RunningWorker } from "./worker";

const PASSWORD = "correct horse battery staple";
let worker: RunningWorker;
let shortLived: RunningWorker;
let browser: BrowserContext;

beforeAll(async () => {
  [worker, shortLived, browser] = await Promise.all([startWorker(), startWorker({ JWT_EXPIRATION: "4" }), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await Promise.all([worker?.stop(), shortLived?.stop()]);
});
beforeEach(() => browser.clearCookies());
afterEach(async () => {
  browser.removeAllListeners("request");
  await browser.unrouteAll();
  for (const page of browser.pages()) await page.close();
});

let counter = 0;
const uniqueName = (prefix: string) => `${prefix}${++counter}${crypto.randomUUID().slice(0, 6)}`;

/** Every cookie the browser holds for the worker, on any path (the refresh cookie's is /auth). */
const cookiesOf = (url: string) => browser.cookies([url, `${url}/auth/refresh`]);

/** The POST /auth/refresh requests the browser sends from now on. */
function watchRefreshes(): Request[] {
  const seen: Request[] = [];
  browser.on("request", (request) => {
    if (request.method() === "POST" && new URL(request.url()).pathname === "/auth/refresh") seen.push(request);
  });
  return seen;
}

/** A new account through the node side (token mode: the browser gets no cookie from it). */
async function registerOutsideBrowser(url: string, headers: Record<string, string> = {}) {
  const username = uniqueName("node");
  const response = await fetch(`${url}/auth/register`, { method: "POST", headers: { "Content-Type": "application/json", ...headers }, body: JSON.stringify({ username, email: `${username}@example.com`, password: PASSWORD }) });
  expect(response.status).toBe(201);
  return { username, ...((await response.json()) as { access_token: string; refresh_token: string }) };
}

describe("the demo app in Chromium", () => {
  it("registers, shows the user, token expiry and sessions, ends a session, changes the password, logs out and in, logs out everywhere", async () => {
    const demo = await demoPage(browser, worker.url);
    await demo.expectSignedOut("Not signed in. Log in or register.");
    const username = uniqueName("ada");
    await demo.register(username, `${username}@example.com`, PASSWORD);
    await demo.expectSignedIn(username, `Signed in as ${username}.`);
    expect(await demo.text("#user-email")).toBe(`${username}@example.com (not verified)`);
    expect(await demo.text("#token-expiry")).toMatch(/\(in (29[0-9]|300) s; refreshed automatically before then\)$/);
    // Focus followed the sign-in to the new view's heading (keyboard and screen-reader users).
    expect(await demo.page.evaluate(() => document.activeElement?.id)).toBe("signed-in-title");

    // The tokens are HttpOnly cookies; the page stores nothing.
    const cookies = await cookiesOf(worker.url);
    expect(cookies.map((c) => [c.name, c.httpOnly, c.sameSite]).sort()).toEqual([["edge_access", true, "Strict"], ["edge_refresh", true, "Strict"]]);
    expect(await storedInBrowser(demo.page)).toEqual({ localStorage: 0, sessionStorage: 0, indexedDB: [], documentCookie: "" });

    // A second session whose User-Agent is markup: listed as text, never as HTML.
    const hostile = '<img src=x onerror="window.pwned=1">';
    const phone = await fetch(`${worker.url}/auth/login`, { method: "POST", headers: { "Content-Type": "application/json", "User-Agent": hostile }, body: JSON.stringify({ identifier: username, password: PASSWORD }) });
    expect(phone.status).toBe(200);
    const phoneTokens = (await phone.json()) as { refresh_token: string };
    await demo.reloadSessions();
    expect(await demo.sessionAgents()).toEqual([hostile, expect.stringMatching(/^Mozilla\/5\.0 .* \(this browser\)$/)]);
    expect(await demo.page.evaluate(() => [document.querySelectorAll("#sessions-body img").length, (window as { pwned?: number }).pwned ?? 0])).toEqual([0, 0]);

    await demo.endSession(hostile);
    await demo.expectStatus("The session was ended.");
    // README's picture of the demo (docs/images/demo.png, refreshed by npm run screenshots).
    await screenshot(demo.page, "demo.png");
    expect(await demo.sessionAgents()).toEqual([expect.stringMatching(/\(this browser\)$/)]);
    const ended = await fetch(`${worker.url}/auth/refresh`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ refresh_token: phoneTokens.refresh_token }) });
    expect(ended.status).toBe(401);

    await demo.changePassword(PASSWORD, "a brand new passphrase");
    await demo.expectStatus("Password changed. Every other session has ended.");
    expect(await demo.sessionAgents()).toEqual([expect.stringMatching(/\(this browser\)$/)]);

    await demo.click("#logout-button");
    await demo.expectSignedOut("You are signed out.");
    expect(await cookiesOf(worker.url)).toEqual([]);
    await demo.logIn(`${username}@example.com`, "a brand new passphrase");
    await demo.expectSignedIn(username, `Signed in as ${username}.`);

    const laptop = await fetch(`${worker.url}/auth/login`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ identifier: username, password: "a brand new passphrase" }) });
    const laptopTokens = (await laptop.json()) as { refresh_token: string };
    await demo.click("#logout-all-button");
    await demo.expectSignedOut("You are signed out.");
    const laptopAfter = await fetch(`${worker.url}/auth/refresh`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ refresh_token: laptopTokens.refresh_token }) });
    expect(laptopAfter.status).toBe(401);
    // The whole flow ran under the page's CSP without a refusal or a script error.
    expect(demo.problems()).toEqual([]);
  });

  it("follows the verification and the password reset links that npm start writes to its log", async () => {
    const demo = await demoPage(browser, worker.url);
    const username = uniqueName("links");
    const email = `${username}@example.com`;
    await demo.register(username, email, PASSWORD);
    await demo.expectSignedIn(username, `Signed in as ${username}.`);
    await demo.click("#verify-button");
    await demo.expectStatus("A verification link is on its way (under npm start: in the worker's terminal).");
    const verification = await loggedMessage(worker, "email_verification", email);
    expect(verification.link).toBe(`${worker.url}/verify-email#token=${verification.token}`);
    const verifyPage = await browser.newPage();
    await verifyPage.goto(verification.link);
    await verifyPage.waitForFunction((text) => document.getElementById("status")?.textContent === text, `The email address ${email} of ${username} is verified.`);
    // The token leaves the address bar (and the history) as soon as the page has read it.
    expect(verifyPage.url()).toBe(`${worker.url}/verify-email`);
    await demo.page.reload();
    await demo.expectSignedIn(username, `Signed in as ${username}.`);
    expect([await demo.text("#user-email"), await demo.page.isHidden("#verify-button")]).toEqual([`${email} (verified)`, true]);

    await demo.click("#logout-button");
    await demo.expectSignedOut("You are signed out.");
    await demo.page.getByLabel("Your username or email").fill(username);
    await demo.page.getByRole("button", { name: "Send a reset link" }).click();
    await demo.expectStatus("If an account matches, a reset link is on its way (under npm start: in the worker's terminal).");
    const reset = await loggedMessage(worker, "password_reset", email);
    const resetPage = await browser.newPage();
    await resetPage.goto(reset.link);
    expect(resetPage.url()).toBe(`${worker.url}/reset-password`);
    await resetPage.getByLabel("New password", { exact: true }).and(resetPage.locator("input")).fill("short");
    await resetPage.getByRole("button", { name: "Set the password and sign in" }).click();
    await resetPage.waitForFunction(() => document.getElementById("reset-password-error")?.textContent !== "");
    expect(await resetPage.getAttribute("#reset-password", "aria-invalid")).toBe("true");
    await resetPage.getByLabel("New password", { exact: true }).and(resetPage.locator("input")).fill("a reset passphrase");
    await resetPage.getByRole("button", { name: "Set the password and sign in" }).click();
    await resetPage.waitForFunction((text) => document.getElementById("status")?.textContent === text, `Password changed, and every earlier session ended. You are signed in as ${username}.`);
    // The reset signed this browser in, and the open demo tab heard of it.
    await demo.expectSignedIn(username, `Signed in as ${username} in another tab.`);
  });

  it("keeps the session across a reload through the HttpOnly cookie", async () => {
    const demo = await demoPage(browser, worker.url);
    const username = uniqueName("reload");
    await demo.register(username, "", PASSWORD);
    await demo.expectSignedIn(username, `Signed in as ${username}.`);
    expect(await demo.text("#user-email")).toBe("none");
    const refreshes = watchRefreshes();
    await demo.page.reload();
    await demo.expectSignedIn(username, `Signed in as ${username}.`);
    // The page finds the session with one refresh (the refresh cookie is all it has) and lists it.
    expect(await Promise.all(refreshes.map(async (r) => (await r.response())?.status()))).toEqual([200]);
    expect(await demo.sessionAgents()).toEqual([expect.stringMatching(/\(this browser\)$/)]);
  });

  it("refreshes an expiring access token without the user noticing", async () => {
    const demo = await demoPage(browser, shortLived.url);
    const username = uniqueName("expiry");
    await demo.expectSignedOut("Not signed in. Log in or register.");
    const refreshes = watchRefreshes();
    await demo.register(username, "", PASSWORD);
    await demo.expectSignedIn(username, `Signed in as ${username}.`);
    const firstExpiry = Number(await demo.page.getAttribute("#token-expiry", "data-expires-at"));
    // Past the first token's expiry: the client has refreshed on its own (halfway through each 4 s life).
    await demo.page.waitForFunction((first) => Date.now() > first + 500, firstExpiry);
    const statuses = await Promise.all(refreshes.map(async (r) => (await r.response())?.status()));
    expect(statuses.length).toBeGreaterThanOrEqual(1);
    expect(new Set(statuses)).toEqual(new Set([200]));
    expect(Number(await demo.page.getAttribute("#token-expiry", "data-expires-at"))).toBeGreaterThan(firstExpiry);
    await demo.reloadSessions();
    expect(await demo.sessionAgents()).toEqual([expect.stringMatching(/\(this browser\)$/)]);
    expect(await demo.text("#error")).toBe("");
    await demo.expectSignedIn(username, `Signed in as ${username}.`);
  });

  it("rotates once when two tabs refresh at once, and both stay signed in", async () => {
    const first = await demoPage(browser, worker.url);
    const username = uniqueName("tabs");
    await first.register(username, "", PASSWORD);
    await first.expectSignedIn(username, `Signed in as ${username}.`);
    const second = await demoPage(browser, worker.url);
    await second.expectSignedIn(username, `Signed in as ${username}.`);

    // Each refresh is held back a second, so both tabs certainly ask while the first is in flight
    // (even on a loaded machine, where the two clicks may land a few hundred ms apart).
    await browser.route("**/auth/refresh", async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      await route.continue();
    });
    const refreshes = watchRefreshes();
    await Promise.all([first.page.click("#refresh-button"), second.page.click("#refresh-button")]);
    for (const tab of [first, second]) await tab.expectStatus("The access token was refreshed.");
    expect(await Promise.all(refreshes.map(async (r) => (await r.response())?.status()))).toEqual([200]);
    const expiries = await Promise.all([first, second].map((tab) => tab.page.getAttribute("#token-expiry", "data-expires-at")));
    expect(expiries[0]).toBe(expiries[1]);
    for (const tab of [first, second]) {
      await tab.reloadSessions();
      expect(await tab.sessionAgents()).toEqual([expect.stringMatching(/\(this browser\)$/)]);
      expect(await tab.text("#error")).toBe("");
    }
  });

  it("shows a sign-in and a logout in one tab in the other", async () => {
    const first = await demoPage(browser, worker.url);
    const second = await demoPage(browser, worker.url);
    for (const tab of [first, second]) await tab.expectSignedOut("Not signed in. Log in or register.");
    const username = uniqueName("peer");
    await first.register(username, "", PASSWORD);
    await first.expectSignedIn(username, `Signed in as ${username}.`);
    await second.expectSignedIn(username, `Signed in as ${username} in another tab.`);
    await first.click("#logout-button");
    await first.expectSignedOut("You are signed out.");
    await second.expectSignedOut("You were signed out in another tab.");
    expect(await second.text("#user-username")).toBe("");
    expect(await cookiesOf(worker.url)).toEqual([]);
  });

  it("announces a wrong password and stores nothing", async () => {
    const { username } = await registerOutsideBrowser(worker.url);
    const demo = await demoPage(browser, worker.url);
    await demo.expectSignedOut("Not signed in. Log in or register.");
    await demo.logIn(username, "not the password");
    await demo.expectError("The username/email or password is incorrect.");
    expect(await demo.page.getAttribute("#error", "role")).toBe("alert");
    expect(await demo.page.inputValue("#login-password")).toBe("");
    expect(await demo.page.isVisible("#signed-out")).toBe(true);
    expect(await cookiesOf(worker.url)).toEqual([]);
    expect(await storedInBrowser(demo.page)).toEqual({ localStorage: 0, sessionStorage: 0, indexedDB: [], documentCookie: "" });
  });
});
