// Refusals that happen before a route runs (CORS preflight, body limit) still answer in the
// dialect of the API shape that owns the path, and every profile path has a gate that says which.
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { PROFILE_GATES } from "../../src/profiles";
import { realApp, testEnv } from "../helpers";

const TOO_LARGE: Record<string, unknown> = {
  "/auth/login": { error: "payload_too_large", error_description: "The request body is larger than 65536 bytes." },
  "/accounts/login/": { error: "The request body is larger than 65536 bytes.", status: 413 },
  "/api/token/": { detail: "The request body is larger than 65536 bytes." },
  "/api/auth/login": { detail: "The request body is larger than 65536 bytes." },
  "/api/v1/auth/login": { error: "payload_too_large", message: "The request body is larger than 65536 bytes.", code: 413 },
  "/api/login/": { detail: "The request body is larger than 65536 bytes." },
};
const REFUSED_ORIGIN = "This origin is not allowed to call this service.";
const CORS_REFUSED: Record<string, unknown> = {
  "/auth/login": { error: "forbidden", error_description: REFUSED_ORIGIN },
  "/accounts/login/": { error: REFUSED_ORIGIN, status: 403 },
  "/api/token/": { detail: REFUSED_ORIGIN },
  "/api/auth/login": { detail: REFUSED_ORIGIN },
  "/api/v1/auth/login": { error: "forbidden", message: REFUSED_ORIGIN, code: 403 },
  "/api/login/": { detail: REFUSED_ORIGIN },
};

describe("early refusals speak the path's dialect", () => {
  it.each(Object.entries(TOO_LARGE))("413 on %s", async (path, body) => {
    const response = await realApp.request(path, { method: "POST", headers: { "Content-Type": "application/json", "Content-Length": "70000" }, body: "x".repeat(70_000) }, testEnv);
    expect([response.status, await response.json()]).toEqual([413, body]);
  });

  it.each(Object.entries(CORS_REFUSED))("refused preflight on %s", async (path, body) => {
    const response = await realApp.request(path, { method: "OPTIONS", headers: { Origin: "https://evil.example", "Access-Control-Request-Method": "POST" } }, testEnv);
    expect([response.status, await response.json()]).toEqual([403, body]);
    expect(response.headers.get("Access-Control-Allow-Origin")).toBeNull();
  });

  it("gives every profile route a gate that runs before CORS and the body limit (native /auth and /admin need none)", () => {
    const app = createApp();
    // /oauth has its own dialect middleware (src/oauth/dialect.ts), tested by test/oauth/*; /openapi.json is native.
    const routes = app.routes.filter((r) => r.method !== "ALL" && !/^\/(auth|admin|oauth|\.well-known|healthz|openapi\.json)/.test(r.path));
    const covered = (path: string) => PROFILE_GATES.some(([g]) => g === path || (g.endsWith("/*") && path.startsWith(g.slice(0, -1))));
    expect(routes.length).toBeGreaterThan(10);
    expect(routes.filter((r) => !covered(r.path)).map((r) => r.path)).toEqual([]);
  });
});
