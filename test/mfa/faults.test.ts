// Storage faults in the second factor's paths (as test/security/faults.test.ts injects them: a port
// method that fails the way a failing binding does, through guardStorage): every one answers 503 +
// Retry-After with no token and no cookie, never bypasses the second step, and leaves no
// half-enabled factor; what a later retry finds is stated per case.
import { describe, expect, it } from "vitest";
import { guardStorage } from "../../src/storage/guard";
import { memoryMfaStore } from "../../src/storage/memory-mfa";
import { memorySessionStore } from "../../src/storage/memory";
import { json, registerUser, setCookies, STRONG_PASSWORD, TestClock } from "../helpers";
import { bearer, enrolledUser, mfaApp, mfaToken, password, totpCode } from "./support";

const UNAVAILABLE = { error: "temporarily_unavailable", error_description: "The service is temporarily unavailable. Try again shortly." };

/** An app whose MfaStore and SessionStore methods fail while named in `faults`. */
function faultyApp() {
  const clock = new TestClock(Date.UTC(2026, 10, 25, 12, 0, 10));
  const faults = new Set<string>();
  const wrap = <T extends object>(name: string, store: T): T => {
    for (const [method, fn] of Object.entries(store)) {
      if (typeof fn !== "function") continue;
      (store as Record<string, unknown>)[method] = (...args: unknown[]) =>
        faults.has(`${name}.${method}`) ? guardStorage(`${name}.${method}`, () => Promise.reject(new Error("injected fault"))) : fn(...args);
    }
    return store;
  };
  const mfa = wrap("mfa", memoryMfaStore());
  const app = mfaApp(clock, { mfa, sessions: wrap("sessions", memorySessionStore(clock.now)) });
  return { ...app, mfa, faults };
}

async function expectUnavailable(response: Response) {
  expect([response.status, response.headers.get("Retry-After"), setCookies(response), await response.json()]).toEqual([503, "5", [], UNAVAILABLE]);
}

describe("storage faults in enrollment: nothing is half-enabled", () => {
  it.each(["mfa.findTotp", "mfa.confirmTotp"])("confirm with %s failing: 503, TOTP stays off, no recovery codes", async (fault) => {
    const app = faultyApp();
    const user = await registerUser(app.send);
    const { secret } = (await (await app.send("/auth/mfa/totp/enroll", bearer(user.access_token))).json()) as { secret: string };
    app.faults.add(fault);
    await expectUnavailable(await app.send("/auth/mfa/totp/confirm", bearer(user.access_token, { code: await totpCode(secret, app.clock.ms) })));
    app.faults.clear();
    expect(await app.mfa.factors(user.user.id)).toEqual({ totp: false, recoveryCodes: 0 });
    const login = await app.send("/auth/login", password(user.username));
    expect(Object.keys((await login.json()) as object)).toContain("access_token");
  });

  it("enroll with mfa.putPendingTotp failing: 503 and no pending secret", async () => {
    const app = faultyApp();
    const user = await registerUser(app.send);
    app.faults.add("mfa.putPendingTotp");
    await expectUnavailable(await app.send("/auth/mfa/totp/enroll", bearer(user.access_token)));
    expect(app.mfa.totp.size).toBe(0);
  });

  it.each([
    ["disable", "mfa.removeTotp", (t: string) => bearer(t, { password: STRONG_PASSWORD }, "DELETE"), "/auth/mfa/totp"],
    ["regenerate", "mfa.replaceRecoveryCodes", (t: string) => bearer(t, { password: STRONG_PASSWORD }), "/auth/mfa/recovery-codes"],
  ] as const)("%s with %s failing: 503, the factor and its old codes still hold", async (_name, fault, init, path) => {
    const app = faultyApp();
    const user = await enrolledUser(app);
    app.faults.add(fault);
    await expectUnavailable(await app.send(path, init(user.access_token)));
    app.faults.clear();
    expect(await app.mfa.factors(user.user.id)).toEqual({ totp: true, recoveryCodes: 10 });
  });
});

