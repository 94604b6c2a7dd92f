import { jwtVerify, decodeProtectedHeader } from "jose";
import { describe, expect, it } from "vitest";
import { envWith, json, memoryApp, realApp, STRONG_PASSWORD, testEnv, uniqueName } from "../helpers";
import { lifetimeOf, nativeUser } from "./support";

const request = (path: string, init?: RequestInit) => realApp.request(path, init, testEnv);

async function login(send = request) {
  const user = await nativeUser(send);
  const response = await send("/api/auth/login", json({ username: user.email, password: user.password }));
  expect(response.status).toBe(200);
  return { user, body: (await response.json()) as { access_token: string; token_type: string; expires_in: number } };
}

describe("seed 002: register and login", () => {
  it("registers a username that is the user's own email and answers { user_id, username, email }", async () => {
    const email = `${uniqueName("b")}@example.com`;
    const response = await request("/api/auth/register", json({ username: email, password: STRONG_PASSWORD, email }));
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ user_id: expect.stringMatching(/^[0-9a-f-]{36}$/), username: email, email });
  });

  it("logs in with { access_token, token_type: bearer, expires_in: 3600 } when JWT_EXPIRATION is unset", async () => {
    const { body } = await login();
    expect(body).toEqual({ access_token: expect.any(String), token_type: "bearer", expires_in: 3600 });
    expect(lifetimeOf(body.access_token)).toBe(3600);
  });

  it("applies JWT_EXPIRATION when set, to this profile and the native API alike", async () => {
    const env = envWith({ JWT_EXPIRATION: "900" });
    const send = (path: string, init?: RequestInit) => realApp.request(path, init, env);
    const { body, user } = await login(send);
    expect([body.expires_in, lifetimeOf(body.access_token)]).toEqual([900, 900]);
    const native = (await (await send("/auth/login", json({ username: user.username, password: user.password }))).json()) as { expires_in: number };
    expect(native.expires_in).toBe(900);
  });

  it("signs HS256 with JWT_SECRET_KEY when JWT_ALGORITHM=HS256, and publishes no key", async () => {
    const secret = "an HS256 secret of at least thirty-two bytes";
    const env = envWith({ JWT_ALGORITHM: "HS256", JWT_SECRET_KEY: secret });
    const send = (path: string, init?: RequestInit) => realApp.request(path, init, env);
    const { body } = await login(send);
    expect(decodeProtectedHeader(body.access_token)).toMatchObject({ alg: "HS256", typ: "at+jwt" });
    const { payload } = await jwtVerify(body.access_token, new TextEncoder().encode(secret), { algorithms: ["HS256"] });
    expect(payload.client_id).toBe("bearer-api");
    expect(await (await send("/.well-known/jwks.json")).json()).toEqual({ keys: [] });
  });

  it("fails closed (503, no token) with the seed's own sample secret, which is under 32 bytes", async () => {
    const env = envWith({ JWT_ALGORITHM: "HS256", JWT_SECRET_KEY: "your-secret-key-here" });
    const response = await realApp.request("/api/auth/login", json({ username: "user@example.com", password: "secure_password" }), env);
    expect([response.status, await response.json()]).toEqual([503, { detail: "The service is temporarily unavailable. Try again shortly." }]);
    expect(response.headers.get("Retry-After")).toBe("5");
  });

  it("answers 401 Incorrect username or password", async () => {
    const user = await nativeUser(request);
    const response = await request("/api/auth/login", json({ username: user.username, password: "wrong password!" }));
    expect([response.status, await response.json()]).toEqual([401, { detail: "Incorrect username or password" }]);
    expect(response.headers.get("WWW-Authenticate")).toBe("Bearer");
  });

  it("answers validation errors as FastAPI's 422 list, never echoing input", async () => {
    const response = await request("/api/auth/login", json({ password: "x" }));
    expect(response.status).toBe(422);
    expect(await response.json()).toEqual({ detail: [{ type: "value_error", loc: ["body", "username"], msg: "This field is required." }] });
  });
});

describe("seed 002: the three 401 bodies (GET /api/auth/me)", () => {
  it("Not authenticated, Invalid authentication credentials, Token has expired", async () => {
    const { request: send, clock } = memoryApp();
    const { body, user } = await login(send);
    const me = (token?: string) => send("/api/auth/me", token ? { headers: { Authorization: `Bearer ${token}` } } : {});
    const ok = await me(body.access_token);
    expect([ok.status, await ok.json()]).toEqual([200, { user_id: user.id, username: user.username, email: user.email }]);
    const missing = await me();
    expect([missing.status, await missing.json(), missing.headers.get("WWW-Authenticate")]).toEqual([401, { detail: "Not authenticated" }, "Bearer"]);
    const invalid = await me(body.access_token.slice(0, -4) + "AAAA");
    expect([invalid.status, await invalid.json()]).toEqual([401, { detail: "Invalid authentication credentials" }]);
    clock.advance(3601);
    const expired = await me(body.access_token);
    expect([expired.status, await expired.json()]).toEqual([401, { detail: "Token has expired" }]);
  });
});
