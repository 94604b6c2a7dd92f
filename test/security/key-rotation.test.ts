// Rotating REFRESH_TOKEN_SECRET with REFRESH_TOKEN_SECRET_PREVIOUS: sessions, CSRF tokens and
// lockouts made under the old secret survive the rotation; once PREVIOUS is removed they do not.
// Real local D1 and KV; each test switches secrets with envWith().
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { encodeBase64Url, hmac, importHmacKey } from "../../src/crypto/bytes";
import { loadSecrets } from "../../src/crypto/purpose-keys";
import { kvSessionStore } from "../../src/storage/kv-sessions";
import { envWith, json, realApp, registerUser, STRONG_PASSWORD, testEnv } from "../helpers";
import { cookieHeader, cookieValue, form, nativeUser } from "../profiles/support";

const A = testEnv.REFRESH_TOKEN_SECRET;
const B = encodeBase64Url(crypto.getRandomValues(new Uint8Array(32)));
const before = testEnv;
const during = envWith({ REFRESH_TOKEN_SECRET: B, REFRESH_TOKEN_SECRET_PREVIOUS: A });
const after = envWith({ REFRESH_TOKEN_SECRET: B });
const send = (e: Env) => (path: string, init?: RequestInit) => realApp.request(path, init, e);

const INVALID_GRANT = { error: "invalid_grant", error_description: "The refresh token is invalid, expired or revoked." };
const RATE_LIMITED = { error: "rate_limited", error_description: "Too many requests. Try again later." };
const refresh = (e: Env, token: string) => send(e)("/auth/refresh", json({ refresh_token: token }));
const withoutMac = (token: string) => token.split(".").slice(0, 3).join(".");

async function expectTokenSet(response: Response, generation: number) {
  expect(response.status).toBe(200);
  expect(response.headers.get("Cache-Control")).toBe("no-store");
  const body = (await response.json()) as Record<string, unknown>;
  expect(body).toEqual({
    access_token: expect.any(String),
    token_type: "Bearer",
    expires_in: 300,
    refresh_token: expect.stringMatching(new RegExp(`^[A-Za-z0-9_-]{22}\\.${generation}\\.[A-Za-z0-9_-]{43}\\.[A-Za-z0-9_-]{43}$`)),
    refresh_expires_in: expect.any(Number),
    user: expect.objectContaining({ id: expect.any(String) }),
  });
  return body as { refresh_token: string; access_token: string };
}

describe("refresh tokens across a REFRESH_TOKEN_SECRET rotation", () => {
  it("refreshes a token issued under the old secret while PREVIOUS names it, and moves the family to the new one", async () => {
    const { refresh_token } = await registerUser(send(before));
    const rotated = await expectTokenSet(await refresh(during, refresh_token), 1);
    const me = await send(during)("/auth/me", { headers: { Authorization: `Bearer ${rotated.access_token}` } });
    expect(me.status).toBe(200);
    await expectTokenSet(await refresh(after, rotated.refresh_token), 2);
  });

  it("refuses a token issued under the old secret with 401 invalid_grant once PREVIOUS is removed", async () => {
    const { refresh_token } = await registerUser(send(before));
    const response = await refresh(after, refresh_token);
    expect([response.status, await response.json()]).toEqual([401, INVALID_GRANT]);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
  });

  it("computes one successor when isolates on both sides of the rotation redeem the same token at once", async () => {
    const { refresh_token } = await registerUser(send(before));
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => refresh(i % 2 ? during : before, refresh_token)));
    const bodies = await Promise.all(answers.map((answer) => expectTokenSet(answer, 1)));
    expect(new Set(bodies.map((body) => withoutMac(body.refresh_token))).size).toBe(1);
    // Whichever side answered, the successor works on the new side.
    for (const body of bodies.slice(0, 2)) expect((await refresh(during, body.refresh_token)).status).toBe(200);
  });
});

