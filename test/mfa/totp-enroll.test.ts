// TOTP enrollment: enroll answers the secret, its otpauth:// URI and a QR code;
// nothing is active until the first code confirms it; confirmation answers ten recovery codes once;
// disabling takes the password or a code. Codes come from the tests' own RFC 6238 implementation.
import { describe, expect, it } from "vitest";
import { json, registerUser, STRONG_PASSWORD } from "../helpers";
import { bearer, enrolledUser, mfaApp, mfaToken, password, totpCode } from "./support";

describe("TOTP enrollment", () => {
  it("enrolls, confirms with the first code and answers ten recovery codes", async () => {
    const app = mfaApp();
    const user = await registerUser(app.send);
    const enroll = await app.send("/auth/mfa/totp/enroll", bearer(user.access_token));
    expect(enroll.status).toBe(200);
    expect(enroll.headers.get("Cache-Control")).toBe("no-store");
    const body = (await enroll.json()) as { secret: string; otpauth_uri: string; qr_svg: string };
    expect(body.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(body.otpauth_uri).toBe(`otpauth://totp/auth.test.example:${user.username}?issuer=auth.test.example&secret=${body.secret}&algorithm=SHA1&digits=6&period=30`);
    expect(body.qr_svg).toMatch(/^<svg [^>]*>.*<\/svg>$/s);
    // Pending: the password alone still logs in.
    const before = await app.send("/auth/login", password(user.username));
    expect([before.status, Object.keys((await before.json()) as object)]).toEqual([200, ["user", "access_token", "token_type", "expires_in", "refresh_token", "refresh_expires_in"]]);

    const confirm = await app.send("/auth/mfa/totp/confirm", bearer(user.access_token, { code: await totpCode(body.secret, app.clock.ms) }));
    expect(confirm.status).toBe(200);
    const { recovery_codes } = (await confirm.json()) as { recovery_codes: string[] };
    expect(recovery_codes).toHaveLength(10);
    for (const code of recovery_codes) expect(code).toMatch(/^[A-Z2-7]{4}(-[A-Z2-7]{4}){3}$/);
    expect(new Set(recovery_codes).size).toBe(10);
    const after = await app.send("/auth/login", password(user.username));
    expect(await after.json()).toEqual({ mfa_required: true, mfa_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), factors: ["totp", "recovery_code"] });
    expect(app.events(user.user.id)).toEqual(expect.arrayContaining(["mfa_totp_enrolled", "mfa_totp_enabled", "mfa_challenge_issued"]));
  });
});

const CONFLICT = (description: string) => ({ error: "conflict", error_description: description });
const outcome = async (r: Response) => [r.status, await r.json()];
const code = (app: ReturnType<typeof mfaApp>, secret: string, steps = 0) => totpCode(secret, app.clock.ms + steps * 30_000);

