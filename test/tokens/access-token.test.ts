import { SignJWT, importJWK, decodeProtectedHeader, decodeJwt, type JWK } from "jose";
import { describe, expect, it } from "vitest";
import { readConfig } from "../../src/config";
import { signAccessToken, verifyAccessToken } from "../../src/tokens/access-token";
import { loadKeyRing, type KeyRing } from "../../src/tokens/signing-keys";
import { envWith, testEnv } from "../helpers";

const keys = JSON.parse(testEnv.TEST_KEYS) as Record<"RS256" | "ES256" | "EdDSA" | "RS256_NEXT", JWK>;
const settings = { issuer: "https://auth.test.example", audience: "https://api.test.example", accessTtl: 300 };
const claims = { sub: "user-1", sid: "sid-1", username: "ada", roles: ["admin"], ver: 0, client_id: "edge-auth" };
const NOW = 1_800_000_000;

async function ring(overrides: Record<string, string>): Promise<KeyRing> {
  const result = await loadKeyRing(readConfig(envWith(overrides) as unknown as Record<string, unknown>));
  if (Array.isArray(result)) throw new Error(result.join("; "));
  return result;
}

describe("access tokens", () => {
  it.each(["RS256", "ES256", "EdDSA"] as const)("signs %s with kid and typ at+jwt, and carries every required claim", async (alg) => {
    const keyRing = await ring({ JWT_ALGORITHM: alg, SIGNING_KEYS: JSON.stringify({ keys: [keys[alg]] }), ACTIVE_KID: keys[alg].kid! });
    const token = await signAccessToken(keyRing, settings, claims, NOW);
    expect(decodeProtectedHeader(token)).toEqual({ alg, typ: "at+jwt", kid: keys[alg].kid });
    expect(decodeJwt(token)).toEqual({ ...claims, iss: settings.issuer, aud: settings.audience, iat: NOW, exp: NOW + 300, jti: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    await expect(verifyAccessToken(keyRing, settings, token, NOW + 10)).resolves.toMatchObject(claims);
  });

  it("signs HS256 with JWT_SECRET_KEY and publishes no key", async () => {
    const keyRing = await ring({ JWT_ALGORITHM: "HS256", JWT_SECRET_KEY: "s".repeat(32) });
    expect(keyRing.jwks).toEqual({ keys: [] });
    const token = await signAccessToken(keyRing, settings, claims, NOW);
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: "HS256", typ: "at+jwt" });
    await expect(verifyAccessToken(keyRing, settings, token, NOW)).resolves.toMatchObject({ sub: "user-1" });
  });

  it("rotates with zero downtime: a token of the old key still verifies once the new key signs", async () => {
    const both = JSON.stringify({ keys: [keys.RS256, keys.RS256_NEXT] });
    const before = await ring({ SIGNING_KEYS: both, ACTIVE_KID: keys.RS256.kid! });
    const after = await ring({ SIGNING_KEYS: both, ACTIVE_KID: keys.RS256_NEXT.kid! });
    const oldToken = await signAccessToken(before, settings, claims, NOW);
    expect(decodeProtectedHeader(await signAccessToken(after, settings, claims, NOW)).kid).toBe(keys.RS256_NEXT.kid);
    await expect(verifyAccessToken(after, settings, oldToken, NOW)).resolves.toMatchObject({ sid: "sid-1" });
    expect(after.jwks.keys.map((k) => k.kid)).toEqual([keys.RS256.kid, keys.RS256_NEXT.kid]);
  });

  it("publishes only public members in the JWKS", async () => {
    const keyRing = await ring({});
    for (const jwk of keyRing.jwks.keys) {
      expect(Object.keys(jwk).sort()).toEqual(["alg", "e", "kid", "kty", "n", "use"]);
    }
  });

  describe("verification pins algorithm, issuer, audience and type", () => {
    const sign = async (header: Record<string, unknown>, payload: Record<string, unknown>, key = keys.RS256) =>
      new SignJWT({ ...claims, iss: settings.issuer, aud: settings.audience, iat: NOW, exp: NOW + 300, jti: "j", ...payload })
        .setProtectedHeader({ alg: "RS256", typ: "at+jwt", kid: key.kid, ...header } as never)
        .sign(await importJWK(key, "RS256"));

    it.each([
      ["a wrong issuer", {}, { iss: "https://evil.example" }],
      ["a wrong audience", {}, { aud: "someone-else" }],
      ["a wrong typ", { typ: "JWT" }, {}],
      ["an unknown kid", { kid: "nope" }, {}],
      ["an expired token", {}, { exp: NOW - 1 }],
      ["a token not yet valid", {}, { nbf: NOW + 60 }],
      ["a token without sid", {}, { sid: undefined }],
    ])("refuses %s", async (_, header, payload) => {
      const keyRing = await ring({});
      const token = await sign(header, payload);
      await expect(verifyAccessToken(keyRing, settings, token, NOW)).rejects.toMatchObject({ code: "invalid_token" });
    });

    it("refuses a token signed by a key that is not configured, even with a configured kid", async () => {
      const keyRing = await ring({});
      const forged = await sign({ kid: keys.RS256.kid }, {}, { ...keys.RS256_NEXT, kid: keys.RS256.kid });
      await expect(verifyAccessToken(keyRing, settings, forged, NOW)).rejects.toMatchObject({ code: "invalid_token" });
    });

    it("marks an expired token so dialects that say 'expired' can", async () => {
      const keyRing = await ring({});
      await expect(verifyAccessToken(keyRing, settings, await sign({}, { exp: NOW - 1 }), NOW)).rejects.toMatchObject({ code: "invalid_token", variant: "expired" });
    });
  });
});
