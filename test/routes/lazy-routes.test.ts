// The second-factor groups load on first use (src/routes/lazy.ts): the stubs registered up front
// list exactly the groups' own methods and paths, so the 405 answers' Allow table and every
// route still match, and a lazily served answer carries the app's headers and error shape.
import { describe, expect, it } from "vitest";
import { mfaRoutes } from "../../src/routes/mfa";
import { passkeyRoutes } from "../../src/routes/passkeys";
import { MFA_ROUTES, PASSKEY_ROUTES } from "../../src/routes/second-factor-table";
import { realApp, testEnv } from "../helpers";

const table = (routes: { method: string; path: string }[]) => routes.map(({ method, path }) => [method.toLowerCase(), path]);

describe("lazily loaded route groups", () => {
  it("stub the same methods and paths as the groups they load", () => {
    expect(MFA_ROUTES).toEqual(table(mfaRoutes.routes));
    expect(PASSKEY_ROUTES).toEqual(table(passkeyRoutes.routes));
  });

  it("answer an unknown method on a lazy path 405 with its Allow list", async () => {
    const response = await realApp.request("/auth/mfa/totp/enroll", { method: "GET" }, testEnv);
    expect([response.status, response.headers.get("Allow"), await response.json()]).toEqual([405, "POST", { error: "method_not_allowed", error_description: "The GET method is not allowed here." }]);
  });

  it("answer through the loaded group with the app's error handler and security headers", async () => {
    const response = await realApp.request("/auth/passkeys", { method: "GET" }, testEnv);
    expect(response.status).toBe(401);
    expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    expect(await response.json()).toEqual({ error: "invalid_token", error_description: "No access token was provided." });
  });
});