describe("cookie sessions across a rotation", () => {
  it("accepts the session cookie and CSRF token made under the old secret while PREVIOUS names it", async () => {
    const user = await nativeUser(send(before));
    const login = await send(before)("/accounts/login/", form({ username: user.username, password: user.password }));
    expect(login.status).toBe(200);
    const [cookie, csrf] = [cookieHeader(login), cookieValue(login, "csrftoken")!];
    const logout = await send(during)("/accounts/logout/", { method: "POST", headers: { Cookie: cookie, "X-CSRFToken": csrf } });
    expect([logout.status, await logout.json()]).toEqual([200, { message: "Logout successful" }]);
  });

  it("refuses a CSRF token made under another purpose's key", async () => {
    const user = await nativeUser(send(during));
    const login = await send(during)("/accounts/login/", form({ username: user.username, password: user.password }));
    const sid = /sessionid=([A-Za-z0-9_-]{22})\./.exec(cookieHeader(login))![1]!;
    const secrets = await loadSecrets(B, A);
    const misused = encodeBase64Url(await hmac(secrets.refreshMac, `csrf|${sid}`));
    const logout = await send(during)("/accounts/logout/", { method: "POST", headers: { Cookie: cookieHeader(login), "X-CSRFToken": misused } });
    expect([logout.status, await logout.json()]).toEqual([403, { error: "CSRF verification failed. Request aborted.", status: 403 }]);
  });
});

describe("lockouts across a rotation", () => {
  it("keeps a lock made under the old secret in force after the rotation", async () => {
    const { username } = await registerUser(send(before));
    for (let i = 0; i < 5; i++) expect((await send(before)("/auth/login", json({ username, password: "wrong password" }))).status).toBe(401);
    const locked = await send(during)("/auth/login", json({ username, password: STRONG_PASSWORD }));
    expect([locked.status, locked.headers.get("Retry-After"), await locked.json()]).toEqual([429, "30", RATE_LIMITED]);
  });

  it("counts a failure after the rotation under the new secret's digest", async () => {
    const { username } = await registerUser(send(before));
    for (let i = 0; i < 2; i++) await send(before)("/auth/login", json({ username, password: "wrong password" }));
    expect((await send(during)("/auth/login", json({ username, password: "wrong password" }))).status).toBe(401);
    const digest = async (secret: string) => encodeBase64Url(await hmac((await loadSecrets(secret)).identifierDigest, `subject|${username.toLowerCase()}`)).slice(0, 32);
    const rows = await env.DB.prepare("SELECT subject, failures FROM login_throttle WHERE subject IN (?, ?)").bind(await digest(A), await digest(B)).all<{ subject: string; failures: number }>();
    expect(Object.fromEntries(rows.results.map((r) => [r.subject, r.failures]))).toEqual({ [await digest(A)]: 2, [await digest(B)]: 1 });
  });
});

describe("tokens from before key derivation (HMAC under the raw secret)", () => {
  async function legacyToken(refreshToken: string) {
    const [sid, generation, secret] = refreshToken.split(".") as [string, string, string];
    const mac = encodeBase64Url(await hmac(await importHmacKey(A), `mac|${sid}|${generation}|${secret}`));
    return { sid, token: `${sid}.${generation}.${secret}.${mac}` };
  }

  it("still refresh a session opened before the upgrade, so deploying it logs nobody out", async () => {
    const { refresh_token } = await registerUser(send(before));
    const { sid, token } = await legacyToken(refresh_token);
    const sessions = kvSessionStore(env.AUTH_KV);
    const { keyScheme, ...opened } = (await sessions.get(sid))!;
    expect(keyScheme).toBe("derived");
    await sessions.put(opened, 3600); // the record as the previous version wrote it
    const rotated = await expectTokenSet(await refresh(before, token), 1);
    await expectTokenSet(await refresh(before, rotated.refresh_token), 2);
  });

  it("keep a lock in force at the upgrade (the identifier's digest under the raw secret)", async () => {
    const { username } = await registerUser(send(before));
    const legacyDigest = encodeBase64Url(await hmac(await importHmacKey(A), `subject|${username.toLowerCase()}`)).slice(0, 32);
    await env.DB.prepare("INSERT INTO login_throttle (subject, failures, locked_until, updated_at) VALUES (?, 5, ?, ?)").bind(legacyDigest, Date.now() + 60_000, Date.now()).run();
    const locked = await send(before)("/auth/login", json({ username, password: STRONG_PASSWORD }));
    expect([locked.status, locked.headers.get("Retry-After"), await locked.json()]).toEqual([429, "60", RATE_LIMITED]);
  });

  it("are refused for a session opened with derived keys", async () => {
    const { refresh_token } = await registerUser(send(before));
    const response = await refresh(before, (await legacyToken(refresh_token)).token);
    expect([response.status, await response.json()]).toEqual([401, INVALID_GRANT]);
  });
});
