// Every refusal of a passkey ceremony, with its exact answer: replayed challenges, another user's
// credential, a wrong origin or RP ID, a counter that goes backwards, missing user verification,
// a tampered signature, lapsed challenges, and malformed WebAuthn payloads (400, never a 500).
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { memorySessionStore, memoryUserStore } from "../../src/storage/memory";
import { memoryChallengeStore, memoryPasskeyStore } from "../../src/storage/memory-passkeys";
import { makeAdmin, patch } from "../admin/support";
import { json, registerUser, testEnv, TestClock } from "../helpers";
import { b64url, FLAGS, fromB64url, SoftAuthenticator } from "./authenticator";
import { bearer, LOGIN_REFUSED, loginOptions, ORIGIN, passkeyClient, REGISTRATION_REFUSED, RP_ENV, userWithPasskey } from "./support";

type Request = ReturnType<typeof passkeyClient>["request"];

const verifyLogin = (request: Request, credential: unknown) => request("/auth/passkeys/login/verify", json({ credential }));

async function failureReasons(userId: string): Promise<string[]> {
  const rows = await testEnv.DB.prepare("SELECT detail FROM audit_events WHERE user_id = ? AND event = 'passkey_login_failure' ORDER BY id").bind(userId).all<{ detail: string }>();
  return rows.results.map((r) => (JSON.parse(r.detail) as { reason: string }).reason);
}

async function expectLoginRefused(response: Response) {
  expect(response.status).toBe(401);
  expect(response.headers.get("Cache-Control")).toBe("no-store");
  expect(await response.json()).toEqual(LOGIN_REFUSED);
}

describe("passkey login refusals", () => {
  it("refuses a replayed assertion: its challenge was spent", async () => {
    const { request } = passkeyClient();
    const { user, authenticator } = await userWithPasskey(request);
    const assertion = await authenticator.get(await loginOptions(request));
    expect((await verifyLogin(request, assertion)).status).toBe(200);
    await expectLoginRefused(await verifyLogin(request, assertion));
    expect(await failureReasons(user.user.id)).toEqual(["challenge already used"]);
  });

  it("refuses a counter that goes backwards and keeps the stored one", async () => {
    const { request } = passkeyClient();
    const { user, authenticator, credential } = await userWithPasskey(request, new SoftAuthenticator(ORIGIN, 5));
    expect((await verifyLogin(request, await authenticator.get(await loginOptions(request)))).status).toBe(200);
    await expectLoginRefused(await verifyLogin(request, await authenticator.get(await loginOptions(request), undefined, { counter: 3 })));
    await expectLoginRefused(await verifyLogin(request, await authenticator.get(await loginOptions(request), undefined, { counter: 5 })));
    expect(await testEnv.DB.prepare("SELECT sign_count FROM passkeys WHERE id = ?").bind(credential.id).first()).toEqual({ sign_count: 5 });
    expect(await failureReasons(user.user.id)).toEqual(["signature counter 3 not above 5", "signature counter 5 not above 5"]);
  });

  it("refuses a wrong origin, a wrong RP ID, a registration client data, a cross-origin ceremony and missing user verification", async () => {
    const { request } = passkeyClient();
    const { user, authenticator } = await userWithPasskey(request);
    const cases = [
      { origin: "https://evil.example" },
      { rpId: "evil.example" },
      { type: "webauthn.create" },
      { crossOrigin: true },
      { flags: FLAGS.UP | FLAGS.BE },
      { flags: FLAGS.UV },
    ];
    for (const overrides of cases) await expectLoginRefused(await verifyLogin(request, await authenticator.get(await loginOptions(request), undefined, overrides)));
    expect(await failureReasons(user.user.id)).toEqual([
      "origin https://evil.example not allowed", "rpIdHash is not this RP ID", "client data type webauthn.create", "cross-origin ceremony", "user not verified", "user not present",
    ]);
  });

  it("refuses a user handle that is not the credential owner's, a tampered signature, and a usernameless assertion without a user handle", async () => {
    const { request } = passkeyClient();
    const owner = await userWithPasskey(request);
    const other = await registerUser(request);
    await expectLoginRefused(await verifyLogin(request, await owner.authenticator.get(await loginOptions(request), undefined, { userHandle: b64url(new TextEncoder().encode(other.user.id)) })));
    const assertion = await owner.authenticator.get(await loginOptions(request));
    const signature = fromB64url(assertion.response.signature);
    signature[signature.length - 1]! ^= 1;
    await expectLoginRefused(await verifyLogin(request, { ...assertion, response: { ...assertion.response, signature: b64url(signature) } }));
    await expectLoginRefused(await verifyLogin(request, await owner.authenticator.get(await loginOptions(request), undefined, { userHandle: null })));
    expect(await failureReasons(owner.user.user.id)).toEqual(["user handle is not the credential's", "signature invalid", "no user handle in a usernameless login"]);
  });

  it("refuses a challenge it never issued, one issued for a registration, and an unknown credential", async () => {
    const { request } = passkeyClient();
    const { user, authenticator } = await userWithPasskey(request);
    await expectLoginRefused(await verifyLogin(request, await authenticator.get({ challenge: b64url(crypto.getRandomValues(new Uint8Array(32))), rpId: "test.example" })));
    const registration = await (await request("/auth/passkeys/register/options", { method: "POST", headers: bearer(user.access_token) })).json<{ challenge: string }>();
    await expectLoginRefused(await verifyLogin(request, await authenticator.get({ challenge: registration.challenge, rpId: "test.example" })));
    const stranger = new SoftAuthenticator(ORIGIN);
    await stranger.create({ challenge: "AAAA", rp: { id: "test.example" }, user: { id: "AAAA" } });
    await expectLoginRefused(await verifyLogin(request, await stranger.get(await loginOptions(request))));
    expect(await failureReasons(user.user.id)).toEqual(["challenge unknown, expired or of another ceremony", "challenge unknown, expired or of another ceremony"]);
  });

  it("refuses the passkey of a disabled account", async () => {
    const { request } = passkeyClient();
    const { user, authenticator } = await userWithPasskey(request);
    const admin = await makeAdmin();
    expect((await admin.as(`/admin/users/${user.user.id}`, patch({ is_active: false }))).status).toBe(200);
    await expectLoginRefused(await verifyLogin(request, await authenticator.get(await loginOptions(request))));
    expect(await failureReasons(user.user.id)).toEqual(["inactive account"]);
  });

  it("refuses a challenge past its five minutes (memory twins, a controlled clock)", async () => {
    const clock = new TestClock();
    const users = memoryUserStore();
    const stores = { users, sessions: memorySessionStore(clock.now), passkeys: memoryPasskeyStore(), challenges: memoryChallengeStore(clock.now) };
    const app = createApp({ clock: clock.now, stores: () => stores });
    const request = async (path: string, init?: RequestInit) => app.request(`https://auth.test.example${path}`, init, RP_ENV);
    const { authenticator } = await userWithPasskey(request);
    const options = await loginOptions(request);
    clock.advance(299);
    const inTime = await authenticator.get(options);
    expect((await verifyLogin(request, inTime)).status).toBe(200);
    const late = await loginOptions(request);
    clock.advance(300);
    await expectLoginRefused(await verifyLogin(request, await authenticator.get(late)));
  });
});

