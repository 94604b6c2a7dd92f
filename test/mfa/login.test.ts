// Login with a second factor: a correct password answers mfa_required with a
// single-use mfa_token and no session; /auth/mfa/verify redeems it with a TOTP code (±1 step, each
// step once) or a recovery code (once), in the login's mode. Memory twins and a driven clock.
import { describe, expect, it } from "vitest";
import { json, setCookies } from "../helpers";
import { enrolledUser, mfaApp, mfaToken, password, totpCode } from "./support";

const WRONG_CODE = { error: "invalid_credentials", error_description: "The code is incorrect or was already used." };
const INVALID_MFA_TOKEN = { error: "invalid_grant", error_description: "The mfa_token is invalid, expired or already used." };
const TOKEN_KEYS = ["user", "access_token", "token_type", "expires_in", "refresh_token", "refresh_expires_in"];

const verify = (body: Record<string, unknown>) => json(body);
const outcome = async (r: Response) => [r.status, await r.json()];

describe("login with TOTP", () => {
  it("answers mfa_required with no token and no cookie, then the session for the code", async () => {
    const app = mfaApp();
    const user = await enrolledUser(app);
    const login = await app.send("/auth/login", password(user.username, "cookie"));
    expect([login.status, login.headers.get("Cache-Control"), setCookies(login)]).toEqual([200, "no-store", []]);
    const { mfa_token, ...rest } = (await login.json()) as { mfa_token: string };
    expect(rest).toEqual({ mfa_required: true, factors: ["totp", "recovery_code"] });

    const done = await app.send("/auth/mfa/verify", verify({ mfa_token, code: await totpCode(user.secret, app.clock.ms) }));
    expect(done.status).toBe(200);
    expect(setCookies(done).map((c) => c.split("=")[0])).toEqual(["edge_access", "edge_refresh"]);
    expect(Object.keys((await done.json()) as object)).toEqual(["user", "token_type", "expires_in", "refresh_expires_in"]);
    expect(app.events(user.user.id).slice(-3)).toEqual(["login_success", "mfa_challenge_issued", "mfa_success"]);
  });

  it("accepts the codes of one step either side and refuses two steps away (RFC 6238 §5.2)", async () => {
    const app = mfaApp();
    const user = await enrolledUser(app);
    app.clock.advance(60); // the step before now is not the one the confirmation used
    const at = (steps: number) => totpCode(user.secret, app.clock.ms + steps * 30_000);
    const token = await mfaToken(app, user.username);
    expect(await outcome(await app.send("/auth/mfa/verify", verify({ mfa_token: token, code: await at(-2) })))).toEqual([401, WRONG_CODE]);
    expect(await outcome(await app.send("/auth/mfa/verify", verify({ mfa_token: token, code: await at(2) })))).toEqual([401, WRONG_CODE]);
    // A wrong code does not burn the mfa_token: the right one still redeems it.
    expect((await app.send("/auth/mfa/verify", verify({ mfa_token: token, code: await at(-1) }))).status).toBe(200);
    const second = await mfaToken(app, user.username);
    expect((await app.send("/auth/mfa/verify", verify({ mfa_token: second, code: await at(1) }))).status).toBe(200);
  });

  it("accepts a code once: the same code, or one of an earlier step, is refused after it", async () => {
    const app = mfaApp();
    const user = await enrolledUser(app);
    const code = await totpCode(user.secret, app.clock.ms);
    expect((await app.send("/auth/mfa/verify", verify({ mfa_token: await mfaToken(app, user.username), code }))).status).toBe(200);
    const token = await mfaToken(app, user.username);
    expect(await outcome(await app.send("/auth/mfa/verify", verify({ mfa_token: token, code })))).toEqual([401, WRONG_CODE]);
    expect(await outcome(await app.send("/auth/mfa/verify", verify({ mfa_token: token, code: await totpCode(user.secret, app.clock.ms - 30_000) })))).toEqual([401, WRONG_CODE]);
    app.clock.advance(30);
    expect((await app.send("/auth/mfa/verify", verify({ mfa_token: token, code: await totpCode(user.secret, app.clock.ms) }))).status).toBe(200);
    const failures = app.audit.events.filter((e) => e.event === "mfa_failure").map((e) => e.detail.reason);
    expect(failures).toEqual(["replayed totp code", "replayed totp code"]);
  });

  it("redeems an mfa_token once; a second verify is invalid_grant", async () => {
    const app = mfaApp();
    const user = await enrolledUser(app);
    const token = await mfaToken(app, user.username);
    const first = await app.send("/auth/mfa/verify", verify({ mfa_token: token, code: await totpCode(user.secret, app.clock.ms) }));
    expect([first.status, Object.keys((await first.json()) as object)]).toEqual([200, TOKEN_KEYS]);
    app.clock.advance(30);
    const again = await app.send("/auth/mfa/verify", verify({ mfa_token: token, code: await totpCode(user.secret, app.clock.ms) }));
    expect([again.status, again.headers.get("Cache-Control"), setCookies(again), await again.json()]).toEqual([401, "no-store", [], INVALID_MFA_TOKEN]);
  });

  it("expires an mfa_token after 5 minutes", async () => {
    const app = mfaApp();
    const user = await enrolledUser(app);
    const token = await mfaToken(app, user.username);
    app.clock.advance(300);
    expect(await outcome(await app.send("/auth/mfa/verify", verify({ mfa_token: token, code: await totpCode(user.secret, app.clock.ms) })))).toEqual([401, INVALID_MFA_TOKEN]);
  });

  it("binds the mfa_token to the password check: a logout-all since voids it", async () => {
    const app = mfaApp();
    const user = await enrolledUser(app);
    const token = await mfaToken(app, user.username);
    // The registration's session (before TOTP) ends every session: token_version moves on.
    expect((await app.send("/auth/logout", json({ all: true }, { headers: { Authorization: `Bearer ${user.access_token}` } }))).status).toBe(204);
    expect(await outcome(await app.send("/auth/mfa/verify", verify({ mfa_token: token, code: await totpCode(user.secret, app.clock.ms) })))).toEqual([401, INVALID_MFA_TOKEN]);
  });

  it("answers in the login's mode; a verify asking for the other mode is refused", async () => {
    const app = mfaApp();
    const user = await enrolledUser(app);
    const token = await mfaToken(app, user.username, "cookie");
    expect(await outcome(await app.send("/auth/mfa/verify", verify({ mfa_token: token, code: await totpCode(user.secret, app.clock.ms), mode: "token" })))).toEqual([
      400,
      { error: "invalid_request", error_description: "The request has invalid fields.", fields: { mode: 'Must be "cookie", the mode of the login that issued this mfa_token.' } },
    ]);
  });
});

