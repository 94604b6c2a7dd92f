// README (Configuration): an unusable configuration answers 503 on every route that needs keys or
// secrets — health, JWKS, every token route and every authenticated route, in each API shape —
// and only discovery (which needs nothing but ISSUER) still answers. JWT_ALGORITHM must match the
// active key's alg: a mismatch is one such configuration.
import { describe, expect, it, vi } from "vitest";
import { envWith, json, realApp, STRONG_PASSWORD, testEnv, uniqueName } from "../helpers";

const form = (fields: Record<string, string>): RequestInit => ({ method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(fields).toString() });
const credentials = { username: "nobody", password: STRONG_PASSWORD };
const bearer = { headers: { Authorization: "Bearer a.b.c" } };

const ROUTES: [string, RequestInit][] = [
  ["/healthz", {}],
  ["/.well-known/jwks.json", {}],
  ["/auth/register", json({ username: "nobody", password: STRONG_PASSWORD })],
  ["/auth/login", json(credentials)],
  ["/auth/refresh", json({ refresh_token: "a.0.b.c" })],
  ["/auth/logout", { method: "POST", ...bearer }],
  ["/auth/me", bearer],
  ["/auth/verify", bearer],
  ["/accounts/login/", form(credentials)],
  ["/api/token/", json(credentials)],
  ["/api/token/refresh/", json({ refresh: "a.0.b.c" })],
  ["/api/token/verify/", json({ token: "a.b.c" })],
  ["/api/auth/login", json(credentials)],
  ["/api/auth/me", bearer],
  ["/api/v1/auth/login", json(credentials)],
  ["/api/v1/auth/me", bearer],
  ["/api/login/", json(credentials)],
  ["/oauth/token", form({ grant_type: "client_credentials", client_id: "some-client", client_secret: "some-secret" })],
  ["/oauth/token", form({ grant_type: "refresh_token", refresh_token: "a.0.b.c" })],
  ["/oauth/introspect", form({ token: "a.b.c", client_id: "some-client", client_secret: "some-secret" })],
  ["/oauth/revoke", form({ token: "a.b.c" })],
];

describe("an unusable configuration", () => {
  it.each([
    ["SIGNING_KEYS missing", { SIGNING_KEYS: "" }],
    ["JWT_ALGORITHM not the active key's alg", { JWT_ALGORITHM: "ES256" }],
  ])("with %s answers 503 with Retry-After on every route that needs keys; discovery still answers", async (_, overrides) => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const env = envWith({ ...overrides, ENVIRONMENT: `test-${uniqueName()}` });
    const answers = [];
    for (const [path, init] of ROUTES) {
      const response = await realApp.request(path, init, env);
      answers.push(`${path} ${response.status} ${response.headers.get("Retry-After")}`);
    }
    expect(answers).toEqual(ROUTES.map(([path]) => `${path} 503 5`));
    const discovery = await realApp.request("/.well-known/openid-configuration", {}, env);
    expect(discovery.status).toBe(200);
    errors.mockRestore();
  });

  it("logs the exact problem for a mismatched JWT_ALGORITHM", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    await realApp.request("/healthz", {}, envWith({ JWT_ALGORITHM: "ES256", ENVIRONMENT: `test-${uniqueName()}` }));
    const kid = JSON.parse(testEnv.SIGNING_KEYS as string).keys[0].kid;
    expect(errors.mock.calls.map((call) => String(call[0])).join("\n")).toContain(`the active key ${kid} is RS256, but JWT_ALGORITHM is ES256`);
    errors.mockRestore();
  });
});
