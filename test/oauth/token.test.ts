// POST /oauth/token (RFC 6749): the refresh_token grant with /auth/refresh's rotation and reuse
// detection, the client_credentials grant for service clients, and a §5.2 error for every
// malformed request. Real local D1 and KV.
import { decodeJwt, decodeProtectedHeader } from "jose";
import { describe, expect, it } from "vitest";
import { INVALID_GRANT } from "../../src/sessions/sessions";
import { createApp } from "../../src/app";
import { defaultStores } from "../../src/runtime";
import { guardStorage } from "../../src/storage/guard";
import { json, registerUser, testEnv } from "../helpers";
import { answer, basic, CLIENT_FAILED, form, makeClient, oauthError, send } from "./support";

const token = (params: Record<string, string>, headers?: Record<string, string>) => send("/oauth/token", form(params, headers));

describe("grant_type=client_credentials", () => {
  it("authenticates by HTTP Basic and answers an access token only, sub = client id, the client's scopes", async () => {
    const client = await makeClient();
    const result = await answer(await token({ grant_type: "client_credentials" }, basic(client.client_id, client.client_secret)));
    expect(result).toEqual({
      status: 200,
      cacheControl: "no-store",
      pragma: "no-cache",
      challenge: null,
      body: { access_token: expect.any(String), token_type: "Bearer", expires_in: 300, scope: "invoices:read invoices:write" },
    });
    expect(decodeProtectedHeader(result.body.access_token)).toMatchObject({ typ: "at+jwt", alg: "RS256" });
    expect(decodeJwt(result.body.access_token)).toEqual({
      iss: "https://auth.test.example",
      aud: "https://api.test.example",
      sub: client.client_id,
      client_id: client.client_id,
      scope: "invoices:read invoices:write",
      roles: [],
      sid: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
      ver: 0,
      iat: expect.any(Number),
      exp: expect.any(Number),
      jti: expect.any(String),
    });
  });

  it("a service token is not a user: /auth/me and /admin refuse it with 401 invalid_token", async () => {
    const client = await makeClient();
    const issued = (await (await token({ grant_type: "client_credentials" }, basic(client.client_id, client.client_secret))).json()) as { access_token: string };
    for (const path of ["/auth/me", "/admin/clients"]) {
      const response = await send(path, { headers: { Authorization: `Bearer ${issued.access_token}` } });
      expect([response.status, await response.json()]).toEqual([401, { error: "invalid_token", error_description: "The access token is invalid or has expired." }]);
    }
  });

  it("authenticates by client_secret_post, narrows to a requested scope, and takes JSON too", async () => {
    const client = await makeClient();
    const body = { grant_type: "client_credentials", client_id: client.client_id, client_secret: client.client_secret, scope: "invoices:read" };
    for (const response of [await token(body), await send("/oauth/token", json(body))]) {
      const result = await answer(response);
      expect([result.status, result.body.scope, decodeJwt(result.body.access_token).scope]).toEqual([200, "invoices:read", "invoices:read"]);
    }
  });

  it.each([
    ["no client authentication", {}, {}],
    ["an unknown client", { client_id: crypto.randomUUID(), client_secret: "A".repeat(43) }, {}],
    ["a client id without a secret", { client_id: "CLIENT" }, {}],
  ])("%s: 401 invalid_client with a Basic challenge", async (_, params, headers) => {
    const client = await makeClient();
    const filled = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, v === "CLIENT" ? client.client_id : v]));
    expect(await answer(await token({ grant_type: "client_credentials", ...filled }, headers))).toEqual(CLIENT_FAILED);
  });

  it("a wrong secret, by Basic or by body: 401 invalid_client", async () => {
    const client = await makeClient();
    expect(await answer(await token({ grant_type: "client_credentials" }, basic(client.client_id, "B".repeat(43))))).toEqual(CLIENT_FAILED);
    expect(await answer(await token({ grant_type: "client_credentials", client_id: client.client_id, client_secret: "B".repeat(43) }))).toEqual(CLIENT_FAILED);
  });

  it("a malformed Basic header: 401 invalid_client", async () => {
    for (const header of ["Basic !!!", `Basic ${btoa("no-colon")}`, "Bearer abc", `Basic ${btoa("%ZZ:x")}`]) {
      expect(await answer(await token({ grant_type: "client_credentials" }, { Authorization: header }))).toEqual(CLIENT_FAILED);
    }
  });

  it("the secret in both the header and the body: 400 invalid_request (RFC 6749 §2.3: one method per request)", async () => {
    const client = await makeClient();
    const result = await answer(await token({ grant_type: "client_credentials", client_secret: client.client_secret }, basic(client.client_id, client.client_secret)));
    expect(result).toEqual(oauthError(400, "invalid_request", "Send the client credentials in the Authorization header or in the body, not both."));
  });

  it("a scope the client was not given: 400 invalid_scope", async () => {
    const client = await makeClient();
    const result = await answer(await token({ grant_type: "client_credentials", scope: "invoices:read admin" }, basic(client.client_id, client.client_secret)));
    expect(result).toEqual(oauthError(400, "invalid_scope", "The requested scope is not allowed for this client."));
  });
});

