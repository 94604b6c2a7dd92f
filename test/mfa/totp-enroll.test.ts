// TOTP enrollment (DESIGN.md §7.5): enroll answers the secret, its otpauth:// URI and a QR code;
// nothing is active until the first code confirms it; confirmation answers ten recovery codes once;
// disabling takes the password or a code. Codes come from the tests' own RFC 6238 implementation.
import { describe, expect, it } from "vitest";
import { registerUser } from "../helpers";
import { bearer, enrolledUser, mfaApp, password, totpCode } from "./support";

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
