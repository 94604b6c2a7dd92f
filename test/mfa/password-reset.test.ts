// A reset link proves control of the mailbox, not the second factor: for a user with TOTP the reset
// sets the new password and answers mfa_required (no token, no cookie), and the session starts only
// after /auth/mfa/verify. A user without a factor gets the session at once, as before.
import { describe, expect, it } from "vitest";
import { newAccountToken, TOKEN_TTL_MS } from "../../src/accounts/account-tokens";
import { json, registerUser, setCookies } from "../helpers";
import { enrolledUser, mfaApp, totpCode, type MfaApp } from "./support";

const NEW_PASSWORD = "a brand new passphrase 42";

/** A reset token for the user, as /auth/password/forgot would have stored it. */
async function resetToken(app: MfaApp, userId: string, email: string): Promise<string> {
  const { token, tokenHash } = await newAccountToken();
  const event = { at: new Date(app.clock.ms).toISOString(), event: "password_reset_requested" as const, userId, subject: null, ip: null, detail: {} };
  const record = { tokenHash, userId, purpose: "password_reset" as const, email: email.toLowerCase(), createdAt: app.clock.ms, expiresAt: app.clock.ms + TOKEN_TTL_MS.password_reset, usedAt: null };
  expect(await app.stores.accounts!.issueToken(userId, record, 60_000, event)).toBe("issued");
  return token;
}

describe("password reset for a user with a second factor", () => {
  it("sets the password and answers mfa_required; the code then opens the session", async () => {
    const app = mfaApp();
    const user = await enrolledUser(app);
    const token = await resetToken(app, user.user.id, `${user.username}@example.com`);
    const reset = await app.send("/auth/password/reset", json({ token, new_password: NEW_PASSWORD, mode: "cookie" }));
    expect([reset.status, setCookies(reset)]).toEqual([200, []]);
    const { mfa_token, ...rest } = (await reset.json()) as { mfa_token: string };
    expect(rest).toEqual({ mfa_required: true, factors: ["totp", "recovery_code"] });
    const done = await app.send("/auth/mfa/verify", json({ mfa_token, code: await totpCode(user.secret, app.clock.ms) }));
    expect([done.status, setCookies(done).length]).toEqual([200, 2]);
    // The new password is the one in force: login with it reaches the second step.
    const login = await app.send("/auth/login", json({ username: user.username, password: NEW_PASSWORD }));
    expect(((await login.json()) as { mfa_required?: boolean }).mfa_required).toBe(true);
  });

  it("a user without a factor gets the session at once, as before", async () => {
    const app = mfaApp();
    const user = await registerUser(app.send);
    const reset = await app.send("/auth/password/reset", json({ token: await resetToken(app, user.user.id, `${user.username}@example.com`), new_password: NEW_PASSWORD }));
    expect([reset.status, Object.keys((await reset.json()) as object)]).toEqual([200, ["user", "access_token", "token_type", "expires_in", "refresh_token", "refresh_expires_in"]]);
  });
});