describe("passkey registration refusals", () => {
  async function registrationOf(request: Request, token: string) {
    return (await request("/auth/passkeys/register/options", { method: "POST", headers: bearer(token) })).json<{ challenge: string; rp: { id: string }; user: { id: string } }>();
  }
  const register = (request: Request, token: string, credential: unknown) => request("/auth/passkeys/register/verify", json({ credential }, { headers: bearer(token) }));

  it("refuses a replayed attestation, a challenge issued to another user, a wrong origin or RP ID, and no user verification; nothing is stored", async () => {
    const { request } = passkeyClient();
    const user = await registerUser(request);
    const other = await registerUser(request);
    const authenticator = new SoftAuthenticator(ORIGIN);
    const credential = await authenticator.create(await registrationOf(request, user.access_token));
    expect((await register(request, user.access_token, credential)).status).toBe(201);
    const refusals = [
      credential,
      await authenticator.create(await registrationOf(request, other.access_token)),
      await authenticator.create(await registrationOf(request, user.access_token), { origin: "https://evil.example" }),
      await authenticator.create(await registrationOf(request, user.access_token), { rpId: "evil.example" }),
      await authenticator.create(await registrationOf(request, user.access_token), { flags: FLAGS.UP | FLAGS.AT }),
      await authenticator.create(await registrationOf(request, user.access_token), { flags: FLAGS.UP | FLAGS.UV | FLAGS.BS | FLAGS.AT }),
      await authenticator.create(await registrationOf(request, user.access_token), { type: "webauthn.get" }),
    ];
    for (const refused of refusals) {
      const response = await register(request, user.access_token, refused);
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual(REGISTRATION_REFUSED);
    }
    const count = await testEnv.DB.prepare("SELECT COUNT(*) AS n FROM passkeys WHERE user_id IN (?, ?)").bind(user.user.id, other.user.id).first();
    expect(count).toEqual({ n: 1 });
  });

  it("answers 409 for a credential id already registered", async () => {
    const { request } = passkeyClient();
    const { user, credential } = await userWithPasskey(request);
    const options = await registrationOf(request, user.access_token);
    const again = await new SoftAuthenticator(ORIGIN).create(options);
    const response = await register(request, user.access_token, { ...again, id: credential.id, rawId: credential.id });
    // The attested id must be the reported one: a swapped id is a failed ceremony, not a duplicate.
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual(REGISTRATION_REFUSED);
  });
});

