// Driving the demo app (public/index.html) as a user does, for test/e2e/demo.test.ts: by its labels
// and buttons, waiting for what the page shows and announces (playwright-core has no retrying
// expect, so each wait is a waitForFunction on the page's own state).
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { expect } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");
/** Screenshots go to the test output (test-results/), or where scripts/screenshots.mjs says. */
const SCREENSHOTS = process.env.EDGE_AUTH_SCREENSHOTS ?? path.join(root, "test-results");

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, name), fullPage: true });
}

/** What the page could have kept: web storage, IndexedDB databases and script-visible cookies. */
export function storedInBrowser(page: Page) {
  return page.evaluate(async () => ({
    localStorage: localStorage.length,
    sessionStorage: sessionStorage.length,
    indexedDB: (await indexedDB.databases()).map((db) => db.name),
    documentCookie: document.cookie,
  }));
}

export async function demoPage(browser: BrowserContext, url: string) {
  const page = await browser.newPage();
  // Script errors and CSP refusals (Chromium reports those on the console); an answer the page
  // expects, such as the first visit's refused refresh, is only "Failed to load resource".
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(`pageerror: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error" && !message.text().startsWith("Failed to load resource")) problems.push(`console: ${message.text()}`);
  });
  await page.setViewportSize({ width: 1100, height: 900 });
  const response = await page.goto(`${url}/`);
  expect(response?.status()).toBe(200);
  const text = async (selector: string) => ((await page.textContent(selector)) ?? "").trim();
  const waitForText = (selector: string, expected: string) =>
    page.waitForFunction(([s, e]) => document.querySelector(s)?.textContent?.trim() === e, [selector, expected] as const, { timeout: 15_000 }).catch(async (error) => {
      throw new Error(`${selector} shows ${JSON.stringify(await text(selector))}, not ${JSON.stringify(expected)} (error: ${JSON.stringify(await text("#error"))})`, { cause: error });
    });
  const idle = (selector: string) => page.waitForFunction((s) => !document.querySelector(s)?.hasAttribute("aria-busy"), selector);

  const demo = {
    page,
    text,
    /** Every script error and CSP refusal on the page so far. */
    problems: () => [...problems],
    expectStatus: (message: string) => waitForText("#status", message),
    expectError: (message: string) => waitForText("#error", message),
    async expectSignedIn(username: string, message: string) {
      await page.waitForSelector("#signed-in:not([hidden])");
      await waitForText("#user-username", username);
      await waitForText("#status", message);
      expect(await page.isHidden("#signed-out")).toBe(true);
      // The sessions list has loaded.
      await page.waitForSelector("#sessions-body tr");
      await idle("#sessions-button");
    },
    async expectSignedOut(message: string) {
      await page.waitForSelector("#signed-out:not([hidden])");
      await waitForText("#status", message);
      expect(await page.isHidden("#signed-in")).toBe(true);
    },
    async click(selector: string) {
      await page.click(selector);
    },
    async register(username: string, email: string, password: string) {
      await page.waitForSelector("#signed-out:not([hidden])");
      await page.getByLabel("Username", { exact: true }).fill(username);
      await page.getByLabel("Email (optional)").fill(email);
      await page.locator("#register-password").fill(password);
      await page.getByRole("button", { name: "Register" }).click();
    },
    async logIn(identifier: string, password: string) {
      await page.waitForSelector("#signed-out:not([hidden])");
      await page.getByLabel("Username or email", { exact: true }).fill(identifier);
      await page.locator("#login-password").fill(password);
      // By keyboard: Enter in the password field submits the form.
      await page.locator("#login-password").press("Enter");
      await idle("#login-form");
    },
    async changePassword(current: string, next: string) {
      await page.getByLabel("Current password").fill(current);
      await page.getByLabel("New password").fill(next);
      await page.getByRole("button", { name: "Change password" }).click();
      await idle("#password-form");
    },
    async reloadSessions() {
      await page.click("#sessions-button");
      await idle("#sessions-button");
    },
    /** The first column of each listed session (its User-Agent, "(this browser)" on the current one). */
    sessionAgents: () => page.$$eval("#sessions-body tr", (rows) => rows.map((row) => row.cells[0]!.textContent)),
    async endSession(agent: string) {
      const row = page.locator("#sessions-body tr").filter({ has: page.getByRole("cell", { name: agent, exact: true }) });
      await row.getByRole("button").click();
      await idle("#sessions-button");
    },
  };
  return demo;
}