describe("storage faults in the login's second step: never a session without it", () => {
  it.each(["mfa.factors", "mfa.issueChallenge"])("login with %s failing: 503, no token, no cookie (not a password-only session)", async (fault) => {
    const app = faultyApp();
    const user = await enrolledUser(app);
    app.faults.add(fault);
    await expectUnavailable(await app.send("/auth/login", password(user.username, "cookie")));
  });

  it("a profile's login with mfa.factors failing: 503 in its dialect, not a password-only session", async () => {
    const app = faultyApp();
    const user = await enrolledUser(app);
    app.faults.add("mfa.factors");
    const response = await app.send("/api/v1/auth/login", json({ username: user.username, password: STRONG_PASSWORD }));
    expect([response.status, await response.json()]).toEqual([503, { error: "service_unavailable", message: UNAVAILABLE.error_description, code: 503 }]);
  });

  it.each(["mfa.findChallenge", "mfa.findTotp", "mfa.acceptTotpStep"])("verify with %s failing: 503, and the mfa_token still redeems afterwards", async (fault) => {
    const app = faultyApp();
    const user = await enrolledUser(app);
    const token = await mfaToken(app, user.username);
    const code = await totpCode(user.secret, app.clock.ms);
    app.faults.add(fault);
    await expectUnavailable(await app.send("/auth/mfa/verify", json({ mfa_token: token, code })));
    app.faults.clear();
    expect((await app.send("/auth/mfa/verify", json({ mfa_token: token, code }))).status).toBe(200);
  });

  it("verify with mfa.useRecoveryCode failing: 503, and the recovery code is still unused", async () => {
    const app = faultyApp();
    const user = await enrolledUser(app);
    const token = await mfaToken(app, user.username);
    app.faults.add("mfa.useRecoveryCode");
    await expectUnavailable(await app.send("/auth/mfa/verify", json({ mfa_token: token, recovery_code: user.recoveryCodes[0] })));
    app.faults.clear();
    expect((await app.send("/auth/mfa/verify", json({ mfa_token: token, recovery_code: user.recoveryCodes[0] }))).status).toBe(200);
  });

  it("verify with mfa.consumeChallenge failing: 503; the code's step is spent, the next step's code redeems the token", async () => {
    const app = faultyApp();
    const user = await enrolledUser(app);
    const token = await mfaToken(app, user.username);
    app.faults.add("mfa.consumeChallenge");
    await expectUnavailable(await app.send("/auth/mfa/verify", json({ mfa_token: token, code: await totpCode(user.secret, app.clock.ms) })));
    app.faults.clear();
    expect((await app.send("/auth/mfa/verify", json({ mfa_token: token, code: await totpCode(user.secret, app.clock.ms) }))).status).toBe(401);
    app.clock.advance(30);
    expect((await app.send("/auth/mfa/verify", json({ mfa_token: token, code: await totpCode(user.secret, app.clock.ms) }))).status).toBe(200);
  });

  it("verify with sessions.put (KV) failing: 503 and no session; the consumed mfa_token means logging in again", async () => {
    const app = faultyApp();
    const user = await enrolledUser(app);
    const token = await mfaToken(app, user.username);
    app.faults.add("sessions.put");
    await expectUnavailable(await app.send("/auth/mfa/verify", json({ mfa_token: token, code: await totpCode(user.secret, app.clock.ms) })));
    app.faults.clear();
    app.clock.advance(30);
    expect((await app.send("/auth/mfa/verify", json({ mfa_token: token, code: await totpCode(user.secret, app.clock.ms) }))).status).toBe(401);
    const again = await mfaToken(app, user.username);
    expect((await app.send("/auth/mfa/verify", json({ mfa_token: again, code: await totpCode(user.secret, app.clock.ms + 30_000) }))).status).toBe(200);
  });
});
