import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { d1UserStore } from "../../src/storage/d1-users";
import { kvSessionStore } from "../../src/storage/kv-sessions";
import { json, memoryApp, realApp, registerUser, testEnv, TestClock, STRONG_PASSWORD } from "../helpers";
import { clockedKv, kvRefusing } from "./kv-doubles";

type Tokens = { access_token: string; refresh_token: string; refresh_expires_in: number };
const INVALID_GRANT = { error: "invalid_grant", error_description: "The refresh token is invalid, expired or revoked." };

function harness() {
  const clock = new TestClock();
  const h = memoryApp(clock);
  const refresh = (refresh_token: string) => h.request("/auth/refresh", json({ refresh_token }));
  const me = (access: string) => h.request("/auth/me", { headers: { Authorization: `Bearer ${access}` } });
  return { ...h, refresh, me };
}

describe("refresh rotation (memory twins, controlled clock)", () => {
  it("gives a retry inside the reuse interval the same successor, without forking the family", async () => {
    const h = harness();
    const first = await registerUser(h.request);
    const a = (await (await h.refresh(first.refresh_token)).json()) as Tokens;
    h.clock.advance(9);
    const retry = await h.refresh(first.refresh_token);
    expect(retry.status).toBe(200);
    expect(((await retry.json()) as Tokens).refresh_token).toBe(a.refresh_token);
    expect((await h.refresh(a.refresh_token)).status).toBe(200);
  });

  it("revokes the whole family when a rotated token comes back after the reuse interval", async () => {
    const h = harness();
    const first = await registerUser(h.request);
    const second = (await (await h.refresh(first.refresh_token)).json()) as Tokens;
    h.clock.advance(11);
    const replay = await h.refresh(first.refresh_token);
    expect([replay.status, await replay.json()]).toEqual([401, INVALID_GRANT]);
    // The legitimate holder's newer token and access token are dead too: the family is revoked.
    expect((await h.refresh(second.refresh_token)).status).toBe(401);
    expect((await h.me(second.access_token)).status).toBe(401);
  });

  it("treats a token older than the immediate predecessor as reuse even inside the reuse interval", async () => {
    const h = harness();
    const first = await registerUser(h.request);
    const second = (await (await h.refresh(first.refresh_token)).json()) as Tokens;
    h.clock.advance(1);
    const third = (await (await h.refresh(second.refresh_token)).json()) as Tokens;
    h.clock.advance(1);
    const replay = await h.refresh(first.refresh_token);
    expect([replay.status, await replay.json()]).toEqual([401, INVALID_GRANT]);
    expect([(await h.refresh(third.refresh_token)).status, (await h.me(third.access_token)).status]).toEqual([401, 401]);
    const audit = await testEnv.DB.prepare("SELECT event, detail FROM audit_events WHERE user_id = ? AND event = 'refresh_reuse_detected'").bind(first.user.id).all();
    expect(audit.results).toEqual([{ event: "refresh_reuse_detected", detail: JSON.stringify({ sid: first.refresh_token.split(".")[0], generation: 0 }) }]);
  });

  it("still gives the immediate predecessor, inside the reuse interval after a later rotation, the successor already issued", async () => {
    const h = harness();
    const first = await registerUser(h.request);
    const second = (await (await h.refresh(first.refresh_token)).json()) as Tokens;
    const third = (await (await h.refresh(second.refresh_token)).json()) as Tokens;
    h.clock.advance(9);
    const retry = await h.refresh(second.refresh_token);
    expect([retry.status, ((await retry.json()) as Tokens).refresh_token]).toEqual([200, third.refresh_token]);
  });

  it("refuses a forged token naming a real session and leaves that session working", async () => {
    const h = harness();
    const first = await registerUser(h.request);
    const [sid] = first.refresh_token.split(".");
    const forged = `${sid}.0.${"A".repeat(43)}.${"B".repeat(43)}`;
    h.clock.advance(60);
    expect([(await h.refresh(forged)).status]).toEqual([401]);
    expect((await h.me(first.access_token)).status).toBe(200);
    expect((await h.refresh(first.refresh_token)).status).toBe(200);
  });

  it("enforces the idle lifetime, sliding with each refresh", async () => {
    const h = harness();
    const first = await registerUser(h.request);
    h.clock.advance(13 * 86_400);
    const second = (await (await h.refresh(first.refresh_token)).json()) as Tokens;
    expect(second.refresh_expires_in).toBe(14 * 86_400);
    h.clock.advance(14 * 86_400 + 1);
    expect([(await h.refresh(second.refresh_token)).status]).toEqual([401]);
  });

  it("enforces the absolute lifetime however often the session is refreshed", async () => {
    const h = harness();
    let tokens: Tokens = await registerUser(h.request);
    for (let day = 0; day < 29; day += 1) {
      h.clock.advance(86_400);
      tokens = (await (await h.refresh(tokens.refresh_token)).json()) as Tokens;
    }
    expect(tokens.refresh_expires_in).toBe(86_400);
    h.clock.advance(86_400);
    expect((await h.refresh(tokens.refresh_token)).status).toBe(401);
  });

  it("expires the access token after JWT_EXPIRATION while the refresh token still works", async () => {
    const h = harness();
    const first = await registerUser(h.request);
    h.clock.advance(301);
    const me = await h.me(first.access_token);
    expect(me.status).toBe(401);
    expect(me.headers.get("WWW-Authenticate")).toContain('error="invalid_token"');
    expect((await h.refresh(first.refresh_token)).status).toBe(200);
  });

  it("ends every session of the user on logout {all: true}", async () => {
    const h = harness();
    const first = await registerUser(h.request);
    const other = (await (await h.request("/auth/login", json({ username: first.username, password: STRONG_PASSWORD }))).json()) as Tokens;
    const out = await h.request("/auth/logout", json({ all: true }, { headers: { Authorization: `Bearer ${first.access_token}` } }));
    expect(out.status).toBe(204);
    expect((await h.me(other.access_token)).status).toBe(401);
    expect((await h.refresh(other.refresh_token)).status).toBe(401);
    expect((await h.request("/auth/login", json({ username: first.username, password: STRONG_PASSWORD }))).status).toBe(200);
  });
});

