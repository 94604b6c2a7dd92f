import { describe, expect, it } from "vitest";
import { json, realApp, registerUser, STRONG_PASSWORD, testEnv, uniqueName } from "../helpers";

const request = (path: string, init?: RequestInit) => realApp.request(path, init, testEnv);

describe("POST /auth/register", () => {
  it("creates the account and answers 201 with the user and a token set", async () => {
    const username = uniqueName("reg");
    const response = await request("/auth/register", json({ username, email: `${username}@Example.com`, password: STRONG_PASSWORD }));
    expect(response.status).toBe(201);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    const body = (await response.json()) as Record<string, any>;
    expect(body.user).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), username, email: `${username}@Example.com`, email_verified: false, roles: [], created_at: expect.any(String) });
    expect(body).toMatchObject({ token_type: "Bearer", expires_in: 300 });
    expect(Object.keys(body).sort()).toEqual(["access_token", "expires_in", "refresh_expires_in", "refresh_token", "token_type", "user"]);
  });

  it("refuses a second account with the same username in another case with 409 conflict", async () => {
    const username = uniqueName("dup");
    await registerUser(request, username);
    const response = await request("/auth/register", json({ username: username.toUpperCase(), password: STRONG_PASSWORD }));
    expect(response.status).toBe(409);
    expect(await response.json()).toEqual({ error: "conflict", error_description: "An account with this username or email already exists." });
  });

  it("refuses a username equal to another account's email", async () => {
    const first = await registerUser(request);
    const response = await request("/auth/register", json({ username: `${first.username}@example.com`, email: `${first.username}@example.com`, password: STRONG_PASSWORD }));
    expect(response.status).toBe(409);
  });

  it("lists every invalid field in one 400 and never echoes the password", async () => {
    const response = await request("/auth/register", json({ username: "bad name!", email: "nope", password: "password123" }));
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: "invalid_request",
      error_description: "The request has invalid fields.",
      fields: {
        username: "Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters.",
        email: "Enter a valid email address.",
        password: "This password is too common.",
      },
    });
  });

  it("refuses a password over 1024 bytes before hashing it", async () => {
    const response = await request("/auth/register", json({ username: uniqueName(), password: "é".repeat(513) }));
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: "invalid_request", error_description: "The request has invalid fields.", fields: { password: "Ensure this field has no more than 1024 bytes." } });
  });
});

describe("POST /auth/login", () => {
  it("logs in by username, by email and by identifier, case-insensitively", async () => {
    const { username } = await registerUser(request);
    for (const body of [{ username: username.toUpperCase() }, { email: `${username}@EXAMPLE.com` }, { identifier: username }]) {
      const response = await request("/auth/login", json({ ...body, password: STRONG_PASSWORD }));
      expect(response.status).toBe(200);
      const tokens = (await response.json()) as Record<string, any>;
      expect(tokens.user.username).toBe(username);
      expect(tokens.refresh_token).toMatch(/^[A-Za-z0-9_-]{22}\.0\.[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}$/);
    }
  });

  it("gives the same answer for a wrong password and an unknown user", async () => {
    const { username } = await registerUser(request);
    const wrong = await request("/auth/login", json({ username, password: "not the password" }));
    const unknown = await request("/auth/login", json({ username: uniqueName("ghost"), password: "not the password" }));
    const expected = { error: "invalid_credentials", error_description: "The username/email or password is incorrect." };
    expect([wrong.status, await wrong.json()]).toEqual([401, expected]);
    expect([unknown.status, await unknown.json()]).toEqual([401, expected]);
    expect([...wrong.headers.entries()]).toEqual([...unknown.headers.entries()]);
  });
});