describe("grant_type=refresh_token", () => {
  it("rotates as /auth/refresh does: a new pair, and the old token reused after the interval is invalid_grant", async () => {
    const user = await registerUser(send);
    const first = await answer(await token({ grant_type: "refresh_token", refresh_token: user.refresh_token }));
    expect(first).toEqual({
      status: 200,
      cacheControl: "no-store",
      pragma: "no-cache",
      challenge: null,
      body: { access_token: expect.any(String), token_type: "Bearer", expires_in: 300, refresh_token: expect.any(String), refresh_expires_in: expect.any(Number) },
    });
    expect(first.body.refresh_token).not.toBe(user.refresh_token);
    expect(decodeJwt(first.body.access_token).sub).toBe(user.user.id);
    // Inside the reuse interval a retry gets the same successor (no fork, no logout).
    const retry = await answer(await token({ grant_type: "refresh_token", refresh_token: user.refresh_token }));
    expect(retry.body.refresh_token).toBe(first.body.refresh_token);
  });

  it("a forged refresh token: 400 invalid_grant (RFC 6749 §5.2, not the native 401)", async () => {
    const result = await answer(await token({ grant_type: "refresh_token", refresh_token: "forged.0.token.value" }));
    expect(result).toEqual(oauthError(400, "invalid_grant", INVALID_GRANT));
  });

  it("a refresh token after logout: 400 invalid_grant", async () => {
    const user = await registerUser(send);
    expect((await send("/auth/logout", { method: "POST", headers: { Authorization: `Bearer ${user.access_token}` } })).status).toBe(204);
    expect(await answer(await token({ grant_type: "refresh_token", refresh_token: user.refresh_token }))).toEqual(oauthError(400, "invalid_grant", INVALID_GRANT));
  });

  it("a client that names itself must be the session's: client_id alone (a public client) or valid credentials (RFC 6749 §6)", async () => {
    const user = await registerUser(send);
    const other = await makeClient();
    expect((await answer(await token({ grant_type: "refresh_token", refresh_token: user.refresh_token, client_id: "bearer-api" })))).toEqual(oauthError(400, "invalid_grant", INVALID_GRANT));
    expect(await answer(await token({ grant_type: "refresh_token", refresh_token: user.refresh_token }, basic(other.client_id, other.client_secret)))).toEqual(oauthError(400, "invalid_grant", INVALID_GRANT));
    expect(await answer(await token({ grant_type: "refresh_token", refresh_token: user.refresh_token }, basic(other.client_id, "G".repeat(43))))).toEqual(CLIENT_FAILED);
    // None of these rotated the family: its own client still refreshes with the original token.
    const own = await answer(await token({ grant_type: "refresh_token", refresh_token: user.refresh_token, client_id: "edge-auth" }));
    expect([own.status, own.body.token_type]).toEqual([200, "Bearer"]);
  });

  it("without refresh_token: 400 invalid_request; with a scope (none was granted): 400 invalid_scope", async () => {
    expect(await answer(await token({ grant_type: "refresh_token" }))).toEqual(oauthError(400, "invalid_request", "The refresh_token parameter is required."));
    const user = await registerUser(send);
    expect(await answer(await token({ grant_type: "refresh_token", refresh_token: user.refresh_token, scope: "admin" }))).toEqual(
      oauthError(400, "invalid_scope", "The requested scope exceeds the scope originally granted."),
    );
  });
});