describe("TOTP enrollment: what stays pending, what is refused", () => {
  it("a new enrollment replaces a pending one: the first secret's code no longer confirms", async () => {
    const app = mfaApp();
    const user = await registerUser(app.send);
    const first = (await (await app.send("/auth/mfa/totp/enroll", bearer(user.access_token))).json()) as { secret: string };
    const second = (await (await app.send("/auth/mfa/totp/enroll", bearer(user.access_token))).json()) as { secret: string };
    expect(second.secret).not.toBe(first.secret);
    expect(await outcome(await app.send("/auth/mfa/totp/confirm", bearer(user.access_token, { code: await code(app, first.secret) })))).toEqual([
      400, { error: "invalid_request", error_description: "The request has invalid fields.", fields: { code: "The code is incorrect." } },
    ]);
    expect((await app.send("/auth/mfa/totp/confirm", bearer(user.access_token, { code: await code(app, second.secret) }))).status).toBe(200);
  });

  it("refuses enroll and confirm once TOTP is enabled, and confirm with nothing pending (409)", async () => {
    const app = mfaApp();
    const fresh = await registerUser(app.send);
    expect(await outcome(await app.send("/auth/mfa/totp/confirm", bearer(fresh.access_token, { code: "123456" })))).toEqual([409, CONFLICT("No TOTP enrollment is pending. Start one with POST /auth/mfa/totp/enroll.")]);
    const user = await enrolledUser(app);
    expect(await outcome(await app.send("/auth/mfa/totp/enroll", bearer(user.access_token)))).toEqual([409, CONFLICT("TOTP is already enabled for this account. Disable it first to enroll a new authenticator.")]);
    expect(await outcome(await app.send("/auth/mfa/totp/confirm", bearer(user.access_token, { code: await code(app, user.secret) })))).toEqual([409, CONFLICT("TOTP is already enabled for this account.")]);
  });

  it("needs a signed-in user; a cookie request from a foreign Origin is 403", async () => {
    const app = mfaApp();
    expect(await outcome(await app.send("/auth/mfa/totp/enroll", { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" }))).toEqual([
      401, { error: "invalid_token", error_description: "No access token was provided." },
    ]);
    const user = await registerUser(app.send);
    const login = await app.send("/auth/login", password(user.username, "cookie"));
    const cookie = (login.headers.get("Set-Cookie") ?? "").match(/edge_access=[^;]+/)![0];
    const foreign = await app.send("/auth/mfa/totp/enroll", { method: "POST", headers: { "Content-Type": "application/json", Cookie: cookie, Origin: "https://evil.example" }, body: "{}" });
    expect(await outcome(foreign)).toEqual([403, { error: "forbidden", error_description: "Cross-origin requests authenticated by cookie are not allowed from this origin." }]);
    const same = await app.send("/auth/mfa/totp/enroll", { method: "POST", headers: { "Content-Type": "application/json", Cookie: cookie, Origin: "http://localhost" }, body: "{}" });
    expect(same.status).toBe(200);
  });
});

describe("disabling TOTP and replacing recovery codes", () => {
  it("disables with the password: login is the password alone again, and the recovery codes are gone", async () => {
    const app = mfaApp();
    const user = await enrolledUser(app);
    expect(await outcome(await app.send("/auth/mfa/totp", bearer(user.access_token, { password: "not the password" }, "DELETE")))).toEqual([
      401, { error: "invalid_credentials", error_description: "The username/email or password is incorrect." },
    ]);
    const done = await app.send("/auth/mfa/totp", bearer(user.access_token, { password: STRONG_PASSWORD }, "DELETE"));
    expect([done.status, await done.text()]).toEqual([204, ""]);
    const login = await app.send("/auth/login", password(user.username));
    expect(Object.keys((await login.json()) as object)).toContain("access_token");
    expect(await app.stores.mfa!.factors(user.user.id)).toEqual({ totp: false, recoveryCodes: 0 });
    expect(await outcome(await app.send("/auth/mfa/totp", bearer(user.access_token, { password: STRONG_PASSWORD }, "DELETE")))).toEqual([409, CONFLICT("TOTP is not enabled for this account.")]);
    expect(app.events(user.user.id)).toContain("mfa_totp_disabled");
  });

  it("disables with a current code, once: the same code cannot be replayed", async () => {
    const app = mfaApp();
    const user = await enrolledUser(app);
    const now = await code(app, user.secret);
    const wrong = await app.send("/auth/mfa/totp", bearer(user.access_token, { code: await code(app, user.secret, 3) }, "DELETE"));
    expect(await outcome(wrong)).toEqual([401, { error: "invalid_credentials", error_description: "The code is incorrect or was already used." }]);
    expect((await app.send("/auth/mfa/totp", bearer(user.access_token, { code: now }, "DELETE"))).status).toBe(204);
  });

  it("refuses a body with both password and code, or neither", async () => {
    const app = mfaApp();
    const user = await enrolledUser(app);
    const both = { error: "invalid_request", error_description: "The request has invalid fields.", fields: { password: "Send either password or code." } };
    expect(await outcome(await app.send("/auth/mfa/totp", bearer(user.access_token, { password: STRONG_PASSWORD, code: "123456" }, "DELETE")))).toEqual([400, both]);
    expect(await outcome(await app.send("/auth/mfa/totp", bearer(user.access_token, {}, "DELETE")))).toEqual([400, both]);
    expect(await outcome(await app.send("/auth/mfa/recovery-codes", bearer(user.access_token, {})))).toEqual([400, both]);
  });

  it("replaces the recovery codes: the old ones stop working, the new ones work", async () => {
    const app = mfaApp();
    const user = await enrolledUser(app);
    const response = await app.send("/auth/mfa/recovery-codes", bearer(user.access_token, { password: STRONG_PASSWORD }));
    expect([response.status, response.headers.get("Cache-Control")]).toEqual([200, "no-store"]);
    const { recovery_codes } = (await response.json()) as { recovery_codes: string[] };
    expect(recovery_codes).toHaveLength(10);
    expect(recovery_codes).not.toContain(user.recoveryCodes[0]);
    const old = await app.send("/auth/mfa/verify", json({ mfa_token: await mfaToken(app, user.username), recovery_code: user.recoveryCodes[0] }));
    expect(old.status).toBe(401);
    const fresh = await app.send("/auth/mfa/verify", json({ mfa_token: await mfaToken(app, user.username), recovery_code: recovery_codes[0] }));
    expect(fresh.status).toBe(200);
    expect(app.events(user.user.id)).toContain("mfa_recovery_codes_regenerated");
  });

  it("refuses to make recovery codes for an account without a factor (409)", async () => {
    const app = mfaApp();
    const user = await registerUser(app.send);
    expect(await outcome(await app.send("/auth/mfa/recovery-codes", bearer(user.access_token, { password: STRONG_PASSWORD })))).toEqual([
      409, CONFLICT("Recovery codes need a second factor. Enable TOTP or add a passkey first."),
    ]);
  });
});