describe("GET /auth/me", () => {
  it("returns the user for a valid bearer token", async () => {
    const registered = await registerUser(request);
    const response = await request("/auth/me", { headers: { Authorization: `Bearer ${registered.access_token}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    expect(await response.json()).toEqual({ user: expect.objectContaining({ id: registered.user.id, username: registered.username }) });
  });

  it("answers 401 with a bare Bearer challenge when no token is sent", async () => {
    const response = await request("/auth/me");
    expect(response.status).toBe(401);
    expect(response.headers.get("WWW-Authenticate")).toBe('Bearer realm="edge-auth"');
    expect(await response.json()).toEqual({ error: "invalid_token", error_description: "No access token was provided." });
  });

  it("answers 401 invalid_token with an error challenge for a garbage token", async () => {
    const response = await request("/auth/me", { headers: { Authorization: "Bearer abc.def.ghi" } });
    expect(response.status).toBe(401);
    expect(response.headers.get("WWW-Authenticate")).toBe('Bearer realm="edge-auth", error="invalid_token", error_description="The access token is invalid or has expired."');
  });
});

describe("refresh and logout", () => {
  it("rotates the refresh token and refuses the access token after logout", async () => {
    const registered = await registerUser(request);
    const refreshed = await request("/auth/refresh", json({ refresh_token: registered.refresh_token }));
    expect(refreshed.status).toBe(200);
    const next = (await refreshed.json()) as Record<string, any>;
    expect(next.refresh_token).not.toBe(registered.refresh_token);
    expect(next.refresh_token.split(".")[1]).toBe("1");

    const logout = await request("/auth/logout", json({}, { headers: { Authorization: `Bearer ${next.access_token}` } }));
    expect(logout.status).toBe(204);
    const me = await request("/auth/me", { headers: { Authorization: `Bearer ${next.access_token}` } });
    expect(me.status).toBe(401);
    const again = await request("/auth/refresh", json({ refresh_token: next.refresh_token }));
    expect(again.status).toBe(401);
    expect(await again.json()).toEqual({ error: "invalid_grant", error_description: "The refresh token is invalid, expired or revoked." });
  });
});

describe("routing and bad input", () => {
  it.each([
    ["unknown path", "/nope", { method: "GET" }, 404, { error: "not_found", error_description: "No such endpoint." }],
    ["wrong method", "/auth/login", { method: "GET" }, 405, { error: "method_not_allowed", error_description: "The GET method is not allowed here." }],
    ["malformed JSON", "/auth/login", { method: "POST", headers: { "Content-Type": "application/json" }, body: "{" }, 400, { error: "invalid_request", error_description: "The request body is not valid JSON." }],
    ["a JSON array", "/auth/login", { method: "POST", headers: { "Content-Type": "application/json" }, body: "[]" }, 400, { error: "invalid_request", error_description: "The request body must be a JSON object." }],
    ["text/plain", "/auth/login", { method: "POST", headers: { "Content-Type": "text/plain" }, body: "hi" }, 415, { error: "unsupported_media_type", error_description: "Send the request body as application/json." }],
    ["a 65 KiB body", "/auth/login", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ password: "x".repeat(65 * 1024) }) }, 413, { error: "payload_too_large", error_description: "The request body is larger than 65536 bytes." }],
  ] as const)("answers %s with a JSON error and no-store", async (_, path, init, status, body) => {
    const response = await request(path, init as RequestInit);
    expect(response.status).toBe(status);
    expect(response.headers.get("Content-Type")).toBe("application/json");
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    expect(await response.json()).toEqual(body);
  });

  it("lists the allowed methods on 405", async () => {
    const response = await request("/auth/me", { method: "POST" });
    expect(response.headers.get("Allow")).toBe("GET, HEAD, DELETE");
  });
});

describe("CORS allowlist", () => {
  const allowed = "https://app.example";
  const withOrigins = { ...testEnv, ALLOWED_ORIGINS: `${allowed}, https://other.example` } as Env;

  it("answers a preflight from an allowed origin with that origin and credentials", async () => {
    const response = await realApp.request("/auth/login", { method: "OPTIONS", headers: { Origin: allowed, "Access-Control-Request-Method": "POST" } }, withOrigins);
    expect(response.status).toBe(204);
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe(allowed);
    expect(response.headers.get("Access-Control-Allow-Credentials")).toBe("true");
    expect(response.headers.get("Vary")).toBe("Origin, Access-Control-Request-Headers");
  });

  it("varies a simple response on Origin once, for an allowed origin and for another", async () => {
    for (const origin of [allowed, "https://evil.example"]) {
      const response = await realApp.request("/.well-known/jwks.json", { headers: { Origin: origin } }, withOrigins);
      expect([origin, response.headers.get("Vary")]).toEqual([origin, "Origin"]);
    }
  });

  it("refuses a preflight from another origin and never reflects it", async () => {
    const response = await realApp.request("/auth/login", { method: "OPTIONS", headers: { Origin: "https://evil.example", "Access-Control-Request-Method": "POST" } }, withOrigins);
    expect(response.status).toBe(403);
    expect(response.headers.get("Access-Control-Allow-Origin")).toBeNull();
    expect(response.headers.get("Access-Control-Allow-Credentials")).toBeNull();
    expect(await response.json()).toEqual({ error: "forbidden", error_description: "This origin is not allowed to call this service." });
  });

  it("adds no CORS headers to a simple request from another origin", async () => {
    const response = await realApp.request("/.well-known/jwks.json", { headers: { Origin: "https://evil.example" } }, withOrigins);
    expect(response.status).toBe(200);
    expect(response.headers.get("Access-Control-Allow-Origin")).toBeNull();
  });
});
