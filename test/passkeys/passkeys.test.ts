// Passkeys end to end inside workerd (real local D1 and KV): registration by a signed-in user,
// the list, usernameless login into a session (token and cookie mode) and removal, driven by a
// software authenticator that shares no code with the service.
import { describe, expect, it } from "vitest";
import { json, registerUser, setCookies, STRONG_PASSWORD, testEnv } from "../helpers";
import { FLAGS, SoftAuthenticator } from "./authenticator";
import { bearer, loginOptions, ORIGIN, passkeyClient, RP_ID, userWithPasskey } from "./support";

describe("passkey registration", () => {
  it("answers creation options that ask for a discoverable, user-verified credential of this relying party", async () => {
    const { request } = passkeyClient();
    const { user } = await userWithPasskey(request);
    const response = await request("/auth/passkeys/register/options", { method: "POST", headers: bearer(user.access_token) });
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    const options = await response.json<Record<string, unknown> & { challenge: string; excludeCredentials: { id: string }[] }>();
    expect(options.challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(options).toEqual({
      challenge: options.challenge,
      rp: { id: RP_ID, name: RP_ID },
      user: { id: btoa(user.user.id).replace(/=+$/, ""), name: user.username, displayName: user.username },
      pubKeyCredParams: [{ type: "public-key", alg: -8 }, { type: "public-key", alg: -7 }, { type: "public-key", alg: -257 }],
      timeout: 300000,
      excludeCredentials: [{ type: "public-key", id: options.excludeCredentials[0]!.id, transports: ["hybrid", "internal"] }],
      authenticatorSelection: { residentKey: "required", requireResidentKey: true, userVerification: "required" },
      attestation: "none",
      extensions: { credProps: true },
    });
  });

  it("stores the attested passkey, lists it without its key, and audits the registration", async () => {
    const { request } = passkeyClient();
    const { user, credential } = await userWithPasskey(request);
    const list = await request("/auth/passkeys", { headers: bearer(user.access_token) });
    expect(list.status).toBe(200);
    const body = await list.json<{ passkeys: { created_at: string }[] }>();
    expect(body).toEqual({ passkeys: [{ id: credential.id, name: "Laptop", created_at: body.passkeys[0]!.created_at, last_used_at: null, transports: ["hybrid", "internal"], backed_up: true }] });
    const audit = await testEnv.DB.prepare("SELECT event, detail FROM audit_events WHERE user_id = ? AND event LIKE 'passkey%'").bind(user.user.id).all<{ event: string; detail: string }>();
    expect(audit.results).toEqual([{ event: "passkey_registered", detail: JSON.stringify({ passkey_id: credential.id, aaguid: "00000000-0000-0000-0000-000000000000", backup_eligible: true }) }]);
  });

  it("answers 201 with the new passkey", async () => {
    const { request } = passkeyClient();
    const { user } = await userWithPasskey(request);
    const options = await (await request("/auth/passkeys/register/options", { method: "POST", headers: bearer(user.access_token) })).json<{ challenge: string; rp: { id: string }; user: { id: string } }>();
    const credential = await new SoftAuthenticator(ORIGIN).create(options, { flags: FLAGS.UP | FLAGS.UV | FLAGS.AT });
    const response = await request("/auth/passkeys/register/verify", json({ credential }, { headers: bearer(user.access_token) }));
    expect(response.status).toBe(201);
    const body = await response.json<{ passkey: { created_at: string } }>();
    expect(body).toEqual({ passkey: { id: credential.id, name: "Passkey", created_at: body.passkey.created_at, last_used_at: null, transports: ["hybrid", "internal"], backed_up: false } });
  });

  it("needs a signed-in user", async () => {
    const { request } = passkeyClient();
    const response = await request("/auth/passkeys/register/options", json({}));
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: "invalid_token", error_description: "No access token was provided." });
  });
});