describe("malformed WebAuthn payloads", () => {
  const FIELDS = (message: string) => ({ error: "invalid_request", error_description: "The request has invalid fields.", fields: { credential: message } });

  it("answers 400 naming credential for each malformed assertion, before any challenge is spent", async () => {
    const { request } = passkeyClient();
    const { authenticator } = await userWithPasskey(request);
    const good = await authenticator.get(await loginOptions(request));
    const cases: [unknown, string][] = [
      [undefined, "Must be the JSON of a PublicKeyCredential."],
      ["text", "Must be the JSON of a PublicKeyCredential."],
      [{ ...good, type: "password" }, 'Must be "public-key".'],
      [{ ...good, id: "not base64url!" }, "Must be base64url without padding."],
      [{ ...good, rawId: "AAAA" }, "rawId must equal id."],
      [{ ...good, response: { ...good.response, signature: undefined } }, "Must be a base64url string."],
      [{ ...good, response: { ...good.response, clientDataJSON: b64url(new TextEncoder().encode("{not json")) } }, "response.clientDataJSON is not WebAuthn client data."],
      [{ ...good, response: { ...good.response, authenticatorData: "AAAA" } }, "response.authenticatorData is not WebAuthn authenticator data."],
      [{ ...good, response: { ...good.response, signature: "x".repeat(2049) } }, "Ensure this field has no more than 2048 characters."],
    ];
    for (const [credential, message] of cases) {
      const response = await request("/auth/passkeys/login/verify", json({ credential }));
      expect(response.status, message).toBe(400);
      expect(await response.json()).toEqual(FIELDS(message));
    }
    // None of them spent the challenge: the well-formed assertion still signs in.
    expect((await verifyLogin(request, good)).status).toBe(200);
  });

  it("answers 400 naming credential for a malformed attestation", async () => {
    const { request } = passkeyClient();
    const user = await registerUser(request);
    const options = await (await request("/auth/passkeys/register/options", { method: "POST", headers: bearer(user.access_token) })).json<{ challenge: string; rp: { id: string }; user: { id: string } }>();
    const good = await new SoftAuthenticator(ORIGIN).create(options);
    const cases: [unknown, string][] = [
      [{ ...good, response: { ...good.response, attestationObject: "AAAA" } }, "response.attestationObject is not CBOR."],
      [{ ...good, response: { ...good.response, attestationObject: b64url(Uint8Array.of(0xa0)) } }, "response.attestationObject has no authData."],
      [{ ...good, response: { clientDataJSON: good.response.clientDataJSON } }, "Must be a base64url string."],
    ];
    for (const [credential, message] of cases) {
      const response = await request("/auth/passkeys/register/verify", json({ credential }, { headers: bearer(user.access_token) }));
      expect(response.status, message).toBe(400);
      expect(await response.json()).toEqual(FIELDS(message));
    }
  });
});

describe("passkey throttling", () => {
  it("answers 429 with Retry-After once a client is over its limit, on options and verify alike", async () => {
    const limited = { perClient: { allow: async (key: string) => !key.startsWith("passkey:") }, perIdentifier: { allow: async () => true }, refreshPerClient: { allow: async () => true }, refreshPerSession: { allow: async () => true } };
    const app = createApp({ rateLimits: () => limited });
    const request = (path: string, init?: RequestInit) => app.request(`https://auth.test.example${path}`, init, RP_ENV);
    const credential = { id: "AAAA", type: "public-key", response: { clientDataJSON: "AAAA", authenticatorData: "AAAA", signature: "AAAA" } };
    for (const [path, body] of [["/auth/passkeys/login/options", {}], ["/auth/passkeys/login/verify", { credential }]] as const) {
      const response = await request(path, json(body));
      expect(response.status, path).toBe(429);
      expect(response.headers.get("Retry-After")).toBe("60");
      expect(await response.json()).toEqual({ error: "rate_limited", error_description: "Too many requests. Try again later." });
    }
  });
});
