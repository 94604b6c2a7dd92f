// GET /openapi.json inside workerd: public, cacheable, and the same document test/e2e/openapi.test.ts
// validates (built once per isolate, so a second request answers the identical bytes).
import { describe, expect, it } from "vitest";
import { buildDocument } from "../../src/openapi/document";
import { realApp, testEnv } from "../helpers";

describe("GET /openapi.json", () => {
  it("answers the OpenAPI 3.1 document as JSON, cacheable for five minutes", async () => {
    const response = await realApp.request("/openapi.json", {}, testEnv);
    expect([response.status, response.headers.get("Content-Type"), response.headers.get("Cache-Control")]).toEqual([200, "application/json; charset=utf-8", "public, max-age=300"]);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual(buildDocument());
    expect(await (await realApp.request("/openapi.json", {}, testEnv)).text()).toBe(text);
  });

  it("refuses another method with 405 and Allow, in the native dialect", async () => {
    const response = await realApp.request("/openapi.json", { method: "POST" }, testEnv);
    expect([response.status, response.headers.get("Allow"), await response.json()]).toEqual([405, "GET, HEAD", { error: "method_not_allowed", error_description: "The POST method is not allowed here." }]);
  });
});
