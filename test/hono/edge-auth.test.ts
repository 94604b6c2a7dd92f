// edgeAuth(): a tiny Hono app protected by the JWKS middleware, with tokens minted by the worker's
// own signer and the JWKS served by the worker itself (through the `fetch` option).
import { Hono } from "hono";
import { decodeJwt, type JWK } from "jose";
import { describe, expect, it } from "vitest";
import { edgeAuth, type EdgeAuthOptions, type EdgeAuthVariables } from "../../src/hono";
import { testEnv } from "../helpers";
import { forgeKit, type ForgeKeys } from "../security/forge";
import { AUDIENCE, ISSUER, INVALID_TOKEN_ANSWER, MISSING_ROLE_ANSWER, NO_TOKEN_ANSWER, bearer, expectAnswer, newUser, workerRequest } from "./support";

const kit = forgeKit(JSON.parse(testEnv.TEST_KEYS) as ForgeKeys);
const jwksFetches: string[] = [];
const jwksFromWorker = async (url: string) => {
  jwksFetches.push(url);
  return workerRequest(new URL(url).pathname);
};

function apiWith(options: Partial<EdgeAuthOptions> = {}) {
  const app = new Hono<{ Variables: EdgeAuthVariables }>();
  app.use("/orders/*", edgeAuth({ issuer: ISSUER, audience: AUDIENCE, fetch: jwksFromWorker, ...options }));
  app.get("/orders/mine", (c) => c.json({ user: c.get("auth").sub, username: c.get("auth").username, roles: c.get("auth").roles }));
  return app;
}
const api = apiWith();
const admins = apiWith({ role: "admin" });

describe("edgeAuth() lets a valid edge-auth access token through", () => {
  it("answers 200 with the claims on the context, fetching the JWKS from the issuer's well-known path once", async () => {
    const user = await newUser();
    const fresh = apiWith({ fetch: jwksFromWorker });
    const before = jwksFetches.length;
    const response = await fresh.request("/orders/mine", bearer(user.access_token));
    expect([response.status, await response.json()]).toEqual([200, { user: user.user.id, username: user.username, roles: [] }]);
    expect((await fresh.request("/orders/mine", bearer(user.access_token))).status).toBe(200);
    expect(jwksFetches.slice(before)).toEqual([`${ISSUER}/.well-known/jwks.json`]);
  });

  it("sets every claim of the token as c.get('auth')", async () => {
    const user = await newUser();
    const app = new Hono<{ Variables: EdgeAuthVariables }>();
    app.get("/claims", edgeAuth({ issuer: ISSUER, audience: AUDIENCE, fetch: jwksFromWorker }), (c) => c.json(c.get("auth")));
    const response = await app.request("/claims", bearer(user.access_token));
    expect([response.status, await response.json()]).toEqual([200, decodeJwt(user.access_token)]);
  });

  it("lets a token holding the required role through", async () => {
    const user = await newUser();
    const admin = await kit.resign(user.access_token, { claims: { roles: ["admin", "ops"] } });
    const response = await admins.request("/orders/mine", bearer(admin));
    expect([response.status, await response.json()]).toEqual([200, { user: user.user.id, username: user.username, roles: ["admin", "ops"] }]);
  });

  it("takes its options from the Worker's env on the first request, and keeps them", async () => {
    const user = await newUser();
    const seen: unknown[] = [];
    const app = new Hono<{ Bindings: { ISSUER: string; AUDIENCE: string }; Variables: EdgeAuthVariables }>();
    app.get("/me", edgeAuth((env: { ISSUER: string; AUDIENCE: string }) => (seen.push(env), { issuer: env.ISSUER, audience: env.AUDIENCE, fetch: jwksFromWorker })), (c) => c.json({ sub: c.get("auth").sub }));
    const env = { ISSUER, AUDIENCE };
    expect([(await app.request("/me", bearer(user.access_token), env)).status, (await app.request("/me", bearer(user.access_token), env)).status]).toEqual([200, 200]);
    expect(seen).toEqual([env]);
  });
});

