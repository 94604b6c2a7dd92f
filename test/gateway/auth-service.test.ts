// The Service Binding entrypoint, called over RPC (ctx.exports: a loopback binding to the named
// export, as another Worker's binding is) with real local D1/KV. test/e2e/rpc-binding.test.ts calls
// it from a second Worker under wrangler dev.
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { AuthService } from "../../src/index";
import { defaultStores, type RuntimeOptions } from "../../src/runtime";
import { guardStorage } from "../../src/storage/guard";
import { envWith, realApp, registerUser, testEnv } from "../helpers";

const request = (path: string, init?: RequestInit) => realApp.request(path, init, testEnv);
const service = () => (exports as unknown as { AuthService: Service<AuthService> }).AuthService;
const INVALID = { valid: false, reason: "invalid_token" };
const claimsOf = (token: string) => JSON.parse(atob(token.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/"))) as { sid: string; exp: number; iat: number };
/** The entrypoint constructed in this isolate, for a test that injects storage or configuration. */
const localService = (env: Env, options: RuntimeOptions = {}) => new AuthService({ waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext, env, options);

describe("AuthService.verify over RPC", () => {
  it("answers the plain identity the forward auth sees for a valid token", async () => {
    const user = await registerUser(request);
    const claims = claimsOf(user.access_token);
    expect(await service().verify(user.access_token)).toEqual({
      valid: true,
      userId: user.user.id,
      username: user.username,
      roles: [],
      sid: claims.sid,
      exp: claims.exp,
      iat: claims.iat,
    });
  });

  it("answers invalid_token after a logout, and for a forged token", async () => {
    const user = await registerUser(request);
    expect((await request("/auth/logout", { method: "POST", headers: { Authorization: `Bearer ${user.access_token}` } })).status).toBe(204);
    expect(await service().verify(user.access_token)).toEqual(INVALID);
    expect(await service().verify("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl")).toEqual(INVALID);
  });

  it.each([
    ["an empty string", ""],
    ["no string at all", 42],
    ["null", null],
  ])("answers missing_token for %s, never an exception", async (_, token) => {
    expect(await service().verify(token as string)).toEqual({ valid: false, reason: "missing_token" });
  });

  it("answers invalid_token for a value far longer than any token, before parsing it", async () => {
    expect(await service().verify("a".repeat(20_000))).toEqual(INVALID);
  });
});

describe("AuthService.introspect over RPC", () => {
  it("answers the RFC 7662 object /oauth/introspect answers, then active: false after a logout", async () => {
    const user = await registerUser(request);
    const claims = claimsOf(user.access_token);
    expect(await service().introspect(user.access_token)).toEqual({
      active: true,
      sub: user.user.id,
      client_id: "edge-auth",
      username: user.username,
      roles: [],
      sid: claims.sid,
      exp: claims.exp,
      iat: claims.iat,
      iss: "https://auth.test.example",
      aud: "https://api.test.example",
      token_type: "Bearer",
    });
    expect(await service().introspect(user.refresh_token)).toMatchObject({ active: true, sub: user.user.id, sid: claims.sid, token_type: "refresh_token" });
    expect((await request("/auth/logout", { method: "POST", headers: { Authorization: `Bearer ${user.access_token}` } })).status).toBe(204);
    expect(await service().introspect(user.access_token)).toEqual({ active: false });
    expect(await service().introspect(user.refresh_token)).toEqual({ active: false });
  });

  it.each([["an empty string", ""], ["no string", 42], ["a forged token", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"], ["an oversized value", "a".repeat(20_000)]])(
    "answers active: false for %s, never an exception",
    async (_, token) => {
      expect(await service().introspect(token as string)).toEqual({ active: false });
    },
  );

  it("throws temporarily_unavailable, never active: true, when the revocation read fails", async () => {
    const user = await registerUser(request);
    const stores = defaultStores(testEnv);
    stores.sessions.isRevoked = () => guardStorage("sessions.isRevoked", () => Promise.reject(new Error("injected fault")));
    const direct = localService(testEnv, { stores: () => stores });
    await expect(direct.introspect(user.access_token)).rejects.toThrow("temporarily_unavailable: The service is temporarily unavailable. Try again shortly.");
  });
});

describe("AuthService.verify failing closed", () => {
  it("answers temporarily_unavailable, never valid, when the revocation read fails", async () => {
    const user = await registerUser(request);
    const stores = defaultStores(testEnv);
    stores.sessions.isRevoked = () => guardStorage("sessions.isRevoked", () => Promise.reject(new Error("injected fault")));
    const direct = localService(testEnv, { stores: () => stores });
    expect(await direct.verify(user.access_token)).toEqual({ valid: false, reason: "temporarily_unavailable" });
  });

  it("answers temporarily_unavailable when the configuration is unusable", async () => {
    const user = await registerUser(request);
    const broken = envWith({ REFRESH_TOKEN_SECRET: "short" });
    const direct = localService(broken);
    expect(await direct.verify(user.access_token)).toEqual({ valid: false, reason: "temporarily_unavailable" });
  });

  it("answers temporarily_unavailable in development without ISSUER: a binding call has no origin to take it from", async () => {
    const user = await registerUser(request);
    const direct = localService(envWith({ ENVIRONMENT: "development", ISSUER: "" }));
    expect(await direct.verify(user.access_token)).toEqual({ valid: false, reason: "temporarily_unavailable" });
  });
});

