// Security regression suite over real HTTP, against the worker started as `npm start` starts it,
// with a signing key this test generated (so it can forge tokens with the real key and prove each
// refusal is about the one thing it changed). One describe per attack class; the clock-driven
// classes and the KDF-count evidence run in workerd (test/security/).
import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error plain ESM helper shared with the dev scripts
import { generateSigningKey } from "../../scripts/keys.mjs";
import { forgeKit, type ForgeKeys } from "../security/forge";
import { startWorker, type RunningWorker } from "./worker";

const keys: ForgeKeys = { RS256: generateSigningKey("RS256"), RS256_NEXT: generateSigningKey("RS256"), ES256: generateSigningKey("ES256"), EdDSA: generateSigningKey("EdDSA") };
const kit = forgeKit(keys);
const PASSWORD = "correct horse battery staple";
let worker: RunningWorker;
let ip = 0;

beforeAll(async () => {
  worker = await startWorker({ SIGNING_KEYS: JSON.stringify({ keys: [keys.RS256] }), ACTIVE_KID: keys.RS256.kid });
});
afterAll(async () => worker?.stop());

/** Each request looks like its own client, so the per-IP throttle never shapes these answers. */
const send = (path: string, init: RequestInit & { headers?: Record<string, string> } = {}) =>
  fetch(`${worker.url}${path}`, { ...init, headers: { "CF-Connecting-IP": `203.0.113.${(ip = (ip % 250) + 1)}`, ...init.headers } });
const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  send(path, { method: "POST", headers: { "Content-Type": "application/json", ...headers }, body: JSON.stringify(body) });
const me = (token: string) => send("/auth/me", { headers: { Authorization: `Bearer ${token}` } });
const refresh = (refresh_token: string) => post("/auth/refresh", { refresh_token });

async function register() {
  const username = `atk${crypto.randomUUID().slice(0, 12)}`;
  const response = await post("/auth/register", { username, password: PASSWORD });
  expect(response.status).toBe(201);
  return { username, ...((await response.json()) as { access_token: string; refresh_token: string; user: { id: string } }) };
}

const INVALID_TOKEN = { error: "invalid_token", error_description: "The access token is invalid or has expired." };
const INVALID_GRANT = { error: "invalid_grant", error_description: "The refresh token is invalid, expired or revoked." };

async function expectRefused(response: Response) {
  expect(response.status).toBe(401);
  expect(response.headers.get("WWW-Authenticate")).toBe(`Bearer realm="edge-auth", error="invalid_token", error_description="${INVALID_TOKEN.error_description}"`);
  expect(response.headers.get("Cache-Control")).toBe("no-store");
  expect(await response.json()).toEqual(INVALID_TOKEN);
}
async function expectInvalidGrant(response: Response) {
  expect(response.status).toBe(401);
  expect(response.headers.get("Set-Cookie")).toBeNull();
  expect(await response.json()).toEqual(INVALID_GRANT);
}

describe("control: the forging kit re-signs acceptable tokens", () => {
  it("accepts the real claims re-signed by the real key", async () => {
    const { access_token, user } = await register();
    const response = await me(await kit.resign(access_token));
    expect(response.status).toBe(200);
    expect(((await response.json()) as { user: { id: string } }).user.id).toBe(user.id);
  });
});

describe("attack: alg none", () => {
  it("refuses an unsecured token carrying valid claims", async () => {
    await expectRefused(await me(kit.unsecured((await register()).access_token)));
  });
});

describe("attack: algorithm confusion (HS256 keyed with the RSA public key)", () => {
  it.each(["pem", "spkiDer", "jwkJson", "modulus"])("refuses HS256 keyed with the public key as %s", async (form) => {
    const { access_token } = await register();
    await expectRefused(await me(await kit.confusedHs256(access_token, (await kit.publicKeyAsSecrets())[form]!)));
  });
});

