// The second step and passkeys in edge-auth/client: the mfa_token stays in memory, the bodies are
// the API's (docs/mfa.md, docs/passkeys.md), WebAuthn's binary members cross as base64url, a step
// is never retried, and cookie mode stores nothing.
import { describe, expect, it, onTestFinished, vi } from "vitest";
import { AuthError, createAuthClient, MFA_TOKEN_TTL_MS, RateLimitedError, type CredentialsLike } from "../../src/client/index";
import { fromBase64Url, toBase64Url } from "../../src/client/webauthn-json";
import { apiError, fakeService, json, recordingStorage, tokens, user } from "./fake-service";

const BASE = "https://auth.example.com";
const MFA = { mfa_required: true, mfa_token: "mfa-token-1", factors: ["totp", "passkey", "recovery_code"] };
const bytes = (...values: number[]) => new Uint8Array(values).buffer;

/** A stand-in authenticator: records the options it was given and answers fixed bytes. */
function fakeAuthenticator() {
  const calls: { kind: string; publicKey: Record<string, unknown> }[] = [];
  const common = { id: "AQID", rawId: bytes(1, 2, 3), type: "public-key", authenticatorAttachment: "platform", getClientExtensionResults: () => ({}) };
  const credentials: CredentialsLike = {
    create: async ({ publicKey }) => {
      calls.push({ kind: "create", publicKey });
      return { ...common, response: { clientDataJSON: bytes(123, 125), attestationObject: bytes(0xa0), getTransports: () => ["internal"] } };
    },
    get: async ({ publicKey }) => {
      calls.push({ kind: "get", publicKey });
      return { ...common, response: { clientDataJSON: bytes(123, 125), authenticatorData: bytes(9, 9), signature: bytes(0xff, 0xfe), userHandle: bytes(7) } };
    },
  };
  return { credentials, calls };
}

