// Typed errors and the no-retry rule for sign-in: edge-auth/client's AuthError family.
import { describe, expect, it } from "vitest";
import { AuthError, createAuthClient, NetworkError, RateLimitedError, ServiceUnavailableError } from "../../src/client/index";
import { apiError, fakeService, json, tokens } from "./fake-service";

const BASE = "https://auth.example.com";

describe("edge-auth/client errors", () => {
  it("a wrong password is an AuthError with the API's code, and the login is sent once", async () => {
    const service = fakeService({ "POST /auth/login": () => apiError(401, "invalid_credentials") });
    const auth = createAuthClient({ baseUrl: BASE, mode: "token", fetch: service.fetch });
    const error = await auth.login({ identifier: "ada", password: "wrong" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect(error).toMatchObject({ kind: "api", status: 401, code: "invalid_credentials", description: "invalid_credentials described" });
    expect(service.seen.map((s) => `${s.method} ${s.path}`)).toEqual(["POST /auth/login"]);
    expect(auth.user).toBeNull();
  });

  it("429 is a RateLimitedError with Retry-After in seconds, and the login is not retried", async () => {
    const service = fakeService({ "POST /auth/login": () => apiError(429, "rate_limited", { "Retry-After": "42" }) });
    const auth = createAuthClient({ baseUrl: BASE, mode: "token", fetch: service.fetch });
    const error = await auth.login({ identifier: "ada", password: "pw" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(error).toMatchObject({ kind: "rate_limited", status: 429, code: "rate_limited", retryAfter: 42 });
    expect(service.count("POST /auth/login")).toBe(1);
  });

  it("503 is a ServiceUnavailableError (an HTTP-date Retry-After counts in seconds), never retried", async () => {
    const inTenSeconds = new Date(Date.now() + 10_000).toUTCString();
    const service = fakeService({ "POST /auth/login": () => apiError(503, "temporarily_unavailable", { "Retry-After": inTenSeconds }) });
    const auth = createAuthClient({ baseUrl: BASE, mode: "token", fetch: service.fetch });
    const error = (await auth.login({ identifier: "ada", password: "pw" }).catch((e: unknown) => e)) as ServiceUnavailableError;
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error).toMatchObject({ kind: "unavailable", status: 503, code: "temporarily_unavailable" });
    expect(error.retryAfter).toBeGreaterThanOrEqual(9);
    expect(error.retryAfter).toBeLessThanOrEqual(10);
    expect(service.count("POST /auth/login")).toBe(1);
  });

  it("a request that gets no answer is a NetworkError (status 0) with the cause", async () => {
    const cause = new TypeError("fetch failed");
    const auth = createAuthClient({ baseUrl: BASE, mode: "token", fetch: () => Promise.reject(cause) });
    const error = await auth.login({ identifier: "ada", password: "pw" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect(error).toMatchObject({ kind: "network", status: 0, code: "network_error", cause });
  });

  it("an invalid field carries the API's fields; a body that is not the API's JSON still gets a code", async () => {
    const fields = { password: "This password is too short." };
    const service = fakeService({
      "POST /auth/register": () => json({ error: "invalid_request", error_description: "Invalid fields.", fields }, 400),
      "POST /auth/password/forgot": () => new Response("<html>bad gateway</html>", { status: 502, statusText: "Bad Gateway" }),
    });
    const auth = createAuthClient({ baseUrl: BASE, mode: "token", fetch: service.fetch });
    await expect(auth.register({ username: "ada", password: "x" })).rejects.toMatchObject({ status: 400, code: "invalid_request", fields });
    await expect(auth.forgotPassword({ email: "ada@example.com" })).rejects.toMatchObject({ status: 502, code: "http_502", description: "Bad Gateway" });
  });

  it("sends exactly the API's bodies: register, login, reset and forgot, each once", async () => {
    const service = fakeService({
      "POST /auth/register": () => json(tokens(1), 201),
      "POST /auth/login": () => json(tokens(2)),
      "POST /auth/password/reset": () => json(tokens(3)),
      "POST /auth/password/forgot": () => json({}, 202),
    });
    const auth = createAuthClient({ baseUrl: `${BASE}/`, mode: "token", fetch: service.fetch });
    await auth.register({ username: "ada", email: "ada@example.com", password: "pw" });
    await auth.login({ identifier: "ada@example.com", password: "pw" });
    await auth.resetPassword({ token: "reset-token", newPassword: "new pw" });
    await expect(auth.forgotPassword({ identifier: "ada" })).resolves.toBeUndefined();
    expect(service.seen.map((s) => [s.path, s.body, s.credentials])).toEqual([
      ["/auth/register", { username: "ada", email: "ada@example.com", password: "pw", mode: "token" }, undefined],
      ["/auth/login", { identifier: "ada@example.com", password: "pw", mode: "token" }, undefined],
      ["/auth/password/reset", { token: "reset-token", new_password: "new pw", mode: "token" }, undefined],
      ["/auth/password/forgot", { identifier: "ada" }, undefined],
    ]);
  });
});
