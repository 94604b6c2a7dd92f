// edge-auth/client against the real app in workerd (real local D1 and KV): the client's requests
// are the API's, token mode end to end. The built package against a real worker over HTTP, with
// an access token that expires: test/e2e/client.test.ts.
import { describe, expect, it } from "vitest";
import type { PublicUser } from "../../src/accounts/user";
import { createAuthClient, type FetchLike, type Session, type User } from "../../src/client/index";
import type { ListedSession } from "../sessions/listed";
import { realApp, STRONG_PASSWORD, testEnv, uniqueName } from "../helpers";

// The client declares the API's shapes itself (its package cannot import the worker's sources);
// these fail the typecheck when the two drift apart.
export const userShapes: [(u: User) => PublicUser, (u: PublicUser) => User] = [(u) => u, (u) => u];
export const sessionShapes: [(s: Session) => ListedSession, (s: ListedSession) => Session] = [(s) => s, (s) => s];

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
});