describe("concurrent redemption (real KV)", () => {
  it("answers 20 parallel redemptions of one token with one successor, which then works", async () => {
    const request = (path: string, init?: RequestInit) => realApp.request(path, init, testEnv);
    const first = await registerUser(request);
    const answers = await Promise.all(Array.from({ length: 20 }, () => request("/auth/refresh", json({ refresh_token: first.refresh_token }))));
    expect(answers.map((r) => r.status)).toEqual(Array(20).fill(200));
    const successors = new Set(await Promise.all(answers.map(async (r) => ((await r.json()) as Tokens).refresh_token)));
    expect(successors.size).toBe(1);
    const next = await request("/auth/refresh", json({ refresh_token: [...successors][0] }));
    expect(next.status).toBe(200);
  });
});

/** The real local KV, refusing a second write to a key within a second, as Cloudflare's KV does. */
function oneWritePerSecondPerKey(kv: KVNamespace) {
  const lastWrite = new Map<string, number>();
  let enforcing = false;
  let refused = 0;
  const limited = kvRefusing(kv, (_, key) => {
    if (enforcing && Date.now() - (lastWrite.get(key) ?? -Infinity) < 1000) {
      refused++;
      return true;
    }
    lastWrite.set(key, Date.now());
    return false;
  });
  const enforce = ({ countEarlierWrites = false } = {}) => {
    if (!countEarlierWrites) lastWrite.clear();
    enforcing = true;
  };
  return { limited, enforce, refusals: () => refused };
}

