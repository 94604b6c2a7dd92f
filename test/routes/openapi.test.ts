// GET /openapi.json inside workerd: the document scripts/build/openapi.mjs generated (the vitest
// config runs the build) served from Workers Static Assets through the worker: public, cacheable,
// revalidatable, and the same document test/e2e/openapi.test.ts validates.
import { describe, expect, it } from "vitest";
import { buildDocument } from "../../src/openapi/document";
import { realApp, testEnv } from "../helpers";

const headersOf = (response: Response) => [response.status, response.headers.get("Content-Type"), response.headers.get("Cache-Control")];

describe("GET /openapi.json", () => {
  it("answers the OpenAPI 3.1 document as JSON, cacheable for five minutes, with an ETag", async () => {
    const response = await realApp.request("/openapi.json", {}, testEnv);
    expect(headersOf(response)).toEqual([200, "application/json; charset=utf-8", "public, max-age=300"]);
    expect(response.headers.get("ETag")).toMatch(/^"[0-9a-f]+"$/);
    expect(JSON.parse(await response.text())).toEqual(buildDocument());
  });

  it("revalidates: If-None-Match with the ETag answers 304 with no body; HEAD answers the headers", async () => {
    const etag = (await realApp.request("/openapi.json", {}, testEnv)).headers.get("ETag")!;
    const revalidated = await realApp.request("/openapi.json", { headers: { "If-None-Match": etag } }, testEnv);
    expect([...headersOf(revalidated), revalidated.headers.get("ETag"), await revalidated.text()]).toEqual([304, "application/json; charset=utf-8", "public, max-age=300", etag, ""]);
    const head = await realApp.request("/openapi.json", { method: "HEAD" }, testEnv);
    expect([...headersOf(head), await head.text()]).toEqual([200, "application/json; charset=utf-8", "public, max-age=300", ""]);
  });

  it("refuses another method with 405 and Allow, in the native dialect", async () => {
    const response = await realApp.request("/openapi.json", { method: "POST" }, testEnv);
    expect([response.status, response.headers.get("Allow"), await response.json()]).toEqual([405, "GET, HEAD", { error: "method_not_allowed", error_description: "The POST method is not allowed here." }]);
  });

  it("a deployment without the build step answers 500 server_error, not an empty document", async () => {
    const env = { ...testEnv, ASSETS: { fetch: async () => new Response("Not Found", { status: 404 }) } as unknown as Fetcher };
    const response = await realApp.request("/openapi.json", {}, env);
    expect([response.status, await response.json()]).toEqual([500, { error: "server_error", error_description: "The server could not complete the request." }]);
  });
});
