// The native API end to end, against the worker started exactly as `npm start` starts it.
// The access token is checked with node:crypto from the served JWKS, not with the project's code.
import { createPublicKey, createVerify } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWorker, type RunningWorker } from "./worker";

let worker: RunningWorker;
beforeAll(async () => {
  // A short reuse interval so the test can step outside it without a long wait.
  worker = await startWorker({ REFRESH_REUSE_INTERVAL: "2" });
});
afterAll(() => worker?.stop());

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${worker.url}${path}`, { method: "POST", headers: { "Content-Type": "application/json", ...headers }, body: JSON.stringify(body) });
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** RS256 verification with node:crypto only: header, signature, then the claims a gateway checks. */
async function verifyIndependently(token: string) {
  const [h, p, s] = token.split(".") as [string, string, string];
  const header = JSON.parse(Buffer.from(h, "base64url").toString());
  const jwks = (await (await fetch(`${worker.url}/.well-known/jwks.json`)).json()) as { keys: Record<string, string>[] };
  const jwk = jwks.keys.find((k) => k.kid === header.kid);
  expect(jwk).toBeDefined();
  const key = createPublicKey({ key: jwk as never, format: "jwk" });
  const valid = createVerify("RSA-SHA256").update(`${h}.${p}`).verify(key, Buffer.from(s, "base64url"));
  return { header, valid, claims: JSON.parse(Buffer.from(p, "base64url").toString()) };
}

describe("native API over HTTP", () => {
  it("register → login → me → refresh → replay → logout → refused", async () => {
    const username = `e2e${Date.now()}`;
    const registered = await post("/auth/register", { username, email: `${username}@example.com`, password: "a long enough passphrase" });
    expect(registered.status).toBe(201);
    expect(registered.headers.get("cache-control")).toBe("no-store");

    const login = await post("/auth/login", { username, password: "a long enough passphrase" });
    expect(login.status).toBe(200);
    const tokens = (await login.json()) as Record<string, any>;
    expect(tokens).toMatchObject({ token_type: "Bearer", expires_in: 300, refresh_expires_in: expect.any(Number), user: { username, email: `${username}@example.com`, roles: [] } });

    const checked = await verifyIndependently(tokens.access_token);
    expect(checked.valid).toBe(true);
    expect(checked.header).toEqual({ alg: "RS256", typ: "at+jwt", kid: expect.any(String) });
    expect(checked.claims).toMatchObject({ iss: worker.url, aud: "edge-auth-local", sub: tokens.user.id, username, sid: expect.any(String), jti: expect.any(String) });
    expect(checked.claims.exp - checked.claims.iat).toBe(300);

    const me = await fetch(`${worker.url}/auth/me`, { headers: bearer(tokens.access_token) });
    expect([me.status, await me.json()]).toEqual([200, { user: tokens.user }]);

    const refreshed = await post("/auth/refresh", { refresh_token: tokens.refresh_token });
    expect(refreshed.status).toBe(200);
    const next = (await refreshed.json()) as Record<string, any>;
    expect(next.refresh_token).not.toBe(tokens.refresh_token);

    // Inside the reuse interval: the same successor, nothing revoked.
    const retry = await post("/auth/refresh", { refresh_token: tokens.refresh_token });
    expect(retry.status).toBe(200);
    expect(((await retry.json()) as Record<string, any>).refresh_token).toBe(next.refresh_token);

    // Outside it: reuse, the family is revoked, the newer token dies too.
    await sleep(3000);
    const replay = await post("/auth/refresh", { refresh_token: tokens.refresh_token });
    expect([replay.status, await replay.json()]).toEqual([401, { error: "invalid_grant", error_description: "The refresh token is invalid, expired or revoked." }]);
    expect((await post("/auth/refresh", { refresh_token: next.refresh_token })).status).toBe(401);

    // A fresh session, then logout: its access token and refresh token stop working.
    const second = (await (await post("/auth/login", { identifier: `${username}@example.com`, password: "a long enough passphrase" })).json()) as Record<string, any>;
    const logout = await post("/auth/logout", {}, bearer(second.access_token));
    expect(logout.status).toBe(204);
    const refused = await fetch(`${worker.url}/auth/me`, { headers: bearer(second.access_token) });
    expect(refused.status).toBe(401);
    expect(refused.headers.get("www-authenticate")).toBe('Bearer realm="edge-auth", error="invalid_token", error_description="The access token is invalid or has expired."');
    expect((await post("/auth/refresh", { refresh_token: second.refresh_token })).status).toBe(401);
  });

  it("gives 20 parallel redemptions of one refresh token one successor, with no 5xx, and the successor works", async () => {
    const username = `par${Date.now()}`;
    const tokens = (await (await post("/auth/register", { username, password: "a long enough passphrase" })).json()) as Record<string, any>;
    const answers = await Promise.all(Array.from({ length: 20 }, () => post("/auth/refresh", { refresh_token: tokens.refresh_token })));
    expect(answers.map((r) => r.status)).toEqual(Array(20).fill(200));
    const successors = new Set(await Promise.all(answers.map(async (r) => ((await r.json()) as Record<string, any>).refresh_token)));
    expect(successors.size).toBe(1);
    const next = await post("/auth/refresh", { refresh_token: [...successors][0] });
    expect(next.status).toBe(200);
  });

  it("serves health, discovery and JWKS", async () => {
    const health = await fetch(`${worker.url}/healthz`);
    expect([health.status, await health.json()]).toEqual([200, { status: "ok" }]);
    const jwks = await fetch(`${worker.url}/.well-known/jwks.json`);
    expect(jwks.headers.get("cache-control")).toBe("public, max-age=300, stale-while-revalidate=60");
    const discovery = (await (await fetch(`${worker.url}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(discovery.jwks_uri).toBe(`${worker.url}/.well-known/jwks.json`);
  });
});
