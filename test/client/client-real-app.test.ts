// edge-auth/client against the real app in workerd (real local D1 and KV): the client's requests
// are the API's, token mode end to end. The built package against a real worker over HTTP, with
// an access token that expires: test/e2e/client.test.ts.
import { describe, expect, it } from "vitest";
import type { PublicUser } from "../../src/accounts/user";
import { createAuthClient, type FetchLike, type Passkey, type Session, type TotpEnrollment, type User } from "../../src/client/index";
import type { enrollTotp } from "../../src/mfa/enrollment";
import type { publicPasskey } from "../../src/passkeys/manage";
import type { ListedSession } from "../sessions/listed";
import { realApp, STRONG_PASSWORD, testEnv, uniqueName } from "../helpers";

// The client declares the API's shapes itself (its package cannot import the worker's sources);
// these fail the typecheck when the two drift apart.
export const userShapes: [(u: User) => PublicUser, (u: PublicUser) => User] = [(u) => u, (u) => u];
export const sessionShapes: [(s: Session) => ListedSession, (s: ListedSession) => Session] = [(s) => s, (s) => s];
type Enrollment = Awaited<ReturnType<typeof enrollTotp>>;
type PublicPasskey = ReturnType<typeof publicPasskey>;
export const factorShapes: [(e: TotpEnrollment) => Enrollment, (e: Enrollment) => TotpEnrollment, (p: Passkey) => PublicPasskey, (p: PublicPasskey) => Passkey] = [(e) => e, (e) => e, (p) => p, (p) => p];

/** RFC 6238 (SHA-1, 6 digits, 30 s) on WebCrypto, apart from the service's TOTP library. */
async function totpCode(secret: string, stepOffset = 0): Promise<string> {
  const bits = [...secret].map((c) => "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".indexOf(c).toString(2).padStart(5, "0")).join("");
  const key = new Uint8Array(bits.match(/.{8}/g)!.map((byte) => parseInt(byte, 2)));
  const counter = new DataView(new ArrayBuffer(8));
  counter.setBigUint64(0, BigInt(Math.floor(Date.now() / 30_000) + stepOffset));
  const hmacKey = await crypto.subtle.importKey("raw", key, { name: "HMAC", hash: "SHA-1" }, false, ["sign"]);
  const mac = new DataView(await crypto.subtle.sign("HMAC", hmacKey, counter.buffer));
  const offset = mac.getUint8(19) & 0xf; // RFC 4226 §5.3, dynamic truncation
  return String((mac.getUint32(offset) & 0x7fffffff) % 1_000_000).padStart(6, "0");
}

const BASE = "https://auth.test.example";
const viaApp: FetchLike = async (input, init) => realApp.request(new Request(input, init), undefined, testEnv);

describe("edge-auth/client against the real app", () => {
  it("register, me, sessions, password change, refresh, logoutAll", async () => {
    const auth = createAuthClient({ baseUrl: BASE, mode: "token", fetch: viaApp });
    const username = uniqueName("client");
    const { user } = await auth.register({ username, email: `${username}@example.com`, password: STRONG_PASSWORD });
    expect(user).toMatchObject({ username, email: `${username}@example.com`, email_verified: false, roles: [] });
    expect(await auth.me()).toEqual(user);
    const [session, ...others] = await auth.sessions();
    expect(others).toEqual([]);
    expect(session).toMatchObject({ client_id: expect.any(String), current: true });

    await expect(auth.changePassword({ currentPassword: "not the password at all", newPassword: "another long passphrase" })).rejects.toMatchObject({ status: 401, code: "invalid_credentials" });
    await auth.changePassword({ currentPassword: STRONG_PASSWORD, newPassword: "another long passphrase" });
    const [afterChange] = await auth.sessions();
    expect(afterChange!.id).not.toBe(session!.id);

    await auth.refresh();
    expect((await auth.fetch(`${BASE}/auth/me`)).status).toBe(200);
    await auth.logoutAll();
    expect(auth.user).toBeNull();

    const again = createAuthClient({ baseUrl: BASE, mode: "token", fetch: viaApp });
    await expect(again.login({ identifier: username, password: STRONG_PASSWORD })).rejects.toMatchObject({ status: 401, code: "invalid_credentials" });
    await again.login({ identifier: username, password: "another long passphrase" });
    await expect(again.me()).resolves.toEqual(user);
  });

  it("an invalid registration surfaces the API's fields, and nothing is stored", async () => {
    const auth = createAuthClient({ baseUrl: BASE, mode: "token", fetch: viaApp });
    await expect(auth.register({ username: uniqueName(), password: "short" })).rejects.toMatchObject({ status: 400, code: "invalid_request", fields: { password: expect.any(String) } });
    expect(auth.user).toBeNull();
  });

  it("the second factor: TOTP on, a login that asks for the second step, a recovery code, new codes, TOTP off", async () => {
    const auth = createAuthClient({ baseUrl: BASE, mode: "token", fetch: viaApp });
    const username = uniqueName("clientmfa");
    await auth.register({ username, password: STRONG_PASSWORD });
    const { secret, otpauth_uri, qr_svg } = await auth.totp.enroll();
    expect([otpauth_uri.startsWith("otpauth://totp/"), qr_svg.startsWith("<svg")]).toEqual([true, true]);
    const codes = await auth.totp.confirm(await totpCode(secret));
    expect(codes).toHaveLength(10);

    const device = createAuthClient({ baseUrl: BASE, mode: "token", fetch: viaApp });
    expect(await device.login({ identifier: username, password: STRONG_PASSWORD })).toEqual({ mfaRequired: true, factors: ["totp", "recovery_code"] });
    expect(device.user).toBeNull();
    await expect(device.verifyMfa({ recoveryCode: "AAAA-BBBB-CCCC-DDDD" })).rejects.toMatchObject({ status: 401, code: "invalid_credentials" });
    const { user } = await device.verifyMfa({ recoveryCode: codes[0]! });
    expect([user.username, device.mfaPending, (await device.me()).username]).toEqual([username, false, username]);

    const fresh = await device.recoveryCodes.regenerate({ password: STRONG_PASSWORD });
    expect(fresh.filter((code) => codes.includes(code))).toEqual([]);
    await device.totp.disable({ code: await totpCode(secret, 1) });
    const later = createAuthClient({ baseUrl: BASE, mode: "token", fetch: viaApp });
    expect((await later.login({ identifier: username, password: STRONG_PASSWORD })).user?.username).toBe(username);
  });
});
