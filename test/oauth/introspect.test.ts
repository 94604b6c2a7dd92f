// POST /oauth/introspect (RFC 7662): client-authenticated; the exact answer for live access,
// refresh and service tokens, `{ active: false }` for every token that would be refused (expired,
// forged, revoked by its session marker, token_version, a disabled or deleted user, a deleted
// client), and 503 on a storage fault: never `active: true` on a failure. Real local D1 and KV.
import { env } from "cloudflare:workers";
import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { defaultStores } from "../../src/runtime";
import { d1UserStore } from "../../src/storage/d1-users";
import { guardStorage } from "../../src/storage/guard";
import { kvSessionStore } from "../../src/storage/kv-sessions";
import type { AllStores } from "../../src/storage/ports";
import { json, registerUser, TestClock, testEnv } from "../helpers";
import { answer, basic, CLIENT_FAILED, form, makeClient, oauthError, send, type TestClient } from "./support";

type Send = (path: string, init?: RequestInit) => Promise<Response> | Response;
const ip = () => `198.51.${Math.floor(Math.random() * 255)}.${Math.floor(Math.random() * 255)}`;
const over = (app: ReturnType<typeof createApp>): Send => (path, init = {}) =>
  Promise.resolve(app.request(path, { ...init, headers: { "CF-Connecting-IP": ip(), ...(init.headers as Record<string, string>) } }, testEnv));

/** Real D1 and KV without the per-isolate read cache: a change made behind the worker's back is seen. */
const uncached = over(createApp({ stores: (e) => ({ users: d1UserStore(e.DB), sessions: kvSessionStore(e.AUTH_KV) }) }));

const introspect = (client: TestClient, token: string, via: Send = send) => via("/oauth/introspect", form({ token }, basic(client.client_id, client.client_secret)));
const INACTIVE = { status: 200, cacheControl: "no-store", pragma: "no-cache", challenge: null, body: { active: false } };
const active = (body: Record<string, unknown>) => ({ status: 200, cacheControl: "no-store", pragma: "no-cache", challenge: null, body: { active: true, ...body } });

describe("live tokens", () => {
  it("a user's access token: sub, client_id, username, roles, sid, exp, iat, iss, aud, token_type", async () => {
    const [client, user] = [await makeClient(), await registerUser(send)];
    const claims = decodeJwt(user.access_token);
    expect(await answer(await introspect(client, user.access_token))).toEqual(
      active({ sub: user.user.id, client_id: "edge-auth", username: user.username, roles: [], sid: claims.sid, exp: claims.exp, iat: claims.iat, iss: "https://auth.test.example", aud: "https://api.test.example", token_type: "Bearer" }),
    );
  });

  it("a user's current refresh token (any token_type_hint, even a wrong one)", async () => {
    const [client, user] = [await makeClient(), await registerUser(send)];
    const sid = decodeJwt(user.access_token).sid;
    const result = await answer(await send("/oauth/introspect", form({ token: user.refresh_token, token_type_hint: "access_token" }, basic(client.client_id, client.client_secret))));
    expect(result).toEqual(
      active({ sub: user.user.id, client_id: "edge-auth", username: user.username, roles: [], sid, exp: expect.any(Number), iat: expect.any(Number), iss: "https://auth.test.example", token_type: "refresh_token" }),
    );
    // exp and iat are whole seconds of millisecond times: their difference may round up by one.
    expect(result.body.exp - result.body.iat - user.refresh_expires_in).toBeOneOf([0, 1]);
  });

  it("a service token: sub = client_id, its scope, no username; client_secret_post works too", async () => {
    const [caller, service] = [await makeClient(), await makeClient(["reports:read"])];
    const issued = await (await send("/oauth/token", form({ grant_type: "client_credentials" }, basic(service.client_id, service.client_secret)))).json() as { access_token: string };
    const claims = decodeJwt(issued.access_token);
    const response = await send("/oauth/introspect", form({ token: issued.access_token, client_id: caller.client_id, client_secret: caller.client_secret }));
    expect(await answer(response)).toEqual(
      active({ sub: service.client_id, client_id: service.client_id, scope: "reports:read", roles: [], sid: claims.sid, exp: claims.exp, iat: claims.iat, iss: "https://auth.test.example", aud: "https://api.test.example", token_type: "Bearer" }),
    );
  });
});

