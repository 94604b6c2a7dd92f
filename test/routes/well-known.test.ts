// Discovery lists only what is true of this service: the issuer, where its keys are, and the
// algorithm its access tokens are signed with. No ID tokens are issued, so no ID-token algorithms;
// /auth/logout is not an RFC 7009 revocation endpoint, nor /auth/login an RFC 6749 token endpoint.
import { describe, expect, it } from "vitest";
import { realApp, testEnv } from "../helpers";

describe("GET /.well-known/openid-configuration", () => {
  it("answers exactly the issuer, the JWKS address and the access-token algorithm", async () => {
    const response = await realApp.request("/.well-known/openid-configuration", {}, testEnv);
    expect([response.status, response.headers.get("Cache-Control")]).toEqual([200, "public, max-age=300"]);
    expect(await response.json()).toEqual({
      issuer: "https://auth.test.example",
      jwks_uri: "https://auth.test.example/.well-known/jwks.json",
      access_token_signing_alg_values_supported: ["RS256"],
    });
  });
});