describe("login with a recovery code", () => {
  it("accepts each code once (any case, with or without dashes) and audits its use", async () => {
    const app = mfaApp();
    const user = await enrolledUser(app);
    const code = user.recoveryCodes[3]!;
    const typed = code.replaceAll("-", "").toLowerCase();
    const done = await app.send("/auth/mfa/verify", verify({ mfa_token: await mfaToken(app, user.username), recovery_code: typed }));
    expect([done.status, Object.keys((await done.json()) as object)]).toEqual([200, TOKEN_KEYS]);
    expect(await outcome(await app.send("/auth/mfa/verify", verify({ mfa_token: await mfaToken(app, user.username), recovery_code: code })))).toEqual([401, WRONG_CODE]);
    expect(app.events(user.user.id).filter((e) => e.startsWith("mfa_recovery") || e === "mfa_failure")).toEqual(["mfa_recovery_code_used", "mfa_failure"]);
  });

  it("refuses another user's recovery code", async () => {
    const app = mfaApp();
    const [alice, bob] = [await enrolledUser(app), await enrolledUser(app)];
    expect(await outcome(await app.send("/auth/mfa/verify", verify({ mfa_token: await mfaToken(app, alice.username), recovery_code: bob.recoveryCodes[0] })))).toEqual([401, WRONG_CODE]);
    // ...which stays unused for its owner.
    expect((await app.send("/auth/mfa/verify", verify({ mfa_token: await mfaToken(app, bob.username), recovery_code: bob.recoveryCodes[0] }))).status).toBe(200);
  });
});

describe("wrong codes: the lockout's rules", () => {
  it("locks the user's codes for 30 s after five failures, even for the right code, then lets it in", async () => {
    const app = mfaApp();
    const user = await enrolledUser(app);
    const token = await mfaToken(app, user.username);
    const wrong = await totpCode(user.secret, app.clock.ms + 90_000);
    for (let i = 0; i < 5; i++) expect(await outcome(await app.send("/auth/mfa/verify", verify({ mfa_token: token, code: wrong })))).toEqual([401, WRONG_CODE]);
    const locked = await app.send("/auth/mfa/verify", verify({ mfa_token: token, code: await totpCode(user.secret, app.clock.ms) }));
    expect([locked.status, locked.headers.get("Retry-After"), await locked.json()]).toEqual([429, "30", { error: "rate_limited", error_description: "Too many requests. Try again later." }]);
    // The password's counter is another one: the password still answers the second step.
    const relogin = await app.send("/auth/login", password(user.username));
    expect([relogin.status, ((await relogin.json()) as { mfa_required?: boolean }).mfa_required]).toEqual([200, true]);
    app.clock.advance(30);
    expect((await app.send("/auth/mfa/verify", verify({ mfa_token: token, code: await totpCode(user.secret, app.clock.ms) }))).status).toBe(200);
    expect(app.events(user.user.id).filter((e) => e === "mfa_failure" || e === "lockout")).toEqual(["mfa_failure", "mfa_failure", "mfa_failure", "mfa_failure", "mfa_failure", "lockout"]);
  });
});