describe("active: false", () => {
  it("forged, malformed and unknown tokens", async () => {
    const [client, user] = [await makeClient(), await registerUser(send)];
    const [head, payload, signature] = user.access_token.split(".");
    const parts = user.refresh_token.split(".");
    const forged = [
      `${head}.${payload}.${signature!.slice(0, -2)}${signature!.endsWith("AA") ? "BB" : "AA"}`,
      `${head}.${btoa(JSON.stringify({ ...decodeJwt(user.access_token), roles: ["admin"] })).replace(/=+$/, "")}.${signature}`,
      [parts[0], parts[1], parts[2], "A".repeat(43)].join("."),
      "not-a-token",
      "a.b.c",
    ];
    for (const token of forged) expect(await answer(await introspect(client, token))).toEqual(INACTIVE);
  });

  it("expired: an access token past exp, a refresh token past its idle lifetime", async () => {
    const clock = new TestClock(Date.now());
    const timed = over(createApp({ clock: clock.now }));
    const [client, user] = [await makeClient(), await registerUser(timed)];
    clock.advance(301);
    expect(await answer(await introspect(client, user.access_token, timed))).toEqual(INACTIVE);
    clock.advance(14 * 24 * 3600);
    expect(await answer(await introspect(client, user.refresh_token, timed))).toEqual(INACTIVE);
  });

  it("revoked by logout: the access and the refresh token, at once in the isolate that revoked them", async () => {
    const [client, user] = [await makeClient(), await registerUser(send)];
    expect((await answer(await introspect(client, user.access_token))).body.active).toBe(true);
    expect((await send("/auth/logout", { method: "POST", headers: { Authorization: `Bearer ${user.access_token}` } })).status).toBe(204);
    expect(await answer(await introspect(client, user.access_token))).toEqual(INACTIVE);
    expect(await answer(await introspect(client, user.refresh_token))).toEqual(INACTIVE);
  });

  it("a rotated refresh token is inactive, and asking about it is not reuse: the successor still works", async () => {
    const [client, user] = [await makeClient(), await registerUser(send)];
    const rotated = (await (await send("/auth/refresh", json({ refresh_token: user.refresh_token }))).json()) as { refresh_token: string };
    expect(await answer(await introspect(client, user.refresh_token))).toEqual(INACTIVE);
    expect((await answer(await introspect(client, rotated.refresh_token))).body.active).toBe(true);
  });

  it("token_version bumped by logout-all: another session's tokens", async () => {
    const client = await makeClient();
    const user = await registerUser(send);
    const other = (await (await send("/auth/login", json({ username: user.username, password: "correct horse battery staple" }))).json()) as { access_token: string; refresh_token: string };
    expect((await send("/auth/logout", json({ all: true }, { headers: { Authorization: `Bearer ${user.access_token}` } }))).status).toBe(204);
    expect(await answer(await introspect(client, other.access_token))).toEqual(INACTIVE);
    expect(await answer(await introspect(client, other.refresh_token))).toEqual(INACTIVE);
  });

  it("a disabled user, then a deleted user (changed in D1 behind the worker's back)", async () => {
    const [client, user] = [await makeClient(), await registerUser(uncached)];
    expect((await answer(await introspect(client, user.access_token, uncached))).body.active).toBe(true);
    await env.DB.prepare("UPDATE users SET is_active = 0 WHERE id = ?").bind(user.user.id).run();
    expect(await answer(await introspect(client, user.access_token, uncached))).toEqual(INACTIVE);
    expect(await answer(await introspect(client, user.refresh_token, uncached))).toEqual(INACTIVE);
    const second = await registerUser(uncached);
    await env.DB.prepare("DELETE FROM users WHERE id = ?").bind(second.user.id).run();
    expect(await answer(await introspect(client, second.access_token, uncached))).toEqual(INACTIVE);
    expect(await answer(await introspect(client, second.refresh_token, uncached))).toEqual(INACTIVE);
  });

  it("a service token whose client was deleted, or which was revoked", async () => {
    const [caller, service] = [await makeClient(), await makeClient(["a"])];
    const mint = async () => ((await (await send("/oauth/token", form({ grant_type: "client_credentials" }, basic(service.client_id, service.client_secret)))).json()) as { access_token: string }).access_token;
    const [first, second] = [await mint(), await mint()];
    expect((await send("/oauth/revoke", form({ token: first }))).status).toBe(200);
    expect(await answer(await introspect(caller, first))).toEqual(INACTIVE);
    expect((await answer(await introspect(caller, second))).body.active).toBe(true);
    await env.DB.prepare("DELETE FROM clients WHERE client_id = ?").bind(service.client_id).run();
    expect(await answer(await introspect(caller, second))).toEqual(INACTIVE);
  });
});

