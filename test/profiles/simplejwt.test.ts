import { describe, expect, it } from "vitest";
import { AuthError } from "../../src/errors";
import { simpleJwtShape } from "../../src/profiles/simplejwt";
import { envWith, json, memoryApp, realApp, testEnv } from "../helpers";
import { lifetimeOf, nativeUser } from "./support";

const request = (path: string, init?: RequestInit) => realApp.request(path, init, testEnv);
const NOT_VALID = { detail: "Token is invalid or expired", code: "token_not_valid" };

async function obtain(send = request) {
  const user = await nativeUser(send);
  const response = await send("/api/token/", json({ username: user.username, password: user.password }));
  expect(response.status).toBe(200);
  return (await response.json()) as { refresh: string; access: string };
}

describe("seed 001: POST /api/token/", () => {
  it("answers { refresh, access } with a 5-minute access token by default", async () => {
    const user = await nativeUser(request);
    const response = await request("/api/token/", json({ username: user.username, password: user.password }));
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    const body = (await response.json()) as Record<string, string>;
    expect(Object.keys(body)).toEqual(["refresh", "access"]);
    expect(lifetimeOf(body.access!)).toBe(300);
  });

  it("uses SIMPLEJWT_ACCESS_TOKEN_LIFETIME when set", async () => {
    const env = envWith({ SIMPLEJWT_ACCESS_TOKEN_LIFETIME: "600" });
    const { access } = await obtain((path, init) => realApp.request(path, init, env));
    expect(lifetimeOf(access)).toBe(600);
  });

  it("gives the seed's 401 for wrong credentials", async () => {
    const user = await nativeUser(request);
    const response = await request("/api/token/", json({ username: user.username, password: "not the password" }));
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ detail: "No active account found with the given credentials" });
    expect(response.headers.get("WWW-Authenticate")).toBe('Bearer realm="api"');
  });

  it("lists missing fields DRF-style", async () => {
    const response = await request("/api/token/", json({}));
    expect([response.status, await response.json()]).toEqual([400, { username: ["This field is required."], password: ["This field is required."] }]);
  });
});

describe("seed 001: POST /api/token/refresh/ rotates single-use refresh tokens", () => {
  it("returns a new pair, and a replay of the old refresh token after the grace interval revokes the family", async () => {
    const { request: send, clock } = memoryApp();
    const first = await obtain(send);
    const rotated = await send("/api/token/refresh/", json({ refresh: first.refresh }));
    expect(rotated.status).toBe(200);
    const second = (await rotated.json()) as { access: string; refresh: string };
    expect(Object.keys(second)).toEqual(["access", "refresh"]);
    expect(second.refresh).not.toBe(first.refresh);
    clock.advance(11);
    const replay = await send("/api/token/refresh/", json({ refresh: first.refresh }));
    expect([replay.status, await replay.json()]).toEqual([401, NOT_VALID]);
    const successor = await send("/api/token/refresh/", json({ refresh: second.refresh }));
    expect([successor.status, await successor.json()]).toEqual([401, NOT_VALID]);
  });

  it("ends the refresh token's life after SIMPLEJWT_REFRESH_TOKEN_LIFETIME (24 h by default)", async () => {
    const { request: send, clock } = memoryApp();
    const { refresh } = await obtain(send);
    clock.advance(86_401);
    const response = await send("/api/token/refresh/", json({ refresh }));
    expect([response.status, await response.json()]).toEqual([401, NOT_VALID]);
  });
});

describe("seed 001: verify and blacklist", () => {
  it("verifies access and refresh tokens with 200 {} and refuses anything else with token_not_valid", async () => {
    const { access, refresh } = await obtain();
    for (const token of [access, refresh]) {
      const response = await request("/api/token/verify/", json({ token }));
      expect([response.status, await response.json()]).toEqual([200, {}]);
    }
    const forged = await request("/api/token/verify/", json({ token: access.slice(0, -4) + "AAAA" }));
    expect([forged.status, await forged.json()]).toEqual([401, NOT_VALID]);
  });

  it("blacklists a refresh token: it cannot refresh, and its access token stops verifying", async () => {
    const { access, refresh } = await obtain();
    const response = await request("/api/token/blacklist/", json({ refresh }));
    expect([response.status, await response.json()]).toEqual([200, {}]);
    const again = await request("/api/token/refresh/", json({ refresh }));
    expect([again.status, await again.json()]).toEqual([401, NOT_VALID]);
    const verify = await request("/api/token/verify/", json({ token: access }));
    expect([verify.status, await verify.json()]).toEqual([401, NOT_VALID]);
  });
});

describe("seed 001: error dialect", () => {
  it("renders a request without credentials as SimpleJWT's 'not provided' 401", () => {
    const missing = new AuthError("invalid_token", "No access token was provided.", { tokenPresented: false, variant: "missing" });
    expect(simpleJwtShape(missing)).toEqual({ status: 401, body: { detail: "Authentication credentials were not provided." }, headers: { "WWW-Authenticate": 'Bearer realm="api"' } });
  });
});
