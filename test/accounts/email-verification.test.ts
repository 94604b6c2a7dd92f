// Email verification and REQUIRE_VERIFIED_EMAIL: the native user carries
// email_verified; a token sent to the current address verifies it once; changing the email
// resets the flag; the option refuses unverified logins, but only after the password is right.
import { afterEach, describe, expect, it, vi } from "vitest";
import { updateUser } from "../../src/admin/users";
import { buildRuntime } from "../../src/runtime";
import { json, STRONG_PASSWORD, uniqueName } from "../helpers";
import { answer, bearer, captureDeliveries, hookEnv, memoryLifecycle, realLifecycle, registered } from "./lifecycle-support";

afterEach(() => vi.restoreAllMocks());

const INVALID_GRANT = { error: "invalid_grant", error_description: "The token is invalid, expired or already used." };

describe("email verification", () => {
  it("starts unverified, sends a token to the address, and verifies it once", async () => {
    const deliveries = captureDeliveries();
    const { send } = realLifecycle();
    const user = await registered(send);
    expect(await answer(await send("/auth/me", { headers: bearer(user.access_token) }))).toMatchObject({ status: 200, body: { user: { email_verified: false } } });

    const request = await send("/auth/email/verify/request", json({}, { headers: bearer(user.access_token) }));
    expect(await answer(request)).toEqual({ status: 202, body: {} });
    const { payload } = deliveries[0]!;
    expect(payload).toEqual({
      type: "email_verification", to: user.email, username: user.username, token: payload.token,
      link: `https://app.test.example/verify-email#token=${payload.token}`, expires_at: payload.expires_at,
    });

    const verified = await send("/auth/email/verify", json({ token: payload.token }));
    expect(verified.status).toBe(200);
    expect(await verified.json()).toEqual({
      user: { id: user.user.id, username: user.username, email: user.email, email_verified: true, roles: [], created_at: expect.any(String) },
    });
    expect(await answer(await send("/auth/email/verify", json({ token: payload.token })))).toEqual({ status: 400, body: INVALID_GRANT });
    expect(await answer(await send("/auth/me", { headers: bearer(user.access_token) }))).toMatchObject({ body: { user: { email_verified: true } } });
    expect(await answer(await send("/auth/email/verify/request", json({}, { headers: bearer(user.access_token) })))).toEqual({
      status: 409, body: { error: "conflict", error_description: "The email address is already verified." },
    });
  });

  it("refuses a token after 24 hours, and one sent to an address the account no longer has", async () => {
    const deliveries = captureDeliveries();
    const h = memoryLifecycle();
    const user = await registered(h.send);
    await h.send("/auth/email/verify/request", json({}, { headers: bearer(user.access_token) }));
    h.clock.advance(24 * 3600);
    expect(await answer(await h.send("/auth/email/verify", json({ token: deliveries[0]!.payload.token })))).toEqual({ status: 400, body: INVALID_GRANT });

    const login = (await (await h.send("/auth/login", json({ username: user.username, password: STRONG_PASSWORD }))).json()) as { access_token: string };
    expect(await answer(await h.send("/auth/email/verify/request", json({}, { headers: bearer(login.access_token) })))).toEqual({ status: 202, body: {} });
    const rt = await buildRuntime(hookEnv(), { stores: () => h.stores, clock: h.clock.now });
    // An administrator moves the address (PATCH /admin/users/{id}; test/admin/users.test.ts has the route).
    const account = (await rt.stores.users.findById(user.user.id))!;
    await updateUser(rt, account, user.user.id, { email: `moved-${user.email}` });
    expect(await answer(await h.send("/auth/email/verify", json({ token: deliveries[1]!.payload.token })))).toEqual({ status: 400, body: INVALID_GRANT });
  });

  it("refuses a request for an account without an email (400)", async () => {
    const h = memoryLifecycle();
    const register = await h.send("/auth/register", json({ username: uniqueName("noemail"), password: STRONG_PASSWORD }));
    const { access_token } = (await register.json()) as { access_token: string };
    expect(await answer(await h.send("/auth/email/verify/request", json({}, { headers: bearer(access_token) })))).toEqual({
      status: 400, body: { error: "invalid_request", error_description: "The account has no email address to verify." },
    });
  });
});

describe("REQUIRE_VERIFIED_EMAIL", () => {
  const NOT_VERIFIED = { error: "email_not_verified", error_description: "Verify your email address before logging in." };

  it("refuses an unverified account on every API shape, with a wrong password still 401 as before", async () => {
    const deliveries = captureDeliveries();
    const h = memoryLifecycle(hookEnv({ REQUIRE_VERIFIED_EMAIL: "true" }));
    const user = await registered(h.send);
    const { username } = user;
    const native = await h.send("/auth/login", json({ username, password: STRONG_PASSWORD }));
    expect(await answer(native)).toEqual({ status: 403, body: NOT_VERIFIED });
    expect(native.headers.get("Set-Cookie")).toBeNull();
    // Refused before anything is recorded as a login.
    expect(h.stores.users.rows.get(user.user.id)!.lastLoginAt).toBeNull();
    expect(h.stores.audit.events.filter((e) => e.event === "login_success")).toEqual([]);
    expect(await answer(await h.send("/auth/login", json({ username, password: "not the password" })))).toEqual({
      status: 401, body: { error: "invalid_credentials", error_description: "The username/email or password is incorrect." },
    });
    const dialects: [string, unknown][] = [
      ["/api/token/", { detail: "Verify your email address before logging in." }],
      ["/api/auth/login", { detail: "Verify your email address before logging in." }],
      ["/api/v1/auth/login", { error: "email_not_verified", message: "Verify your email address before logging in.", code: 403 }],
      ["/api/login/", { detail: "Verify your email address before logging in." }],
      ["/accounts/login/", { error: "Verify your email address before logging in.", status: 403 }],
    ];
    for (const [path, body] of dialects) {
      const response = await h.send(path, json({ username, password: STRONG_PASSWORD }));
      expect([path, response.status, await response.json(), response.headers.get("Set-Cookie")]).toEqual([path, 403, body, null]);
    }

    await h.send("/auth/email/verify/request", json({}, { headers: bearer(user.access_token) }));
    await h.send("/auth/email/verify", json({ token: deliveries[0]!.payload.token }));
    expect((await h.send("/auth/login", json({ username, password: STRONG_PASSWORD }))).status).toBe(200);
  });

  it("is off by default", async () => {
    const h = memoryLifecycle();
    const user = await registered(h.send);
    expect((await h.send("/auth/login", json({ username: user.username, password: STRONG_PASSWORD }))).status).toBe(200);
  });
});
