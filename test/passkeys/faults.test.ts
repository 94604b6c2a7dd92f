// Storage faults on the passkey routes (injected through the ports, as test/security/faults.test.ts
// does): every one answers 503 with Retry-After, no token and no cookie, and leaves no passkey
// half-registered, no counter moved and no passkey half-removed.
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { defaultStores } from "../../src/runtime";
import { guardStorage } from "../../src/storage/guard";
import type { AllStores } from "../../src/storage/ports";
import { json, registerUser, setCookies, testEnv } from "../helpers";
import { SoftAuthenticator } from "./authenticator";
import { bearer, loginOptions, ORIGIN, passkeyClient, RP_ENV, userWithPasskey } from "./support";

const UNAVAILABLE = { error: "temporarily_unavailable", error_description: "The service is temporarily unavailable. Try again shortly." };

/** The real worker with `fault` (e.g. "passkeys.add") failing the way a failing binding does. */
function faultyClient(fault: `${"passkeys" | "challenges"}.${string}`) {
  const stores = defaultStores(RP_ENV);
  const [port, method] = fault.split(".") as [keyof AllStores, string];
  (stores[port] as unknown as Record<string, unknown>)[method] = () => guardStorage(fault, () => Promise.reject(new Error("injected fault")));
  const app = createApp({ stores: () => stores });
  return (path: string, init: RequestInit = {}) =>
    app.request(`https://auth.test.example${path}`, { ...init, headers: { "CF-Connecting-IP": "198.51.100.77", ...(init.headers as Record<string, string>) } }, RP_ENV);
}

async function expectUnavailable(response: Response) {
  expect(response.status).toBe(503);
  expect(response.headers.get("Retry-After")).toBe("5");
  expect(setCookies(response)).toEqual([]);
  expect(await response.json()).toEqual(UNAVAILABLE);
}

const passkeyRows = async (userId: string) => (await testEnv.DB.prepare("SELECT id, sign_count FROM passkeys WHERE user_id = ?").bind(userId).all()).results;

describe("passkey storage faults", () => {
  it("registration: a failing KV write or D1 insert answers 503 and stores nothing", async () => {
    const { request } = passkeyClient();
    const user = await registerUser(request);
    await expectUnavailable(await faultyClient("challenges.put")("/auth/passkeys/register/options", { method: "POST", headers: bearer(user.access_token) }));
    for (const fault of ["passkeys.add", "passkeys.spendChallenge", "challenges.get"] as const) {
      const options = await (await request("/auth/passkeys/register/options", { method: "POST", headers: bearer(user.access_token) })).json<{ challenge: string; rp: { id: string }; user: { id: string } }>();
      const credential = await new SoftAuthenticator(ORIGIN).create(options);
      await expectUnavailable(await faultyClient(fault)("/auth/passkeys/register/verify", json({ credential }, { headers: bearer(user.access_token) })));
    }
    expect(await passkeyRows(user.user.id)).toEqual([]);
    const audit = await testEnv.DB.prepare("SELECT COUNT(*) AS n FROM audit_events WHERE user_id = ? AND event = 'passkey_registered'").bind(user.user.id).first();
    expect(audit).toEqual({ n: 0 });
  });

  it("login: a failing read, spend or counter update answers 503 with no session and the counter where it was", async () => {
    const { request } = passkeyClient();
    const { user, authenticator, credential } = await userWithPasskey(request);
    await expectUnavailable(await faultyClient("challenges.put")("/auth/passkeys/login/options", json({})));
    for (const fault of ["challenges.get", "passkeys.find", "passkeys.spendChallenge", "passkeys.recordUse"] as const) {
      const assertion = await authenticator.get(await loginOptions(request));
      await expectUnavailable(await faultyClient(fault)("/auth/passkeys/login/verify", json({ credential: assertion })));
    }
    expect(await passkeyRows(user.user.id)).toEqual([{ id: credential.id, sign_count: 0 }]);
  });

  it("list and removal: 503, and the passkey stays", async () => {
    const { request } = passkeyClient();
    const { user, credential } = await userWithPasskey(request);
    await expectUnavailable(await faultyClient("passkeys.list")("/auth/passkeys", { headers: bearer(user.access_token) }));
    await expectUnavailable(await faultyClient("passkeys.remove")(`/auth/passkeys/${credential.id}`, { method: "DELETE", headers: bearer(user.access_token) }));
    expect(await passkeyRows(user.user.id)).toEqual([{ id: credential.id, sign_count: 0 }]);
  });
});
