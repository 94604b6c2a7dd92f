// A passkey as the second step after a password (docs/passkeys.md): /auth/login answers mfa_required
// for a user with a passkey, and /auth/passkeys/login/verify with that mfa_token accepts only an
// assertion of that user's own passkey, once.
import { describe, expect, it } from "vitest";
import { json, setCookies, STRONG_PASSWORD, testEnv } from "../helpers";
import { SoftAuthenticator } from "./authenticator";
import { makeAdmin } from "../admin/support";
import { bearer, LOGIN_REFUSED, loginOptions, ORIGIN, passkeyClient, userWithPasskey } from "./support";

type Request = ReturnType<typeof passkeyClient>["request"];

async function passwordLogin(request: Request, username: string, mode?: "token" | "cookie") {
  const response = await request("/auth/login", json({ username, password: STRONG_PASSWORD, ...(mode ? { mode } : {}) }));
  expect(response.status).toBe(200);
  const body = await response.json<{ mfa_token: string }>();
  expect(body).toEqual({ mfa_required: true, mfa_token: body.mfa_token, factors: ["passkey"] });
  expect(setCookies(response)).toEqual([]);
  return body.mfa_token;
}

const MFA_TOKEN_REFUSED = { error: "invalid_grant", error_description: "The mfa_token is invalid, expired or already used." };

describe("a passkey as the second step", () => {
  it("completes the password login with the user's passkey, once", async () => {
    const { request } = passkeyClient();
    const { user, authenticator } = await userWithPasskey(request);
    const mfaToken = await passwordLogin(request, user.username);
    const response = await request("/auth/passkeys/login/verify", json({ credential: await authenticator.get(await loginOptions(request)), mfa_token: mfaToken }));
    expect(response.status).toBe(200);
    const body = await response.json<{ access_token: string; refresh_token: string; refresh_expires_in: number }>();
    expect(body).toEqual({ user: user.user, access_token: body.access_token, token_type: "Bearer", expires_in: 300, refresh_token: body.refresh_token, refresh_expires_in: body.refresh_expires_in });
    expect((await request("/auth/me", { headers: bearer(body.access_token) })).status).toBe(200);

    const again = await request("/auth/passkeys/login/verify", json({ credential: await authenticator.get(await loginOptions(request)), mfa_token: mfaToken }));
    expect(again.status).toBe(401);
    expect(await again.json()).toEqual(MFA_TOKEN_REFUSED);
  });

  it("refuses another user's passkey and leaves the mfa_token redeemable by the right one", async () => {
    const { request } = passkeyClient();
    const victim = await userWithPasskey(request);
    const attacker = await userWithPasskey(request);
    const mfaToken = await passwordLogin(request, victim.user.username);
    const wrong = await request("/auth/passkeys/login/verify", json({ credential: await attacker.authenticator.get(await loginOptions(request)), mfa_token: mfaToken }));
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual(LOGIN_REFUSED);
    const right = await request("/auth/passkeys/login/verify", json({ credential: await victim.authenticator.get(await loginOptions(request)), mfa_token: mfaToken }));
    expect(right.status).toBe(200);
    expect((await right.json<{ user: unknown }>()).user).toEqual(victim.user.user);
  });

  it("answers in the login's mode: cookies for a cookie-mode login, and a different mode is refused", async () => {
    const { request } = passkeyClient();
    const { user, authenticator } = await userWithPasskey(request);
    const mfaToken = await passwordLogin(request, user.username, "cookie");
    const mismatch = await request("/auth/passkeys/login/verify", json({ credential: await authenticator.get(await loginOptions(request)), mfa_token: mfaToken, mode: "token" }));
    expect(mismatch.status).toBe(400);
    expect(await mismatch.json()).toEqual({ error: "invalid_request", error_description: "The request has invalid fields.", fields: { mode: 'Must be "cookie", the mode of the login that issued this mfa_token.' } });
    const response = await request("/auth/passkeys/login/verify", json({ credential: await authenticator.get(await loginOptions(request)), mfa_token: mfaToken }));
    expect(response.status).toBe(200);
    const body = await response.json<{ refresh_expires_in: number }>();
    expect(body).toEqual({ user: user.user, token_type: "Bearer", expires_in: 300, refresh_expires_in: body.refresh_expires_in });
    expect(setCookies(response).map((c) => c.split("=")[0])).toEqual(["__Host-edge_access", "__Host-edge_refresh"]);
  });

  it("refuses a made-up mfa_token before looking at the assertion", async () => {
    const { request } = passkeyClient();
    const { authenticator } = await userWithPasskey(request);
    const response = await request("/auth/passkeys/login/verify", json({ credential: await authenticator.get(await loginOptions(request)), mfa_token: "x".repeat(43) }));
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual(MFA_TOKEN_REFUSED);
  });
});