describe("usernameless passkey login", () => {
  it("answers request options with no allowCredentials", async () => {
    const { request } = passkeyClient();
    const options = await loginOptions(request);
    expect(options).toEqual({ challenge: options.challenge, rpId: RP_ID, timeout: 300000, userVerification: "required", allowCredentials: [] });
  });

  it("opens a session for the passkey's user, records its use and audits it", async () => {
    const { request } = passkeyClient();
    const { user, authenticator, credential } = await userWithPasskey(request);
    const assertion = await authenticator.get(await loginOptions(request));
    const response = await request("/auth/passkeys/login/verify", json({ credential: assertion }));
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    const body = await response.json<{ user: { id: string }; access_token: string; refresh_token: string; refresh_expires_in: number }>();
    expect(body).toEqual({
      user: user.user, access_token: body.access_token, token_type: "Bearer", expires_in: 300, refresh_token: body.refresh_token, refresh_expires_in: body.refresh_expires_in,
    });
    // 14 days, less the seconds the request took (the session's deadline was set as it opened).
    expect(1209600 - body.refresh_expires_in).toBeLessThanOrEqual(2);
    const me = await request("/auth/me", { headers: bearer(body.access_token) });
    expect(await me.json()).toEqual({ user: user.user });
    const list = await (await request("/auth/passkeys", { headers: bearer(body.access_token) })).json<{ passkeys: { id: string; last_used_at: string | null }[] }>();
    expect(list.passkeys.map((p) => [p.id, typeof p.last_used_at])).toEqual([[credential.id, "string"]]);
    const row = await testEnv.DB.prepare("SELECT sign_count FROM passkeys WHERE id = ?").bind(credential.id).first<{ sign_count: number }>();
    expect(row).toEqual({ sign_count: 1 });
    const audit = await testEnv.DB.prepare("SELECT event FROM audit_events WHERE user_id = ? AND event LIKE 'passkey%' ORDER BY id").bind(user.user.id).all<{ event: string }>();
    expect(audit.results.map((r) => r.event)).toEqual(["passkey_registered", "passkey_login_success"]);
  });

  it("sets the session cookies and answers no token in cookie mode", async () => {
    const { request } = passkeyClient();
    const { user, authenticator } = await userWithPasskey(request);
    const assertion = await authenticator.get(await loginOptions(request));
    const response = await request("/auth/passkeys/login/verify", json({ credential: assertion, mode: "cookie" }));
    expect(response.status).toBe(200);
    const body = await response.json<{ refresh_expires_in: number }>();
    expect(body).toEqual({ user: user.user, token_type: "Bearer", expires_in: 300, refresh_expires_in: body.refresh_expires_in });
    expect(1209600 - body.refresh_expires_in).toBeLessThanOrEqual(2);
    expect(setCookies(response).map((c) => c.split("=")[0])).toEqual(["__Host-edge_access", "__Host-edge_refresh"]);
  });

  it.each([[-8, "Ed25519"], [-257, "RS256"]] as const)("signs in with a %s (%s) passkey as with ES256", async (alg, _name) => {
    const { request } = passkeyClient();
    const user = await registerUser(request);
    const options = await (await request("/auth/passkeys/register/options", { method: "POST", headers: bearer(user.access_token) })).json<{ challenge: string; rp: { id: string }; user: { id: string } }>();
    const authenticator = new SoftAuthenticator(ORIGIN);
    expect((await request("/auth/passkeys/register/verify", json({ credential: await authenticator.create(options, {}, alg) }, { headers: bearer(user.access_token) }))).status).toBe(201);
    const response = await request("/auth/passkeys/login/verify", json({ credential: await authenticator.get(await loginOptions(request)) }));
    expect(response.status).toBe(200);
    expect((await response.json<{ user: unknown }>()).user).toEqual(user.user);
  });

  it("accepts an authenticator that keeps no counter (0 then 0)", async () => {
    const { request } = passkeyClient();
    const { authenticator } = await userWithPasskey(request, new SoftAuthenticator(ORIGIN, 0));
    for (let i = 0; i < 2; i++) {
      const response = await request("/auth/passkeys/login/verify", json({ credential: await authenticator.get(await loginOptions(request)) }));
      expect(response.status).toBe(200);
    }
  });
});

describe("removing a passkey", () => {
  it("removes the user's own passkey (audited), after which it no longer signs in", async () => {
    const { request } = passkeyClient();
    const { user, authenticator, credential } = await userWithPasskey(request);
    const removed = await request(`/auth/passkeys/${credential.id}`, { method: "DELETE", headers: bearer(user.access_token) });
    expect(removed.status).toBe(204);
    expect(await (await request("/auth/passkeys", { headers: bearer(user.access_token) })).json()).toEqual({ passkeys: [] });
    const audit = await testEnv.DB.prepare("SELECT event FROM audit_events WHERE user_id = ? AND event = 'passkey_removed'").bind(user.user.id).all();
    expect(audit.results).toHaveLength(1);
    const login = await request("/auth/passkeys/login/verify", json({ credential: await authenticator.get(await loginOptions(request)) }));
    expect(login.status).toBe(401);
  });

  it("answers 404 for another user's passkey and leaves it in place", async () => {
    const { request } = passkeyClient();
    const owner = await userWithPasskey(request);
    const other = await userWithPasskey(request);
    const response = await request(`/auth/passkeys/${owner.credential.id}`, { method: "DELETE", headers: bearer(other.user.access_token) });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: "not_found", error_description: "No such passkey." });
    expect((await (await request("/auth/passkeys", { headers: bearer(owner.user.access_token) })).json<{ passkeys: unknown[] }>()).passkeys).toHaveLength(1);
  });

  it("goes with the account when the account is deleted", async () => {
    const { request } = passkeyClient();
    const { user, credential } = await userWithPasskey(request);
    const deleted = await request("/auth/me", json({ password: STRONG_PASSWORD }, { method: "DELETE", headers: bearer(user.access_token) }));
    expect(deleted.status).toBe(204);
    expect(await testEnv.DB.prepare("SELECT id FROM passkeys WHERE id = ?").bind(credential.id).first()).toBeNull();
  });
});
