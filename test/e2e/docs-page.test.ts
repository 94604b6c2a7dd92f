// The API reference page (/docs) in Debian's Chromium: Swagger UI, served by the worker itself
// (Workers Static Assets: public/docs/ and public/generated/swagger-ui/), renders /openapi.json
// under a strict Content-Security-Policy, with no CSP violation and no request leaving 127.0.0.1.
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "./chromium";
// @ts-expect-error plain ESM helper shared with the screenshot script
import { openDocsPage, operationSelector } from "./docs-page.mjs";
import { startWorker, type RunningWorker } from "./worker";

const root = path.resolve(import.meta.dirname, "../..");
/** Screenshots go to the test output (test-results/), or where the screenshot script says. */
const SCREENSHOTS = process.env.EDGE_AUTH_SCREENSHOTS ?? path.join(root, "test-results");
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

let worker: RunningWorker;
let browser: BrowserContext;
let page: Page;
const requested: string[] = [];
const consoleProblems: string[] = [];
let navigation: Awaited<ReturnType<Page["goto"]>>;

beforeAll(async () => {
  worker = await startWorker();
  browser = await launchChromium();
  page = await browser.newPage();
  await page.setViewportSize({ width: 1100, height: 900 });
  // Each violation, as the browser reports it to the page (CDP-injected, so the CSP does not apply to it).
  await page.addInitScript(() => {
    (window as unknown as { cspViolations: string[] }).cspViolations = [];
    document.addEventListener("securitypolicyviolation", (e) => (window as unknown as { cspViolations: string[] }).cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  page.on("request", (request) => requested.push(request.url()));
  page.on("console", (message) => {
    if (message.type() === "error" || message.type() === "warning") consoleProblems.push(message.text());
  });
  page.on("pageerror", (error) => consoleProblems.push(`pageerror: ${error.message}`));
  navigation = await openDocsPage(page, worker.url);
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await worker?.stop();
});

describe("/docs, the API reference page", () => {
  it("is served by the worker with its Content-Security-Policy", async () => {
    expect(navigation?.url()).toBe(`${worker.url}/docs/`);
    const headers = navigation!.headers();
    expect([navigation!.status(), headers["content-type"], headers["content-security-policy"], headers["x-content-type-options"], headers["referrer-policy"]]).toEqual([200, "text/html; charset=utf-8", CSP, "nosniff", "no-referrer"]);
  });

  it("lists the endpoints of /openapi.json: the native API, OAuth, admin and the profiles", async () => {
    for (const route of ["/auth/login", "/auth/refresh", "/oauth/introspect", "/oauth/token", "/admin/users", "/api/token/", "/.well-known/jwks.json"]) {
      expect(await page.locator(operationSelector(route)).count(), route).toBeGreaterThan(0);
    }
    expect(await page.locator(".info .title").first().innerText()).toMatch(/^edge-auth/);
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOTS, "docs.png") });
  });

  it("breaks no CSP rule and logs no error, also with an operation opened (its schemas and examples rendered)", async () => {
    await page.locator(operationSelector("/auth/login")).first().click();
    await page.waitForSelector("#operations-native-post_auth_login .opblock-body .responses-table", { state: "visible" });
    expect(await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations)).toEqual([]);
    expect(consoleProblems).toEqual([]);
  });

  it("makes no request outside the worker's origin (no CDN, no validator badge)", () => {
    expect(requested.filter((url) => !url.startsWith(`${worker.url}/`) && !url.startsWith("data:"))).toEqual([]);
    expect(requested).toEqual(expect.arrayContaining([`${worker.url}/openapi.json`, `${worker.url}/generated/swagger-ui/swagger-ui-bundle.js`, `${worker.url}/docs/reference.js`]));
  });
});
