// Logout-all revokes only the session it was made from; every other session of the user ends
// because its token_version no longer matches the user's. Every path that accepts a credential
// (access token, refresh token, session cookie) must consult it, in every API shape, and a
// disabled user is refused the same way. These run over the app on real local D1 and KV.
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { d1UserStore } from "../../src/storage/d1-users";
import { kvSessionStore } from "../../src/storage/kv-sessions";
import { cookieHeader, cookieValue } from "../profiles/support";
import { json, registerUser, STRONG_PASSWORD, testEnv } from "../helpers";

// Without the per-isolate read cache, so a change written straight to D1 (as another isolate or
// an operator would) is seen at once rather than within READ_CACHE_MS.
const app = createApp({ stores: () => ({ users: d1UserStore(testEnv.DB), sessions: kvSessionStore(testEnv.AUTH_KV) }) });
const request = async (path: string, init?: RequestInit): Promise<Response> => app.request(path, init, testEnv);
const bearer = (token: string) => ({ headers: { Authorization: `Bearer ${token}` } });

const INVALID_GRANT = { error: "invalid_grant", error_description: "The refresh token is invalid, expired or revoked." };
const SIMPLEJWT_INVALID = { detail: "Token is invalid or expired", code: "token_not_valid" };
const SIMPLEJWT_CHALLENGE = 'Bearer realm="api"';

async function answer(response: Response) {
  return [response.status, await response.json(), response.headers.get("WWW-Authenticate")];
}

async function simpleJwtLogin(username: string) {
  const response = await request("/api/token/", json({ username, password: STRONG_PASSWORD }));
  expect(response.status).toBe(200);
  return (await response.json()) as { access: string; refresh: string };
}

async function logoutAll(accessToken: string) {
  const out = await request("/auth/logout", json({ all: true }, bearer(accessToken)));
  expect(out.status).toBe(204);
}

/** The two ways a user's other sessions end without their own records being touched. */
const endings: [string, (user: { id: string }, first: { access: string }) => Promise<unknown>][] = [
  ["after logout-all made with another session's access token", (_, first) => logoutAll(first.access)],
  ["once the user is disabled (in D1 directly, as an operator would)", (user) => testEnv.DB.prepare("UPDATE users SET is_active = 0 WHERE id = ?").bind(user.id).run()],
];

describe("SimpleJWT verify/ and blacklist/ agree with refresh/ about a refresh token", () => {
  it.each(endings)("refuses the refresh token of another session %s", async (_, end) => {
    const { username, user } = await registerUser(request);
    const [first, toVerify, toBlacklist] = [await simpleJwtLogin(username), await simpleJwtLogin(username), await simpleJwtLogin(username)];
    await end(user, first);
    expect(await answer(await request("/api/token/verify/", json({ token: toVerify.refresh })))).toEqual([401, SIMPLEJWT_INVALID, SIMPLEJWT_CHALLENGE]);
    expect(await answer(await request("/api/token/blacklist/", json({ refresh: toBlacklist.refresh })))).toEqual([401, SIMPLEJWT_INVALID, SIMPLEJWT_CHALLENGE]);
    expect(await answer(await request("/api/token/refresh/", json({ refresh: toVerify.refresh })))).toEqual([401, SIMPLEJWT_INVALID, SIMPLEJWT_CHALLENGE]);
  });
});

describe("every path consults token_version after logout-all", () => {
  it("refuses every other session of the user, whichever API shape started it, in that shape's dialect", async () => {
    const { username, access_token } = await registerUser(request);
    const credentials = { username, password: STRONG_PASSWORD };
    const native = (await (await request("/auth/login", json({ identifier: username, password: STRONG_PASSWORD }))).json()) as { access_token: string; refresh_token: string };
    // One SimpleJWT session per refresh-token path: a refused refresh revokes its family, which
    // would hide whether a later path consulted token_version itself.
    const [simpleJwt, toVerify, toBlacklist] = [await simpleJwtLogin(username), await simpleJwtLogin(username), await simpleJwtLogin(username)];
    const fastApi = (await (await request("/api/auth/login", json(credentials))).json()) as { access_token: string };
    const v1 = (await (await request("/api/v1/auth/login", json(credentials))).json()) as { token: string; refresh_token: string };
    const django = await request("/accounts/login/", json(credentials));
    const drf = await request("/api/login/", json(credentials));
    expect([django.status, drf.status]).toEqual([200, 200]);
    const drfCsrf = ((await drf.json()) as { csrf_token: string }).csrf_token;

    await logoutAll(access_token);

    const nativeTokenChallenge = 'Bearer realm="edge-auth", error="invalid_token", error_description="The access token is invalid or has expired."';
    const nativeTokenError = { error: "invalid_token", error_description: "The access token is invalid or has expired." };
    const cases: [string, () => Promise<Response>, unknown[]][] = [
      ["native me", () => request("/auth/me", bearer(native.access_token)), [401, nativeTokenError, nativeTokenChallenge]],
      ["native refresh", () => request("/auth/refresh", json({ refresh_token: native.refresh_token })), [401, INVALID_GRANT, null]],
      ["SimpleJWT verify/ (refresh)", () => request("/api/token/verify/", json({ token: toVerify.refresh })), [401, SIMPLEJWT_INVALID, SIMPLEJWT_CHALLENGE]],
      ["SimpleJWT verify/ (access)", () => request("/api/token/verify/", json({ token: simpleJwt.access })), [401, SIMPLEJWT_INVALID, SIMPLEJWT_CHALLENGE]],
      ["SimpleJWT blacklist/", () => request("/api/token/blacklist/", json({ refresh: toBlacklist.refresh })), [401, SIMPLEJWT_INVALID, SIMPLEJWT_CHALLENGE]],
      ["SimpleJWT refresh/", () => request("/api/token/refresh/", json({ refresh: simpleJwt.refresh })), [401, SIMPLEJWT_INVALID, SIMPLEJWT_CHALLENGE]],
      ["FastAPI me", () => request("/api/auth/me", bearer(fastApi.access_token)), [401, { detail: "Invalid authentication credentials" }, "Bearer"]],
      ["v1 me", () => request("/api/v1/auth/me", bearer(v1.token)), [401, { error: "unauthorized", message: "Invalid or expired token", code: 401 }, 'Bearer realm="edge-auth"']],
      ["v1 refresh", () => request("/api/v1/auth/refresh", json({ refresh_token: v1.refresh_token })), [401, { error: "unauthorized", message: "Invalid or expired token", code: 401 }, 'Bearer realm="edge-auth"']],
      [
        "Django session logout",
        () => request("/accounts/logout/", { method: "POST", headers: { Cookie: cookieHeader(django), "X-CSRFToken": cookieValue(django, "csrftoken")! } }),
        [401, { error: "Authentication required", status: 401 }, 'Session realm="edge-auth"'],
      ],
      ["DRF session user", () => request("/api/user/", { headers: { Cookie: cookieHeader(drf) } }), [401, { detail: "Authentication credentials were not provided." }, 'Session realm="edge-auth"']],
      [
        "DRF session logout",
        () => request("/api/logout/", { method: "POST", headers: { Cookie: cookieHeader(drf), "X-CSRFToken": drfCsrf } }),
        [401, { detail: "Authentication credentials were not provided." }, 'Session realm="edge-auth"'],
      ],
    ];
    for (const [path, send, expected] of cases) expect([path, ...(await answer(await send()))]).toEqual([path, ...expected]);
  });
});