describe("edgeAuth() refuses, in the RFC 6750 shape", () => {
  it("answers a bare challenge when no token is sent", async () => {
    await expectAnswer(api.request("/orders/mine"), NO_TOKEN_ANSWER);
  });

  it.each([
    ["a Basic credential", "Basic YWRhOnB3"],
    ["an empty bearer", "Bearer "],
    ["a token with spaces", "Bearer a b"],
  ])("answers invalid_token for %s", async (_, header) => {
    await expectAnswer(api.request("/orders/mine", { headers: { Authorization: header } }), INVALID_TOKEN_ANSWER);
  });

  const forged: [string, (token: string) => Promise<string> | string][] = [
    ["a tampered signature", (t) => kit.tamperSignature(t)],
    ["a key not in the JWKS (same kid)", (t) => kit.resign(t, { key: { ...kit.keys.RS256_NEXT, kid: kit.keys.RS256.kid } })],
    ["an unknown kid", (t) => kit.resign(t, { key: kit.keys.RS256_NEXT, header: { kid: kit.keys.RS256_NEXT.kid } })],
    ["an expired token", (t) => kit.resign(t, { claims: { exp: Math.floor(Date.now() / 1000) - 120 } })],
    ["a wrong audience", (t) => kit.resign(t, { claims: { aud: "https://other-api.example" } })],
    ["a wrong issuer", (t) => kit.resign(t, { claims: { iss: "https://evil.example" } })],
    ["typ JWT instead of at+jwt", (t) => kit.resign(t, { header: { typ: "JWT" } })],
    ["no typ", (t) => kit.resign(t, { header: { typ: undefined } })],
    ["alg none", (t) => kit.unsecured(t)],
    ["no sid claim", (t) => kit.resign(t, { claims: { sid: undefined } })],
    ["an ES256 token when RS256 is pinned", (t) => kit.resign(t, { key: kit.keys.ES256, header: { kid: kit.keys.ES256.kid } })],
  ];
  it.each(forged)("answers invalid_token for %s", async (_, forge) => {
    const user = await newUser();
    await expectAnswer(api.request("/orders/mine", bearer(await forge(user.access_token))), INVALID_TOKEN_ANSWER);
  });

  it("answers invalid_token for HS256 keyed with the public RSA key in every form (algorithm confusion)", async () => {
    const user = await newUser();
    for (const secret of Object.values(await kit.publicKeyAsSecrets())) {
      await expectAnswer(api.request("/orders/mine", bearer(await kit.confusedHs256(user.access_token, secret))), INVALID_TOKEN_ANSWER);
    }
  });

  it("answers 403 insufficient_scope for a valid token without the role", async () => {
    const user = await newUser();
    await expectAnswer(admins.request("/orders/mine", bearer(user.access_token)), MISSING_ROLE_ANSWER);
  });

  it("requires every role named", async () => {
    const user = await newUser();
    const both = apiWith({ role: ["admin", "ops"] });
    await expectAnswer(both.request("/orders/mine", bearer(await kit.resign(user.access_token, { claims: { roles: ["admin"] } }))), MISSING_ROLE_ANSWER);
  });
});

describe("edgeAuth() when the keys cannot be had", () => {
  it.each([
    ["the JWKS answers 500", () => Promise.resolve(new Response("down", { status: 500 }))],
    ["the JWKS is not JSON", () => Promise.resolve(new Response("<html>", { status: 200 }))],
    ["the JWKS fetch fails", () => Promise.reject(new TypeError("network down"))],
  ])("answers 503 temporarily_unavailable when %s, never 200 or a 401 that would sign the user out", async (_, fetch) => {
    const user = await newUser();
    const response = await apiWith({ fetch }).request("/orders/mine", bearer(user.access_token));
    expect([response.status, await response.json(), response.headers.get("Retry-After"), response.headers.get("Cache-Control")]).toEqual([
      503,
      { error: "temporarily_unavailable", error_description: "The authentication service is temporarily unavailable." },
      "5",
      "no-store",
    ]);
  });
});

describe("edgeAuth() configuration mistakes fail when the app is built", () => {
  it.each([
    ["no issuer", { issuer: "" }, "edge-auth/hono: edgeAuth() needs issuer and audience"],
    ["HS256 in algorithms", { algorithms: ["HS256"] }, "edge-auth/hono: algorithms must be RS256, ES256 or EdDSA"],
    ["a realm with a quote", { realm: 'a"b' }, 'edge-auth/hono: realm "a\\"b" cannot be quoted in WWW-Authenticate'],
    ["an empty role", { role: "" }, "edge-auth/hono: role must be a non-empty string or a list of them"],
  ])("throws for %s", (_, options, message) => {
    expect(() => edgeAuth({ issuer: ISSUER, audience: AUDIENCE, ...(options as Partial<EdgeAuthOptions>) })).toThrow(new Error(message));
  });
});