describe("an administrator and a user's passkeys", () => {
  it("sees the count in the user's factors, and the reset removes the passkeys with the other factors", async () => {
    const { request } = passkeyClient();
    const { user, authenticator } = await userWithPasskey(request);
    const admin = await makeAdmin();
    const view = await admin.as(`/admin/users/${user.user.id}`);
    expect(view.status).toBe(200);
    expect((await view.json<{ mfa: unknown }>()).mfa).toEqual({ totp: false, passkeys: 1, recovery_codes: 0 });
    const reset = await admin.as(`/admin/users/${user.user.id}/mfa`, { method: "DELETE" });
    expect(reset.status).toBe(204);
    expect(await (await request("/auth/passkeys", { headers: bearer(user.access_token) })).json()).toEqual({ passkeys: [] });
    const login = await request("/auth/passkeys/login/verify", json({ credential: await authenticator.get(await loginOptions(request)) }));
    expect(login.status).toBe(401);
    // The password alone logs in again.
    const password = await request("/auth/login", json({ username: user.username, password: STRONG_PASSWORD }));
    expect(password.status).toBe(200);
    expect(Object.keys(await password.json<object>())).toContain("access_token");
  });
});

describe("removing the last factor", () => {
  it("deletes the recovery codes with the last passkey when no TOTP is on", async () => {
    const { request } = passkeyClient();
    const { user, credential } = await userWithPasskey(request);
    const codes = await request("/auth/mfa/recovery-codes", json({ password: STRONG_PASSWORD }, { headers: bearer(user.access_token) }));
    expect(codes.status).toBe(200);
    expect((await codes.json<{ recovery_codes: string[] }>()).recovery_codes).toHaveLength(10);
    expect((await request(`/auth/passkeys/${credential.id}`, { method: "DELETE", headers: bearer(user.access_token) })).status).toBe(204);
    const left = await testEnv.DB.prepare("SELECT COUNT(*) AS n FROM mfa_recovery_codes WHERE user_id = ?").bind(user.user.id).first();
    expect(left).toEqual({ n: 0 });
  });

  it("keeps them while another passkey remains", async () => {
    const { request } = passkeyClient();
    const { user, credential } = await userWithPasskey(request);
    const options = await (await request("/auth/passkeys/register/options", { method: "POST", headers: bearer(user.access_token) })).json<{ challenge: string; rp: { id: string }; user: { id: string } }>();
    expect((await request("/auth/passkeys/register/verify", json({ credential: await new SoftAuthenticator(ORIGIN).create(options) }, { headers: bearer(user.access_token) }))).status).toBe(201);
    expect((await request("/auth/mfa/recovery-codes", json({ password: STRONG_PASSWORD }, { headers: bearer(user.access_token) }))).status).toBe(200);
    expect((await request(`/auth/passkeys/${credential.id}`, { method: "DELETE", headers: bearer(user.access_token) })).status).toBe(204);
    const left = await testEnv.DB.prepare("SELECT COUNT(*) AS n FROM mfa_recovery_codes WHERE user_id = ?").bind(user.user.id).first();
    expect(left).toEqual({ n: 10 });
  });
});