describe("edge-auth/client second step", () => {
  it("token mode: login answers mfaRequired with no session; verifyMfa({ code }) sends the API's body once and signs in", async () => {
    const service = fakeService({ "POST /auth/login": () => json(MFA), "POST /auth/mfa/verify": () => json(tokens(1)) });
    const storage = recordingStorage();
    const auth = createAuthClient({ baseUrl: BASE, mode: "token", fetch: service.fetch, storage });
    const signedIn = vi.fn();
    auth.on("signedIn", signedIn);
    expect(await auth.login({ identifier: "ada", password: "pw" })).toEqual({ mfaRequired: true, factors: ["totp", "passkey", "recovery_code"] });
    expect({ user: auth.user, pending: auth.mfaPending, writes: storage.writes, events: signedIn.mock.calls.length }).toEqual({ user: null, pending: true, writes: [], events: 0 });
    expect(await auth.verifyMfa({ code: "123456" })).toEqual({ user: user() });
    expect(service.seen.at(-1)).toMatchObject({ method: "POST", path: "/auth/mfa/verify", authorization: null, body: { mfa_token: "mfa-token-1", code: "123456", mode: "token" } });
    expect({ pending: auth.mfaPending, events: signedIn.mock.calls.length, writes: storage.writes }).toEqual({ pending: false, events: 1, writes: [`set edge-auth:${BASE}`] });
    // The mfa_token is in no stored record.
    expect([...storage.items.values()].join()).not.toContain("mfa-token-1");
  });

  it("cookie mode: the whole second step touches no storage, sends credentials and mode cookie", async () => {
    const service = fakeService({ "POST /auth/login": () => json(MFA), "POST /auth/mfa/verify": () => json(tokens(1, { mode: "cookie" })) });
    const storage = recordingStorage(true);
    const auth = createAuthClient({ baseUrl: BASE, mode: "cookie", fetch: service.fetch, storage, autoRefresh: false });
    await auth.login({ identifier: "ada", password: "pw" });
    await auth.verifyMfa({ recoveryCode: "ABCD-EFGH-IJKL-MNOP" });
    expect(service.seen.map((s) => [s.path, s.credentials, s.body])).toEqual([
      ["/auth/login", "include", { identifier: "ada", password: "pw", mode: "cookie" }],
      ["/auth/mfa/verify", "include", { mfa_token: "mfa-token-1", recovery_code: "ABCD-EFGH-IJKL-MNOP", mode: "cookie" }],
    ]);
    expect({ writes: storage.writes, user: auth.user?.username }).toEqual({ writes: [], user: "ada" });
    auth.close();
  });

  it("a wrong code keeps the step open; invalid_grant (spent or expired token) closes it; a 429 is not retried", async () => {
    const service = fakeService({
      "POST /auth/login": () => json(MFA),
      "POST /auth/mfa/verify": (_seen, n) => (n === 1 ? apiError(401, "invalid_credentials") : n === 2 ? apiError(429, "rate_limited", { "Retry-After": "30" }) : apiError(401, "invalid_grant")),
    });
    const auth = createAuthClient({ baseUrl: BASE, mode: "token", fetch: service.fetch });
    await auth.login({ identifier: "ada", password: "pw" });
    await expect(auth.verifyMfa({ code: "000000" })).rejects.toMatchObject({ status: 401, code: "invalid_credentials" });
    expect(auth.mfaPending).toBe(true);
    const limited = await auth.verifyMfa({ code: "111111" }).catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(RateLimitedError);
    expect(limited).toMatchObject({ status: 429, retryAfter: 30 });
    expect(service.count("POST /auth/mfa/verify")).toBe(2);
    await expect(auth.verifyMfa({ code: "222222" })).rejects.toMatchObject({ status: 401, code: "invalid_grant" });
    expect(auth.mfaPending).toBe(false);
    const error = await auth.verifyMfa({ code: "333333" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect(error).toMatchObject({ status: 401, code: "no_second_step" });
    expect(service.count("POST /auth/mfa/verify")).toBe(3);
  });

  it("the mfa_token is forgotten after its 5 minutes: verifyMfa sends nothing", async () => {
    vi.useFakeTimers({ now: Date.UTC(2026, 11, 2, 4), toFake: ["Date"] });
    onTestFinished(() => void vi.useRealTimers());
    const service = fakeService({ "POST /auth/login": () => json(MFA) });
    const auth = createAuthClient({ baseUrl: BASE, mode: "token", fetch: service.fetch });
    await auth.login({ identifier: "ada", password: "pw" });
    vi.setSystemTime(Date.now() + MFA_TOKEN_TTL_MS);
    await expect(auth.verifyMfa({ code: "123456" })).rejects.toMatchObject({ code: "no_second_step" });
    expect(service.count("POST /auth/mfa/verify")).toBe(0);
  });

  it("a password reset of a user with a factor answers the second step too", async () => {
    const service = fakeService({ "POST /auth/password/reset": () => json(MFA) });
    const auth = createAuthClient({ baseUrl: BASE, mode: "token", fetch: service.fetch });
    expect(await auth.resetPassword({ token: "t", newPassword: "a new passphrase" })).toEqual({ mfaRequired: true, factors: MFA.factors });
    expect(auth.mfaPending).toBe(true);
  });
});

describe("edge-auth/client passkeys", () => {
  it("signIn(): options -> credentials.get with ArrayBuffers -> verify with base64url JSON; signs in", async () => {
    const options = { challenge: "AAEC", rpId: "auth.example.com", timeout: 300000, userVerification: "required", allowCredentials: [] };
    const service = fakeService({ "POST /auth/passkeys/login/options": () => json(options), "POST /auth/passkeys/login/verify": () => json(tokens(1)) });
    const { credentials, calls } = fakeAuthenticator();
    const auth = createAuthClient({ baseUrl: BASE, mode: "token", fetch: service.fetch, credentials });
    expect(await auth.passkeys.signIn()).toEqual({ user: user() });
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ kind: "get", publicKey: { rpId: "auth.example.com", userVerification: "required", allowCredentials: [] } });
    expect(new Uint8Array(calls[0]!.publicKey.challenge as ArrayBuffer)).toEqual(new Uint8Array([0, 1, 2]));
    expect(service.seen.map((s) => [s.path, s.body])).toEqual([
      ["/auth/passkeys/login/options", {}],
      [
        "/auth/passkeys/login/verify",
        {
          credential: {
            id: "AQID",
            rawId: "AQID",
            type: "public-key",
            response: { clientDataJSON: "e30", authenticatorData: "CQk", signature: "__4", userHandle: "Bw" },
            authenticatorAttachment: "platform",
            clientExtensionResults: {},
          },
          mode: "token",
        },
      ],
    ]);
    expect(auth.user?.username).toBe("ada");
  });

  it("verifyMfa({ passkey: true }) answers the login's step with an assertion and the mfa_token", async () => {
    const service = fakeService({
      "POST /auth/login": () => json(MFA),
      "POST /auth/passkeys/login/options": () => json({ challenge: "AAEC", allowCredentials: [] }),
      "POST /auth/passkeys/login/verify": () => json(tokens(1, { mode: "cookie" })),
    });
    const auth = createAuthClient({ baseUrl: BASE, mode: "cookie", fetch: service.fetch, credentials: fakeAuthenticator().credentials, autoRefresh: false });
    await auth.login({ identifier: "ada", password: "pw" });
    await auth.verifyMfa({ passkey: true });
    expect(service.seen.at(-1)?.body).toMatchObject({ mfa_token: "mfa-token-1", mode: "cookie", credential: { id: "AQID", response: { userHandle: "Bw" } } });
    expect(auth.mfaPending).toBe(false);
    auth.close();
  });

  it("register(name): creation options with user.id and excluded ids as ArrayBuffers; list and remove", async () => {
    const options = { challenge: "AAEC", rp: { id: "auth.example.com", name: "auth.example.com" }, user: { id: "BAUG", name: "ada", displayName: "ada" }, excludeCredentials: [{ type: "public-key", id: "CAk" }] };
    const passkey = { id: "pk1", name: "Laptop", created_at: "2026-12-02T04:00:00.000Z", last_used_at: null, transports: ["internal"], backed_up: false };
    const service = fakeService({
      "POST /auth/login": () => json(tokens(1)),
      "POST /auth/passkeys/register/options": () => json(options),
      "POST /auth/passkeys/register/verify": () => json({ passkey }, 201),
      "GET /auth/passkeys": () => json({ passkeys: [passkey] }),
      "DELETE /auth/passkeys/pk1": () => new Response(null, { status: 204 }),
    });
    const { credentials, calls } = fakeAuthenticator();
    const auth = createAuthClient({ baseUrl: BASE, mode: "token", fetch: service.fetch, credentials });
    await auth.login({ identifier: "ada", password: "pw" });
    expect(await auth.passkeys.register("Laptop")).toEqual(passkey);
    const publicKey = calls[0]!.publicKey as { user: { id: ArrayBuffer; name: string }; excludeCredentials: { id: ArrayBuffer }[] };
    expect([new Uint8Array(publicKey.user.id), publicKey.user.name, new Uint8Array(publicKey.excludeCredentials[0]!.id)]).toEqual([new Uint8Array([4, 5, 6]), "ada", new Uint8Array([8, 9])]);
    expect(service.seen.find((s) => s.path === "/auth/passkeys/register/verify")).toMatchObject({
      authorization: "Bearer h.eyJzaWQiOiJzaWQtMSJ9.access-1",
      body: { name: "Laptop", credential: { id: "AQID", rawId: "AQID", type: "public-key", response: { clientDataJSON: "e30", attestationObject: "oA", transports: ["internal"] } } },
    });
    expect(await auth.passkeys.list()).toEqual([passkey]);
    await auth.passkeys.remove("pk1");
    expect(service.count("DELETE /auth/passkeys/pk1")).toBe(1);
  });

  it("without navigator.credentials a passkey call is a typed error and sends nothing to verify", async () => {
    const service = fakeService({ "POST /auth/passkeys/login/options": () => json({ challenge: "AAEC" }) });
    const auth = createAuthClient({ baseUrl: BASE, mode: "token", fetch: service.fetch });
    await expect(auth.passkeys.signIn()).rejects.toMatchObject({ code: "webauthn_unavailable" });
    expect(service.count("POST /auth/passkeys/login/verify")).toBe(0);
  });
});