describe("attack: wrong signature or key", () => {
  it("refuses a token whose signature was altered", async () => {
    await expectRefused(await me(kit.tamperSignature((await register()).access_token)));
  });

  it("refuses a token signed by another RSA key that names the real kid", async () => {
    await expectRefused(await me(await kit.resign((await register()).access_token, { key: keys.RS256_NEXT })));
  });

  it.each([
    ["an unknown kid", { kid: "not-a-key" }],
    ["no kid", { kid: undefined }],
  ])("refuses a token that names %s", async (_, header) => {
    await expectRefused(await me(await kit.resign((await register()).access_token, { header })));
  });

  it.each(["ES256", "EdDSA"] as const)("refuses a %s token signed by a key the service does not hold", async (alg) => {
    await expectRefused(await me(await kit.resign((await register()).access_token, { key: keys[alg], header: { kid: keys[alg].kid } })));
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
    await expectRefused(await me(await kit.resign((await register()).access_token, change)));
  });

  it("refuses a correctly signed token without exp", async () => {
    const { exp, ...claims } = decodeJwt((await register()).access_token);
    await expectRefused(await me(await kit.signWith(keys.RS256, { typ: "at+jwt", kid: keys.RS256.kid }, claims)));
  });
});

describe("attack: forged refresh token naming a real session", () => {
  it.each([
    ["another secret with the old MAC", (sid: string, gen: string, _s: string, mac: string) => `${sid}.${gen}.${"A".repeat(43)}.${mac}`],
    ["a later generation", (sid: string, _g: string, secret: string, mac: string) => `${sid}.7.${secret}.${mac}`],
    ["an earlier generation (would look like reuse)", (sid: string, _g: string, secret: string, mac: string) => `${sid}.0.${secret}.${mac}`],
    ["a MAC of zeros", (sid: string, gen: string, secret: string) => `${sid}.${gen}.${secret}.${"A".repeat(43)}`],
  ])("refuses %s and leaves the session working", async (_, forge) => {
    const first = await register();
    const rotated = (await (await refresh(first.refresh_token)).json()) as { refresh_token: string; access_token: string };
    const [sid, gen, secret, mac] = rotated.refresh_token.split(".") as [string, string, string, string];
    await expectInvalidGrant(await refresh(forge(sid, gen, secret, mac)));
    expect((await me(rotated.access_token)).status).toBe(200);
    expect((await refresh(rotated.refresh_token)).status).toBe(200);
  });
});

describe("attack: concurrent redemptions", () => {
  it("answers 50 parallel redemptions of one token with one successor and keeps the session", async () => {
    const { refresh_token } = await register();
    const responses = await Promise.all(Array.from({ length: 50 }, () => refresh(refresh_token)));
    expect(responses.map((r) => r.status)).toEqual(Array(50).fill(200));
    const successors = new Set(await Promise.all(responses.map(async (r) => ((await r.json()) as { refresh_token: string }).refresh_token)));
    expect(successors.size).toBe(1);
    const [successor] = [...successors] as [string];
    expect(successor.split(".")[1]).toBe("1");
    expect((await refresh(successor)).status).toBe(200);
  });
});

describe("attack: logout then reuse", () => {
  it("refuses the access and refresh tokens of a logged-out session", async () => {
    const { access_token, refresh_token } = await register();
    expect((await post("/auth/logout", {}, { Authorization: `Bearer ${access_token}` })).status).toBe(204);
    await expectRefused(await me(access_token));
    await expectInvalidGrant(await refresh(refresh_token));
  });

  it("refuses every session's tokens after logout-all, including re-signed copies", async () => {
    const first = await register();
    const second = (await (await post("/auth/login", { username: first.username, password: PASSWORD })).json()) as { access_token: string; refresh_token: string };
    expect((await post("/auth/logout", { all: true }, { Authorization: `Bearer ${first.access_token}` })).status).toBe(204);
    await expectRefused(await me(second.access_token));
    await expectRefused(await me(await kit.resign(second.access_token)));
    await expectInvalidGrant(await refresh(second.refresh_token));
  });
});

describe("attack: account enumeration over HTTP", () => {
  it("answers an unknown user and a wrong password with the same status, body and headers", async () => {
    const known = await register();
    const answers = [];
    for (const username of [`ghost${crypto.randomUUID().slice(0, 8)}`, known.username]) {
      const response = await post("/auth/login", { username, password: "not the password at all" });
      const { date, ...headers } = Object.fromEntries(response.headers);
      answers.push({ status: response.status, body: await response.json(), headers });
    }
    expect(answers[0]).toEqual({ status: 401, body: { error: "invalid_credentials", error_description: "The username/email or password is incorrect." }, headers: expect.objectContaining({ "cache-control": "no-store" }) });
    expect(answers[1]).toEqual(answers[0]);
  });
});
