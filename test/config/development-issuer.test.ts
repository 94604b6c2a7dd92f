// Local development without ISSUER: the issuer is the origin the worker is reached at, so
// `PORT=8795 npm start` (or any `wrangler dev --port`) issues and verifies tokens for that port,
// and discovery lists that port's endpoints. Production never guesses: ISSUER empty there is 503.
import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { envWith, json, realApp, STRONG_PASSWORD, uniqueName } from "../helpers";

const devEnv = envWith({ ENVIRONMENT: "development", ISSUER: "", AUDIENCE: "" });
const at = (origin: string) => (path: string, init?: RequestInit) => realApp.request(`${origin}${path}`, init, devEnv);

describe("development issuer with ISSUER empty", () => {
  it("is the request's origin in discovery, in tokens and in verification", async () => {
    const send = at("http://127.0.0.1:8795");
    const discovery = await send("/.well-known/openid-configuration");
    expect(discovery.status).toBe(200);
    expect(await discovery.json()).toMatchObject({ issuer: "http://127.0.0.1:8795", jwks_uri: "http://127.0.0.1:8795/.well-known/jwks.json" });

    const registered = await send("/auth/register", json({ username: uniqueName("dev"), password: STRONG_PASSWORD }));
    expect(registered.status).toBe(201);
    const { access_token } = (await registered.json()) as { access_token: string };
    expect(decodeJwt(access_token)).toMatchObject({ iss: "http://127.0.0.1:8795", aud: "edge-auth-local" });
    expect((await send("/auth/me", { headers: { Authorization: `Bearer ${access_token}` } })).status).toBe(200);

    // Another origin is another issuer: its tokens are not this one's.
    const elsewhere = await at("http://127.0.0.1:8787")("/auth/me", { headers: { Authorization: `Bearer ${access_token}` } });
    expect([elsewhere.status, await elsewhere.json()]).toEqual([401, { error: "invalid_token", error_description: "The access token is invalid or has expired." }]);
  });

  it("is ISSUER when ISSUER is set, whatever the origin", async () => {
    const response = await realApp.request("http://127.0.0.1:8795/.well-known/openid-configuration", {}, envWith({ ENVIRONMENT: "development", ISSUER: "http://127.0.0.1:8787", AUDIENCE: "" }));
    expect(((await response.json()) as { issuer: string }).issuer).toBe("http://127.0.0.1:8787");
  });

  it("is never guessed in production: ISSUER empty answers 503", async () => {
    const response = await realApp.request("http://127.0.0.1:8795/.well-known/openid-configuration", {}, envWith({ ENVIRONMENT: "production", ISSUER: "" }));
    expect([response.status, await response.json()]).toEqual([503, { error: "temporarily_unavailable", error_description: "The service is temporarily unavailable. Try again shortly." }]);
  });
});
