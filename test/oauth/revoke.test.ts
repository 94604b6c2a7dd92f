// POST /oauth/revoke (RFC 7009): a refresh token ends its family, an access token its session (a
// service token, itself); unknown, forged or already revoked tokens still 200 (§2.2). No client
// authentication is needed (holding the token is proof, as with logout), but credentials that
// are sent must be valid. Real local D1 and KV.
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { defaultStores } from "../../src/runtime";
import { guardStorage } from "../../src/storage/guard";
import { INVALID_GRANT } from "../../src/sessions/sessions";
import { json, registerUser, testEnv } from "../helpers";
import { answer, basic, CLIENT_FAILED, form, makeClient, oauthError, send } from "./support";

const REVOKED = { status: 200, cacheControl: "no-store", pragma: "no-cache", challenge: null, body: null };
const revoke = (params: Record<string, string>, headers?: Record<string, string>) => send("/oauth/revoke", form(params, headers));
const refresh = async (token: string) => answer(await send("/auth/refresh", json({ refresh_token: token })));
const me = async (token: string) => (await send("/auth/me", { headers: { Authorization: `Bearer ${token}` } })).status;
const REFRESH_REFUSED = { status: 401, cacheControl: "no-store", pragma: null, challenge: null, body: { error: "invalid_grant", error_description: INVALID_GRANT } };

describe("revoking", () => {
  it("a refresh token (no client authentication): 200, empty; the family and its access tokens end", async () => {
    const user = await registerUser(send);
    expect(await answer(await revoke({ token: user.refresh_token, token_type_hint: "refresh_token" }))).toEqual(REVOKED);
    expect(await refresh(user.refresh_token)).toEqual(REFRESH_REFUSED);
    expect(await me(user.access_token)).toBe(401);
  });

  it("an access token, by an authenticated client: its session ends, the refresh token too", async () => {
    const [client, user] = [await makeClient(), await registerUser(send)];
    expect(await answer(await revoke({ token: user.access_token }, basic(client.client_id, client.client_secret)))).toEqual(REVOKED);
    expect(await me(user.access_token)).toBe(401);
    expect(await refresh(user.refresh_token)).toEqual(REFRESH_REFUSED);
  });

  it("a rotated refresh token still ends its family (any generation this service issued, as logout)", async () => {
    const user = await registerUser(send);
    const rotated = (await refresh(user.refresh_token)).body as { refresh_token: string };
    expect(await answer(await revoke({ token: user.refresh_token }))).toEqual(REVOKED);
    expect(await refresh(rotated.refresh_token)).toEqual(REFRESH_REFUSED);
  });

  it("unknown, forged, expired-looking and already revoked tokens: 200 all the same", async () => {
    const user = await registerUser(send);
    await revoke({ token: user.refresh_token });
    for (const token of ["nonsense", "a.b.c", user.access_token.slice(0, -4) + "AAAA", user.refresh_token, user.access_token]) {
      expect(await answer(await revoke({ token }))).toEqual(REVOKED);
    }
  });

  it("another user's session is untouched", async () => {
    const [mine, theirs] = [await registerUser(send), await registerUser(send)];
    await revoke({ token: mine.refresh_token });
    expect(await me(theirs.access_token)).toBe(200);
  });
});

describe("refusals", () => {
  it("wrong client credentials: 401 invalid_client, and the token stays valid", async () => {
    const [client, user] = [await makeClient(), await registerUser(send)];
    expect(await answer(await revoke({ token: user.refresh_token }, basic(client.client_id, "D".repeat(43))))).toEqual(CLIENT_FAILED);
    expect(await answer(await revoke({ token: user.refresh_token, client_id: client.client_id, client_secret: "D".repeat(43) }))).toEqual(CLIENT_FAILED);
    expect((await refresh(user.refresh_token)).status).toBe(200);
  });

  it("no token: 400 invalid_request", async () => {
    expect(await answer(await revoke({}))).toEqual(oauthError(400, "invalid_request", "The token parameter is required."));
  });

  it("storage fails: 503 with Retry-After (RFC 7009 §2.2.1), and the token is not reported revoked", async () => {
    const user = await registerUser(send);
    const stores = defaultStores(testEnv);
    stores.sessions.revoke = () => guardStorage("sessions.revoke", () => Promise.reject(new Error("injected fault")));
    const app = createApp({ stores: () => stores });
    const response = await app.request("/oauth/revoke", form({ token: user.refresh_token }), testEnv);
    expect([await answer(response), response.headers.get("Retry-After")]).toEqual([
      oauthError(503, "temporarily_unavailable", "The service is temporarily unavailable. Try again shortly."),
      "5",
    ]);
    expect((await refresh(user.refresh_token)).status).toBe(200);
  });
});
