import { describe, expect, it, vi } from "vitest";
import { json, realApp, envWith, STRONG_PASSWORD, uniqueName } from "../helpers";

const UNAVAILABLE = { error: "temporarily_unavailable", error_description: "The service is temporarily unavailable. Try again shortly." };

describe("configuration fails closed", () => {
  it.each([
    ["an empty ISSUER", { ISSUER: "" }, "ISSUER is empty"],
    ["an empty AUDIENCE", { AUDIENCE: "" }, "AUDIENCE is empty"],
    ["a missing SIGNING_KEYS", { SIGNING_KEYS: "" }, "SIGNING_KEYS is missing"],
    ["SIGNING_KEYS that are not JSON", { SIGNING_KEYS: "{nope" }, "SIGNING_KEYS is not valid JSON"],
    ["an ACTIVE_KID not in the set", { ACTIVE_KID: "ghost" }, "ACTIVE_KID ghost is not in SIGNING_KEYS"],
    ["an HS256 secret under 32 bytes", { JWT_ALGORITHM: "HS256", JWT_SECRET_KEY: "short-secret" }, "JWT_SECRET_KEY must be at least 32 bytes"],
    ["HS256 without a secret", { JWT_ALGORITHM: "HS256", JWT_SECRET_KEY: "" }, "JWT_SECRET_KEY is required when JWT_ALGORITHM is HS256"],
    ["a missing REFRESH_TOKEN_SECRET", { REFRESH_TOKEN_SECRET: "" }, "REFRESH_TOKEN_SECRET is missing"],
    ["a REFRESH_TOKEN_SECRET_PREVIOUS under 32 bytes", { REFRESH_TOKEN_SECRET_PREVIOUS: "old-short-secret" }, "REFRESH_TOKEN_SECRET_PREVIOUS must be at least 32 bytes"],
    ["an AUDIT_RETENTION_DAYS that is not a positive whole number", { AUDIT_RETENTION_DAYS: "0" }, "AUDIT_RETENTION_DAYS must be a positive whole number of days"],
    ["PBKDF2 above the platform cap", { PASSWORD_ITERATIONS: "310000" }, "PASSWORD_ITERATIONS above 100000 is rejected by production Workers"],
  ])("answers 503 on /healthz and on token routes with %s, and logs why", async (_, overrides, problem) => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const env = envWith({ ...overrides, ENVIRONMENT: `test-${uniqueName()}` });
    const health = await realApp.request("/healthz", {}, env);
    expect([health.status, await health.json()]).toEqual([503, UNAVAILABLE]);
    expect(health.headers.get("Retry-After")).toBe("5");
    expect(health.headers.get("Cache-Control")).toBe("no-store");

    const register = await realApp.request("/auth/register", json({ username: uniqueName(), password: STRONG_PASSWORD }), env);
    expect(register.status).toBe(503);
    expect(register.headers.get("Set-Cookie")).toBeNull();
    const login = await realApp.request("/auth/login", json({ username: "nobody", password: STRONG_PASSWORD }), env);
    expect(login.status).toBe(503);

    const logged = errors.mock.calls.map((call) => String(call[0])).join("\n");
    expect(logged).toContain(problem);
    errors.mockRestore();
  });

  it("lets local development run without ISSUER and AUDIENCE, and only there", async () => {
    const dev = await realApp.request("/healthz", {}, envWith({ ENVIRONMENT: "development", ISSUER: "", AUDIENCE: "" }));
    expect([dev.status, await dev.json()]).toEqual([200, { status: "ok" }]);
    const prod = await realApp.request("/healthz", {}, envWith({ ENVIRONMENT: "production", ISSUER: "", AUDIENCE: "" }));
    expect(prod.status).toBe(503);
  });

  it("serves the discovery document from the configured issuer", async () => {
    const response = await realApp.request("/.well-known/openid-configuration", {}, envWith({}));
    expect(response.status).toBe(200);
    // The whole document is test/routes/well-known.test.ts's; here, that it follows the issuer.
    expect(await response.json()).toMatchObject({
      issuer: "https://auth.test.example",
      jwks_uri: "https://auth.test.example/.well-known/jwks.json",
      token_endpoint: "https://auth.test.example/oauth/token",
      access_token_signing_alg_values_supported: ["RS256"],
    });
  });
});