describe("edge-auth/client TOTP and recovery codes", () => {
  it("enroll, confirm (the recovery codes), regenerate and disable send the API's bodies with the session", async () => {
    const enrollment = { secret: "JBSWY3DPEHPK3PXP", otpauth_uri: "otpauth://totp/x", qr_svg: "<svg/>" };
    const codes = Array.from({ length: 10 }, (_, i) => `CODE-${i}`);
    const service = fakeService({
      "POST /auth/login": () => json(tokens(1)),
      "POST /auth/mfa/totp/enroll": () => json(enrollment),
      "POST /auth/mfa/totp/confirm": () => json({ recovery_codes: codes }),
      "POST /auth/mfa/recovery-codes": () => json({ recovery_codes: codes.slice().reverse() }),
      "DELETE /auth/mfa/totp": () => new Response(null, { status: 204 }),
    });
    const auth = createAuthClient({ baseUrl: BASE, mode: "token", fetch: service.fetch });
    await auth.login({ identifier: "ada", password: "pw" });
    expect(await auth.totp.enroll()).toEqual(enrollment);
    expect(await auth.totp.confirm("123456")).toEqual(codes);
    expect(await auth.recoveryCodes.regenerate({ code: "654321" })).toEqual(codes.slice().reverse());
    await auth.totp.disable({ password: "pw" });
    expect(service.seen.slice(1).map((s) => [s.method, s.path, s.authorization !== null, s.body])).toEqual([
      ["POST", "/auth/mfa/totp/enroll", true, {}],
      ["POST", "/auth/mfa/totp/confirm", true, { code: "123456" }],
      ["POST", "/auth/mfa/recovery-codes", true, { code: "654321" }],
      ["DELETE", "/auth/mfa/totp", true, { password: "pw" }],
    ]);
  });

  it("base64url round-trips every byte value without padding, and refuses other alphabets", () => {
    const all = new Uint8Array(256).map((_, i) => i);
    const text = toBase64Url(all);
    expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(new Uint8Array(fromBase64Url(text))).toEqual(all);
    expect(() => fromBase64Url("a+b/")).toThrow(TypeError);
  });
});
