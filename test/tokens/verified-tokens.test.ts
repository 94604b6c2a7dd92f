// verifyAccessTokenOnce: a token verified once is not re-verified, but its lifetime, its audience
// and the key ring it was verified under still decide every later answer.
import type { JWK } from "jose";
import { describe, expect, it } from "vitest";
import { readConfig } from "../../src/config";
import { signAccessToken } from "../../src/tokens/access-token";
import { loadKeyRing, type KeyRing } from "../../src/tokens/signing-keys";
import { verifyAccessTokenOnce } from "../../src/tokens/verified-tokens";
import { envWith, testEnv } from "../helpers";

const keys = JSON.parse(testEnv.TEST_KEYS) as Record<"RS256" | "RS256_NEXT", JWK>;
const settings = { issuer: "https://auth.test.example", audience: "https://api.test.example", accessTtl: 300 };
const claims = { sub: "user-1", sid: "sid-1", username: "ada", roles: [], ver: 0, client_id: "edge-auth" };
const NOW = 1_800_000_000;

async function ring(key: JWK): Promise<KeyRing> {
  const result = await loadKeyRing(readConfig(envWith({ SIGNING_KEYS: JSON.stringify({ keys: [key] }), ACTIVE_KID: key.kid! }) as unknown as Record<string, unknown>));
  if (Array.isArray(result)) throw new Error(result.join("; "));
  return result;
}

describe("verified access tokens", () => {
  it("answers a repeated token with the same claims, and refuses it from its exp on", async () => {
    const keyRing = await ring(keys.RS256);
    const token = await signAccessToken(keyRing, settings, claims, NOW);
    const first = await verifyAccessTokenOnce(keyRing, settings, token, NOW);
    expect(first).toMatchObject({ ...claims, iat: NOW, exp: NOW + 300 });
    expect(await verifyAccessTokenOnce(keyRing, settings, token, NOW + 299)).toBe(first);
    await expect(verifyAccessTokenOnce(keyRing, settings, token, NOW + 300)).rejects.toMatchObject({ code: "invalid_token", variant: "expired" });
  });

  it("still refuses a remembered token under another audience", async () => {
    const keyRing = await ring(keys.RS256);
    const token = await signAccessToken(keyRing, settings, claims, NOW);
    await verifyAccessTokenOnce(keyRing, settings, token, NOW);
    await expect(verifyAccessTokenOnce(keyRing, { ...settings, audience: "https://other.example" }, token, NOW)).rejects.toMatchObject({ code: "invalid_token" });
  });

  it("forgets every token when the key ring changes, so a withdrawn key's tokens are refused", async () => {
    const old = await ring(keys.RS256);
    const token = await signAccessToken(old, settings, claims, NOW);
    await verifyAccessTokenOnce(old, settings, token, NOW);
    await expect(verifyAccessTokenOnce(await ring(keys.RS256_NEXT), settings, token, NOW)).rejects.toMatchObject({ code: "invalid_token" });
  });
});