describe("malformed requests (RFC 6749 §5.2)", () => {
  it("no grant_type: 400 invalid_request", async () => {
    expect(await answer(await token({}))).toEqual(oauthError(400, "invalid_request", "The grant_type parameter is required."));
  });

  it.each(["password", "authorization_code", "urn:ietf:params:oauth:grant-type:jwt-bearer", ""])("grant_type=%j: 400 unsupported_grant_type (never the password grant)", async (grant) => {
    const user = await registerUser(send);
    const result = await answer(await token({ grant_type: grant, username: user.username, password: "correct horse battery staple" }));
    expect(result).toEqual(
      grant === ""
        ? oauthError(400, "invalid_request", "The grant_type parameter is required.")
        : oauthError(400, "unsupported_grant_type", "Supported grant types: refresh_token, client_credentials."),
    );
  });

  it("a parameter sent twice: 400 invalid_request (RFC 6749 §3.2)", async () => {
    const response = await send("/oauth/token", { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: "grant_type=client_credentials&grant_type=refresh_token" });
    expect(await answer(response)).toEqual(oauthError(400, "invalid_request", "The grant_type parameter is sent more than once."));
  });

  it("a body that is neither form nor JSON: 400 invalid_request", async () => {
    const response = await send("/oauth/token", { method: "POST", headers: { "Content-Type": "text/plain" }, body: "grant_type=client_credentials" });
    expect(await answer(response)).toEqual(oauthError(400, "invalid_request", "Send the parameters as application/x-www-form-urlencoded or application/json."));
  });

  it("JSON that is not an object of strings: 400 invalid_request", async () => {
    for (const body of ['["grant_type"]', '{"grant_type": 1}', "{"]) {
      const response = await send("/oauth/token", { method: "POST", headers: { "Content-Type": "application/json" }, body });
      expect(await answer(response)).toEqual(oauthError(400, "invalid_request", "The parameters must be a JSON object of strings."));
    }
  });

  it("GET: 405 in the OAuth dialect", async () => {
    const response = await send("/oauth/token");
    expect([response.status, response.headers.get("Allow"), await response.json()]).toEqual([405, "POST", { error: "method_not_allowed", error_description: "The GET method is not allowed here." }]);
  });
});

describe("storage faults", () => {
  it.each([
    ["clients.find", "client_credentials"],
    ["sessions.get", "refresh_token"],
  ] as const)("%s fails: 503 with Retry-After and no token (%s)", async (fault, grant) => {
    const [client, user] = [await makeClient(), await registerUser(send)];
    const stores = defaultStores(testEnv);
    const [port, method] = fault.split(".") as ["clients" | "sessions", string];
    (stores[port] as unknown as Record<string, unknown>)[method] = () => guardStorage(fault, () => Promise.reject(new Error("injected fault")));
    const params: Record<string, string> = grant === "client_credentials" ? { grant_type: grant, client_id: client.client_id, client_secret: client.client_secret } : { grant_type: grant, refresh_token: user.refresh_token };
    const response = await createApp({ stores: () => stores }).request("/oauth/token", form(params, { "CF-Connecting-IP": "198.51.100.200" }), testEnv);
    expect([await answer(response), response.headers.get("Retry-After")]).toEqual([
      oauthError(503, "temporarily_unavailable", "The service is temporarily unavailable. Try again shortly."),
      "5",
    ]);
  });
});
