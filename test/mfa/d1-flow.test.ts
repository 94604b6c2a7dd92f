// The whole second-factor flow over the real local D1 and KV: enroll, confirm, log in, and many
// concurrent redemptions of one mfa_token, of which exactly one opens a session.
import { describe, expect, it } from "vitest";
import { json, realApp, registerUser, STRONG_PASSWORD, testEnv } from "../helpers";
import { totpCode } from "./support";

const send = (path: string, init: RequestInit = {}) =>
  realApp.request(path, { ...init, headers: { "CF-Connecting-IP": "198.18.77.7", ...(init.headers as Record<string, string>) } }, testEnv);

describe("second factor over D1 and KV", () => {
  it("of 5 concurrent verifies of one mfa_token (each with its own recovery code), exactly one opens a session", async () => {
    const user = await registerUser(send);
    const auth = { Authorization: `Bearer ${user.access_token}` };
    const { secret } = (await (await send("/auth/mfa/totp/enroll", json({}, { headers: auth }))).json()) as { secret: string };
    const confirm = await send("/auth/mfa/totp/confirm", json({ code: await totpCode(secret, Date.now()) }, { headers: auth }));
    const { recovery_codes } = (await confirm.json()) as { recovery_codes: string[] };
    const login = await send("/auth/login", json({ username: user.username, password: STRONG_PASSWORD }));
    const { mfa_token } = (await login.json()) as { mfa_token: string };
    const answers = await Promise.all(recovery_codes.slice(0, 5).map((recovery_code) => send("/auth/mfa/verify", json({ mfa_token, recovery_code }))));
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 401, 401, 401, 401]);
    for (const loser of answers.filter((r) => r.status === 401)) {
      expect(await loser.json()).toEqual({ error: "invalid_grant", error_description: "The mfa_token is invalid, expired or already used." });
    }
  });
});