describe("refusals", () => {
  it("no client authentication, an unknown client or a wrong secret: 401 invalid_client", async () => {
    const [client, user] = [await makeClient(), await registerUser(send)];
    expect(await answer(await send("/oauth/introspect", form({ token: user.access_token })))).toEqual(CLIENT_FAILED);
    expect(await answer(await send("/oauth/introspect", form({ token: user.access_token }, basic(crypto.randomUUID(), client.client_secret))))).toEqual(CLIENT_FAILED);
    expect(await answer(await send("/oauth/introspect", form({ token: user.access_token }, basic(client.client_id, "C".repeat(43)))))).toEqual(CLIENT_FAILED);
    // A user's access token is not client authentication (RFC 7662 §2.1 leaves the method to us).
    expect(await answer(await send("/oauth/introspect", form({ token: user.access_token }, { Authorization: `Bearer ${user.access_token}` })))).toEqual(CLIENT_FAILED);
  });

  it("no token: 400 invalid_request", async () => {
    const client = await makeClient();
    expect(await answer(await send("/oauth/introspect", form({}, basic(client.client_id, client.client_secret))))).toEqual(oauthError(400, "invalid_request", "The token parameter is required."));
  });
});

describe("storage faults: 503 with Retry-After, never active: true", () => {
  const UNAVAILABLE = { ...oauthError(503, "temporarily_unavailable", "The service is temporarily unavailable. Try again shortly."), retryAfter: "5" };

  function faulty(fault: string): Send {
    const stores = defaultStores(testEnv);
    const [port, method] = fault.split(".") as [keyof AllStores, string];
    (stores[port] as unknown as Record<string, unknown>)[method] = () => guardStorage(fault, () => Promise.reject(new Error("injected fault")));
    return over(createApp({ stores: () => stores }));
  }

  it.each(["sessions.isRevoked", "users.findById", "sessions.get", "clients.find"])("%s fails", async (fault) => {
    const [client, user] = [await makeClient(), await registerUser(send)];
    const service = await makeClient(["x"]);
    const serviceToken = ((await (await send("/oauth/token", form({ grant_type: "client_credentials" }, basic(service.client_id, service.client_secret)))).json()) as { access_token: string }).access_token;
    const via = faulty(fault);
    for (const token of [user.access_token, user.refresh_token, serviceToken]) {
      const response = await introspect(client, token, via);
      const result = { ...(await answer(response)), retryAfter: response.headers.get("Retry-After") };
      // A fault on a read this token does not need may still let it through as active: only
      // a failing read on its own path must not. Which read each kind needs is listed below
      // (clients.find for all: this caller is new to the isolate, so its secret is looked up).
      const needs: Record<string, string[]> = {
        "sessions.isRevoked": ["access", "refresh", "service"],
        "users.findById": ["access", "refresh"],
        "sessions.get": ["refresh"],
        "clients.find": ["access", "refresh", "service"],
      };
      const kind = token === serviceToken ? "service" : token === user.refresh_token ? "refresh" : "access";
      if (needs[fault]!.includes(kind)) expect(result).toEqual(UNAVAILABLE);
      else expect(result.body.active).toBe(true);
    }
  });
});