describe("concurrent redemption under KV's one write per second per key", () => {

  it("answers every one of 20 parallel redemptions with the one successor, though 19 writes are refused", async () => {
    const kv = oneWritePerSecondPerKey(testEnv.AUTH_KV);
    const limitedEnv = { ...testEnv, AUTH_KV: kv.limited } as Env;
    const request = (path: string, init?: RequestInit) => realApp.request(path, init, limitedEnv);
    const first = await registerUser(request);
    kv.enforce();
    const answers = await Promise.all(Array.from({ length: 20 }, () => request("/auth/refresh", json({ refresh_token: first.refresh_token }))));
    expect(answers.map((r) => r.status)).toEqual(Array(20).fill(200));
    const successors = new Set(await Promise.all(answers.map(async (r) => ((await r.json()) as Tokens).refresh_token)));
    expect(successors.size).toBe(1);
    // The stored rotation is that successor's: redeeming it (the limit aside) rotates on.
    const next = await realApp.request("/auth/refresh", json({ refresh_token: [...successors][0] }), testEnv);
    expect(next.status).toBe(200);
  });

  it("answers a refresh made within a second of the login by writing once the second has passed", async () => {
    const kv = oneWritePerSecondPerKey(testEnv.AUTH_KV);
    const request = (path: string, init?: RequestInit) => realApp.request(path, init, { ...testEnv, AUTH_KV: kv.limited } as Env);
    const first = await registerUser(request);
    kv.enforce({ countEarlierWrites: true }); // the registration wrote the session key just now
    const refreshed = await request("/auth/refresh", json({ refresh_token: first.refresh_token }));
    expect(refreshed.status).toBe(200);
    const sid = first.refresh_token.split(".")[0];
    expect(await testEnv.AUTH_KV.get<{ generation: number }>(`session:${sid}`, "json")).toMatchObject({ generation: 1 });
    expect(kv.refusals()).toBe(1);
  });

  it("answers a logout made within a second of the login once the second has passed", async () => {
    const kv = oneWritePerSecondPerKey(testEnv.AUTH_KV);
    const request = (path: string, init?: RequestInit) => realApp.request(path, init, { ...testEnv, AUTH_KV: kv.limited } as Env);
    const first = await registerUser(request);
    kv.enforce({ countEarlierWrites: true });
    const logout = await request("/auth/logout", { method: "POST", headers: { "Content-Type": "application/json", Authorization: `Bearer ${first.access_token}` }, body: "{}" });
    expect(logout.status).toBe(204);
    const sid = first.refresh_token.split(".")[0];
    expect([await testEnv.AUTH_KV.get(`session:${sid}`), await testEnv.AUTH_KV.get(`revoked:${sid}`), kv.refusals()]).toEqual([null, "1", 1]);
  });

  it("still answers 503, rotating nothing, when KV keeps refusing the write", async () => {
    const refusingWrites = kvRefusing(testEnv.AUTH_KV, (method) => method === "put");
    const first = await registerUser((path, init) => realApp.request(path, init, testEnv));
    const refused = await realApp.request("/auth/refresh", json({ refresh_token: first.refresh_token }), { ...testEnv, AUTH_KV: refusingWrites } as Env);
    expect([refused.status, refused.headers.get("Retry-After"), await refused.json()]).toEqual([
      503,
      expect.any(String),
      { error: "temporarily_unavailable", error_description: "The service is temporarily unavailable. Try again shortly." },
    ]);
    const sid = first.refresh_token.split(".")[0];
    expect(await testEnv.AUTH_KV.get<{ generation: number }>(`session:${sid}`, "json")).toMatchObject({ generation: 0 });
    expect((await realApp.request("/auth/refresh", json({ refresh_token: first.refresh_token }), testEnv)).status).toBe(200);
  });
});

describe("a logout whose record delete fails after the revocation marker landed", () => {
  it("answers 503, and another isolate (no shared cache) refuses the session's refresh token for the session's whole life", async () => {
    // KV on the test's clock, so the test can go past the marker's TTL; deletes refused, as KV
    // refuses them for a key written less than a second ago (the adapter's retry is refused too).
    const clock = new TestClock();
    const kv = clockedKv(clock.now);
    const refusingDeletes = kvRefusing(kv, (method) => method === "delete");
    // Session stores without the per-isolate read cache: each app sees only what KV holds.
    const here = createApp({ stores: () => ({ users: d1UserStore(testEnv.DB), sessions: kvSessionStore(refusingDeletes) }), clock: clock.now });
    const elsewhere = createApp({ stores: () => ({ users: d1UserStore(testEnv.DB), sessions: kvSessionStore(kv) }), clock: clock.now });
    const first = await registerUser((path, init) => elsewhere.request(path, init, testEnv));
    const logout = await here.request("/auth/logout", { method: "POST", headers: { "Content-Type": "application/json", Authorization: `Bearer ${first.access_token}` }, body: "{}" }, testEnv);
    expect(logout.status).toBe(503);
    const sid = first.refresh_token.split(".")[0];
    expect([await kv.get(`revoked:${sid}`), await kv.get(`session:${sid}`) !== null]).toEqual(["1", true]);
    // Past the longest access-token lifetime (1 h), where the marker used to end, and up to the
    // last day of the record's idle lifetime (14 days): the leftover record never works again.
    for (const seconds of [0, 3600 + 60, 13 * 86_400]) {
      clock.advance(seconds);
      const refresh = await elsewhere.request("/auth/refresh", json({ refresh_token: first.refresh_token }), testEnv);
      expect([refresh.status, await refresh.json()]).toEqual([401, INVALID_GRANT]);
    }
  });
});
