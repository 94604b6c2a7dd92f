// The demo app's gate (src/routes/demo.ts): served from Workers Static Assets with its own
// Content-Security-Policy when DEMO_PAGE allows, and otherwise the same JSON 404 as any unknown
// path, for every method. The browser behaviour of the page itself is test/e2e/demo.test.ts.
import { describe, expect, it } from "vitest";
import { readConfig } from "../../src/config";
import { DEMO_PATHS } from "../../src/routes/demo";
import wranglerToml from "../../wrangler.toml?raw";
import { envWith, realApp } from "../helpers";

const NOT_FOUND = { error: "not_found", error_description: "No such endpoint." };
const CSP = "default-src 'self'; img-src 'self' blob:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; object-src 'none'";
const on = envWith({ DEMO_PAGE: "true" });

describe("the demo page gate", () => {
  it("lists the same paths as wrangler.toml's run_worker_first (else the asset layer would serve them ungated)", () => {
    const listed = /^run_worker_first = (\[.*\])$/m.exec(wranglerToml)?.[1];
    expect(JSON.parse(listed!)).toEqual([...DEMO_PATHS]);
  });

  it.each(["GET", "HEAD", "POST", "DELETE"])("answers %s / with the JSON 404 when DEMO_PAGE is off (the default outside development)", async (method) => {
    for (const env of [envWith({}), envWith({ DEMO_PAGE: "false" }), envWith({ ENVIRONMENT: "development", DEMO_PAGE: "false" })]) {
      const response = await realApp.request("/", { method }, env);
      expect([response.status, response.headers.get("Content-Type"), response.headers.get("Content-Security-Policy")]).toEqual([404, "application/json", null]);
      if (method !== "HEAD") expect(await response.json()).toEqual(NOT_FOUND);
    }
    for (const path of ["/demo/app.js", "/index.html", "/reset-password", "/verify-email.html"]) {
      const asset = await realApp.request(path, {}, envWith({}));
      expect([path, asset.status, await asset.json()]).toEqual([path, 404, NOT_FOUND]);
    }
  });

  it("serves the page with its Content-Security-Policy when DEMO_PAGE=true, and by default in development", async () => {
    for (const env of [on, envWith({ ENVIRONMENT: "development", DEMO_PAGE: "" })]) {
      const response = await realApp.request("http://127.0.0.1:8787/", {}, env);
      expect([response.status, response.headers.get("Content-Type"), response.headers.get("Content-Security-Policy")]).toEqual([200, "text/html; charset=utf-8", CSP]);
      expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
      expect(response.headers.get("X-Frame-Options")).toBe("SAMEORIGIN");
      expect(await response.text()).toContain('<script type="module" src="/demo/app.js"></script>');
    }
  });

  it("serves the pages and their files, and answers a missing one and other methods in JSON", async () => {
    for (const path of ["/reset-password", "/verify-email"]) {
      const page = await realApp.request(path, {}, on);
      expect([page.status, page.headers.get("Content-Type"), page.headers.get("Content-Security-Policy")]).toEqual([200, "text/html; charset=utf-8", CSP]);
      expect(await page.text()).toContain(`<script type="module" src="/demo${path}.js"></script>`);
    }
    const script = await realApp.request("/demo/app.js", {}, on);
    expect([script.status, script.headers.get("Content-Type"), script.headers.get("Content-Security-Policy")]).toEqual([200, "text/javascript; charset=utf-8", CSP]);
    const missing = await realApp.request("/demo/missing.js", {}, on);
    expect([missing.status, missing.headers.get("Content-Type"), await missing.json()]).toEqual([404, "application/json", NOT_FOUND]);
    const post = await realApp.request("/", { method: "POST" }, on);
    expect([post.status, post.headers.get("Allow"), await post.json()]).toEqual([405, "GET, HEAD", { error: "method_not_allowed", error_description: "The POST method is not allowed here." }]);
  });

  it("takes only true or false: anything else is a configuration problem (fails closed, like every flag)", () => {
    expect(readConfig({ ENVIRONMENT: "development", DEMO_PAGE: "yes" }).problems).toContain("DEMO_PAGE must be one of true, false");
    expect(readConfig({ DEMO_PAGE: "true" }).demoPage).toBe(true);
    expect(readConfig({}).demoPage).toBe(false);
    expect(readConfig({ ENVIRONMENT: "development" }).demoPage).toBe(true);
  });
});
