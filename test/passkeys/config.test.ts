// WEBAUTHN_RP_ID and WEBAUTHN_ORIGINS: unset or inconsistent in production, every passkey route
// answers 503 and logs why (the rest of the service is unaffected); in development, unset, the
// relying party is the request's own host and origin.
import { afterEach, describe, expect, it, vi } from "vitest";
import { readWebAuthnConfig } from "../../src/passkeys/relying-party";
import { envWith, json, registerUser, testEnv } from "../helpers";
import { SoftAuthenticator } from "./authenticator";
import { bearer, passkeyClient } from "./support";

afterEach(() => vi.restoreAllMocks());

const UNAVAILABLE = { error: "temporarily_unavailable", error_description: "The service is temporarily unavailable. Try again shortly." };

describe("readWebAuthnConfig", () => {
  it("takes a consistent pair, and names what is wrong with any other", () => {
    const read = (vars: Record<string, string>, dev = false) => readWebAuthnConfig(vars, dev);
    expect(read({ WEBAUTHN_RP_ID: "Example.com", WEBAUTHN_ORIGINS: "https://example.com, https://app.example.com" })).toEqual({ kind: "configured", rpId: "example.com", origins: ["https://example.com", "https://app.example.com"] });
    expect(read({})).toEqual({ kind: "unusable", problem: "WEBAUTHN_RP_ID and WEBAUTHN_ORIGINS are not set" });
    expect(read({}, true)).toEqual({ kind: "request" });
    expect(read({ WEBAUTHN_RP_ID: "example.com" })).toEqual({ kind: "unusable", problem: "WEBAUTHN_ORIGINS is not set (WEBAUTHN_RP_ID is)" });
    expect(read({ WEBAUTHN_ORIGINS: "https://example.com" })).toEqual({ kind: "unusable", problem: "WEBAUTHN_RP_ID is not set (WEBAUTHN_ORIGINS is)" });
    expect(read({ WEBAUTHN_RP_ID: "https://example.com", WEBAUTHN_ORIGINS: "https://example.com" })).toEqual({ kind: "unusable", problem: "WEBAUTHN_RP_ID must be a domain name, without scheme or port" });
    expect(read({ WEBAUTHN_RP_ID: "example.com", WEBAUTHN_ORIGINS: "https://example.com/login" })).toEqual({ kind: "unusable", problem: "WEBAUTHN_ORIGINS: https://example.com/login is not an origin (scheme://host[:port])" });
    expect(read({ WEBAUTHN_RP_ID: "example.com", WEBAUTHN_ORIGINS: "http://example.com" })).toEqual({ kind: "unusable", problem: "WEBAUTHN_ORIGINS: http://example.com must be https" });
    expect(read({ WEBAUTHN_RP_ID: "example.com", WEBAUTHN_ORIGINS: "https://example.org" })).toEqual({ kind: "unusable", problem: "WEBAUTHN_ORIGINS: https://example.org is not within WEBAUTHN_RP_ID example.com" });
    expect(read({ WEBAUTHN_RP_ID: "example.com", WEBAUTHN_ORIGINS: "https://notexample.com" })).toEqual({ kind: "unusable", problem: "WEBAUTHN_ORIGINS: https://notexample.com is not within WEBAUTHN_RP_ID example.com" });
  });
});

describe("passkey routes without a relying party in production", () => {
  it("answer 503 on every passkey route and log the missing settings, while login works", async () => {
    const logged = vi.spyOn(console, "error");
    const { request } = passkeyClient(testEnv);
    const user = await registerUser(request);
    const calls: [string, RequestInit][] = [
      ["/auth/passkeys/register/options", { method: "POST", headers: bearer(user.access_token) }],
      ["/auth/passkeys/register/verify", json({}, { headers: bearer(user.access_token) })],
      ["/auth/passkeys/login/options", json({})],
      ["/auth/passkeys/login/verify", json({})],
    ];
    for (const [path, init] of calls) {
      const response = await request(path, init);
      expect(response.status, path).toBe(503);
      expect(response.headers.get("Retry-After")).toBe("5");
      expect(await response.json()).toEqual(UNAVAILABLE);
    }
    const lines = logged.mock.calls.map((c) => String(c[0])).filter((l) => l.includes("passkeys unusable"));
    expect(lines).toHaveLength(4);
    expect(JSON.parse(lines[0]!)).toEqual({ level: "error", event: "request_refused", path: "/auth/passkeys/register/options", code: "temporarily_unavailable", reason: "passkeys unusable: WEBAUTHN_RP_ID and WEBAUTHN_ORIGINS are not set" });
    expect((await request("/healthz")).status).toBe(200);
  });
});

describe("passkeys in development without WEBAUTHN_*", () => {
  it("use the request's host as RP ID and its origin as the allowed origin", async () => {
    const { request: raw } = passkeyClient(envWith({ ENVIRONMENT: "development" }));
    const request = (path: string, init?: RequestInit) => raw(path, init);
    const user = await registerUser(request);
    const options = await (await request("/auth/passkeys/register/options", { method: "POST", headers: bearer(user.access_token) })).json<{ challenge: string; rp: { id: string; name: string }; user: { id: string } }>();
    expect(options.rp).toEqual({ id: "auth.test.example", name: "auth.test.example" });
    const authenticator = new SoftAuthenticator("https://auth.test.example");
    const registered = await request("/auth/passkeys/register/verify", json({ credential: await authenticator.create(options) }, { headers: bearer(user.access_token) }));
    expect(registered.status).toBe(201);
    const login = await (await request("/auth/passkeys/login/options", json({}))).json<{ challenge: string; rpId: string }>();
    expect(login.rpId).toBe("auth.test.example");
    const refused = await request("/auth/passkeys/login/verify", json({ credential: await authenticator.get(login, undefined, { origin: "https://app.test.example" }) }));
    expect(refused.status).toBe(401);
  });
});

describe("listing and removing passkeys without a relying party", () => {
  it("still work, so a user can clean up while the ceremonies are unavailable", async () => {
    const { request } = passkeyClient(testEnv);
    const user = await registerUser(request);
    expect(await (await request("/auth/passkeys", { headers: bearer(user.access_token) })).json()).toEqual({ passkeys: [] });
    expect((await request("/auth/passkeys/unknown", { method: "DELETE", headers: bearer(user.access_token) })).status).toBe(404);
  });
});
