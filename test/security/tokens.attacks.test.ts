// Security regression suite, access tokens: one describe per attack class. Each forged token
// differs from a token the service accepts in exactly one attacker-controlled part; the control
// test proves the forging kit itself makes acceptable tokens.
import { describe, expect, it } from "vitest";
import { json, memoryApp, realApp, registerUser, testEnv } from "../helpers";
import { confusedHs256, publicKeyAsSecrets, resign, signWith, tamperSignature, TEST_KEYS, unsecured } from "./forge";

const request = (path: string, init?: RequestInit) => realApp.request(path, init, testEnv);
const me = (token: string, send = request) => send("/auth/me", { headers: { Authorization: `Bearer ${token}` } });
const REFUSED = { error: "invalid_token", error_description: "The access token is invalid or has expired." };
const CHALLENGE = 'Bearer realm="edge-auth", error="invalid_token", error_description="The access token is invalid or has expired."';

async function expectRefused(response: Response) {
  expect(response.status).toBe(401);
  expect(response.headers.get("WWW-Authenticate")).toBe(CHALLENGE);
  expect(response.headers.get("Cache-Control")).toBe("no-store");
  expect(await response.json()).toEqual(REFUSED);
}

describe("control: the forging kit re-signs acceptable tokens", () => {
  it("accepts the real claims re-signed by the real key", async () => {
    const { access_token, user } = await registerUser(request);
    const response = await me(await resign(access_token));
    expect(response.status).toBe(200);
    expect(((await response.json()) as { user: { id: string } }).user.id).toBe(user.id);
  });
});

describe("attack: alg none", () => {
  it("refuses an unsecured token carrying valid claims", async () => {
    const { access_token } = await registerUser(request);
    await expectRefused(await me(unsecured(access_token)));
  });
});

describe("attack: algorithm confusion (HS256 keyed with the RSA public key)", () => {
  it.each(["pem", "spkiDer", "jwkJson", "modulus"])("refuses HS256 keyed with the public key as %s", async (form) => {
    const { access_token } = await registerUser(request);
    const secrets = await publicKeyAsSecrets();
    await expectRefused(await me(await confusedHs256(access_token, secrets[form]!)));
  });
});

describe("attack: wrong signature or key", () => {
  it("refuses a token whose signature was altered", async () => {
    const { access_token } = await registerUser(request);
    await expectRefused(await me(tamperSignature(access_token)));
  });

  it("refuses a token signed by another RSA key that names the real kid", async () => {
    const { access_token } = await registerUser(request);
    await expectRefused(await me(await resign(access_token, { key: TEST_KEYS.RS256_NEXT })));
  });

  it.each([
    ["an unknown kid", { kid: "not-a-key" }],
    ["no kid", { kid: undefined }],
  ])("refuses a token that names %s", async (_, header) => {
    const { access_token } = await registerUser(request);
    await expectRefused(await me(await resign(access_token, { header })));
  });

  it.each(["ES256", "EdDSA"] as const)("refuses a %s token signed by a key the service does not hold", async (alg) => {
    const { access_token } = await registerUser(request);
    await expectRefused(await me(await resign(access_token, { key: TEST_KEYS[alg], header: { kid: TEST_KEYS[alg].kid } })));
  });
});

describe("attack: wrong iss, aud or typ", () => {
  it.each([
    ["another issuer", { claims: { iss: "https://evil.example" } }],
    ["another audience", { claims: { aud: "https://other-api.example" } }],
    ["an audience list without ours", { claims: { aud: ["https://a.example", "https://b.example"] } }],
    ["typ JWT (not an access token)", { header: { typ: "JWT" } }],
    ["no typ", { header: { typ: undefined } }],
  ])("refuses a correctly signed token with %s", async (_, change) => {
    const { access_token } = await registerUser(request);
    await expectRefused(await me(await resign(access_token, change)));
  });
});

describe("attack: expired and not-yet-valid tokens (clock controlled)", () => {
  it("accepts a token until exp and refuses it after", async () => {
    const { request: send, clock } = memoryApp();
    const { access_token } = await registerUser(send);
    clock.advance(299);
    expect((await me(access_token, send)).status).toBe(200);
    clock.advance(2);
    await expectRefused(await me(access_token, send));
  });

  it.each([
    ["nbf in the future", (now: number) => ({ nbf: now + 120 })],
    ["iat in the future", (now: number) => ({ iat: now + 3600, exp: now + 3900 })],
    ["exp already past", (now: number) => ({ iat: now - 600, exp: now - 300 })],
    ["a lifetime far beyond the configured one", (now: number) => ({ iat: now, exp: now + 10 * 365 * 86_400 })],
  ])("refuses a correctly signed token with %s", async (_, claims) => {
    const { request: send, clock } = memoryApp();
    const { access_token } = await registerUser(send);
    await expectRefused(await me(await resign(access_token, { claims: claims(Math.floor(clock.ms / 1000)) }), send));
  });

  it("refuses a token without exp", async () => {
    const { access_token } = await registerUser(request);
    const { exp, ...claims } = JSON.parse(atob(access_token.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/")));
    await expectRefused(await me(await signWith(TEST_KEYS.RS256, { typ: "at+jwt", kid: TEST_KEYS.RS256.kid }, claims)));
  });
});

describe("attack: logout then reuse", () => {
  it("refuses the access and refresh tokens of a logged-out session", async () => {
    const { access_token, refresh_token } = await registerUser(request);
    expect((await request("/auth/logout", json({}, { headers: { Authorization: `Bearer ${access_token}` } }))).status).toBe(204);
    await expectRefused(await me(access_token));
    const refresh = await request("/auth/refresh", json({ refresh_token }));
    expect(refresh.status).toBe(401);
    expect(await refresh.json()).toEqual({ error: "invalid_grant", error_description: "The refresh token is invalid, expired or revoked." });
  });

  it("refuses every session's tokens after logout-all, including re-signed copies", async () => {
    const first = await registerUser(request);
    const second = (await (await request("/auth/login", json({ username: first.username, password: "correct horse battery staple" }))).json()) as { access_token: string };
    expect((await request("/auth/logout", json({ all: true }, { headers: { Authorization: `Bearer ${first.access_token}` } }))).status).toBe(204);
    await expectRefused(await me(second.access_token));
    await expectRefused(await me(await resign(second.access_token)));
  });
});
