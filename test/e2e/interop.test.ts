// Gateways verify our tokens with their own libraries: PyJWT (Debian's python3-jwt) checks an
// access token against the served JWKS for each asymmetric algorithm, pinning alg, iss and aud.
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error plain ESM helper shared with the dev scripts
import { generateSigningKey, randomSecret } from "../../scripts/keys.mjs";
import { startWorker, type RunningWorker } from "./worker";

const PYJWT = `
import json, sys, urllib.request, jwt
url, token, alg = sys.argv[1], sys.argv[2], sys.argv[3]
client = jwt.PyJWKClient(url + "/.well-known/jwks.json")
key = client.get_signing_key_from_jwt(token)
claims = jwt.decode(token, key.key, algorithms=[alg], audience="https://api.interop.example",
                    issuer="https://auth.interop.example", options={"require": ["exp", "iat", "sub", "jti"]})
print(json.dumps({"typ": jwt.get_unverified_header(token)["typ"], "sub": claims["sub"]}))
`;

describe.each(["RS256", "ES256", "EdDSA"])("PyJWT verifies %s access tokens from the JWKS", (alg) => {
  let worker: RunningWorker;
  beforeAll(async () => {
    const key = generateSigningKey(alg);
    worker = await startWorker({
      JWT_ALGORITHM: alg, SIGNING_KEYS: JSON.stringify({ keys: [key] }), ACTIVE_KID: key.kid, REFRESH_TOKEN_SECRET: randomSecret(),
      ISSUER: "https://auth.interop.example", AUDIENCE: "https://api.interop.example",
    });
  });
  afterAll(() => worker?.stop());

  it("accepts the token and reads its subject", async () => {
    const username = `interop${alg}${Date.now()}`;
    const response = await fetch(`${worker.url}/auth/register`, {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ username, password: "a long enough passphrase" }),
    });
    expect(response.status).toBe(201);
    const { access_token, user } = (await response.json()) as { access_token: string; user: { id: string } };
    const run = spawnSync("/usr/bin/python3", ["-c", PYJWT, worker.url, access_token, alg], { encoding: "utf8" });
    expect(run.stderr).toBe("");
    expect(JSON.parse(run.stdout)).toEqual({ typ: "at+jwt", sub: user.id });
  });
});
