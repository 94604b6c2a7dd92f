// Password reset: forgot answers 202 {} whatever the account, a message with a
// single-use 256-bit token leaves through the hook, and reset sets the password, ends every
// earlier session and clears the lockout. Real D1/KV for the flow; memory twins for expiry.
import { afterEach, describe, expect, it, vi } from "vitest";
import { json, STRONG_PASSWORD, uniqueName } from "../helpers";
import { answer, bearer, captureDeliveries, hookEnv, memoryLifecycle, realLifecycle, registered } from "./lifecycle-support";

afterEach(() => vi.restoreAllMocks());

const NEW_PASSWORD = "a brand new passphrase 42";
const INVALID_GRANT = { error: "invalid_grant", error_description: "The token is invalid, expired or already used." };

describe("password reset", () => {
  it("sends a reset message for an existing account and answers exactly as for an unknown one", async () => {
    const deliveries = captureDeliveries();
    const { send } = realLifecycle();
    const user = await registered(send);
    const known = await send("/auth/password/forgot", json({ email: user.email }));
    const unknown = await send("/auth/password/forgot", json({ email: `${uniqueName("ghost")}@example.com` }));
    for (const response of [known, unknown]) {
      expect(response.status).toBe(202);
      expect(response.headers.get("Cache-Control")).toBe("no-store");
      expect(response.headers.get("Set-Cookie")).toBeNull();
      expect(await response.json()).toEqual({});
    }
    expect(deliveries).toHaveLength(1);
    const { payload } = deliveries[0]!;
    expect(payload).toEqual({
      type: "password_reset", to: user.email, username: user.username, token: payload.token,
      link: `https://app.test.example/reset-password#token=${payload.token}`, expires_at: payload.expires_at,
    });
    expect(payload.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Date.parse(payload.expires_at) - Date.now()).toBeGreaterThan(29 * 60_000);
    expect(Date.parse(payload.expires_at) - Date.now()).toBeLessThanOrEqual(30 * 60_000);
  });

  it("resets the password with the token: 200 { user, tokens }, old password and every earlier session end", async () => {
    const deliveries = captureDeliveries();
    const { send } = realLifecycle();
    const user = await registered(send);
    await send("/auth/password/forgot", json({ identifier: user.username }));
    const { token } = deliveries[0]!.payload;

    const reset = await send("/auth/password/reset", json({ token, new_password: NEW_PASSWORD }));
    expect(reset.status).toBe(200);
    expect(reset.headers.get("Cache-Control")).toBe("no-store");
    const body = (await reset.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(["access_token", "expires_in", "refresh_expires_in", "refresh_token", "token_type", "user"]);
    // Following the emailed link proves control of the address.
    expect(body.user).toMatchObject({ id: user.user.id, username: user.username, email: user.email, email_verified: true });

    expect((await send("/auth/me", { headers: bearer(user.access_token) })).status).toBe(401);
    expect((await send("/auth/refresh", json({ refresh_token: user.refresh_token }))).status).toBe(401);
    expect((await send("/auth/me", { headers: bearer(body.access_token as string) })).status).toBe(200);
    expect((await send("/auth/login", json({ username: user.username, password: STRONG_PASSWORD }))).status).toBe(401);
    expect((await send("/auth/login", json({ username: user.username, password: NEW_PASSWORD }))).status).toBe(200);
  });

  it("refuses the token a second time, after a newer one was issued, after 30 minutes, and for a deleted account", async () => {
    const h = memoryLifecycle();
    const deliveries = captureDeliveries();
    const user = await registered(h.send);
    await h.send("/auth/password/forgot", json({ email: user.email }));
    const first = deliveries[0]!.payload.token;
    expect((await h.send("/auth/password/reset", json({ token: first, new_password: NEW_PASSWORD }))).status).toBe(200);
    expect(await answer(await h.send("/auth/password/reset", json({ token: first, new_password: "yet another passphrase 7" })))).toEqual({ status: 400, body: INVALID_GRANT });

    h.clock.advance(61);
    await h.send("/auth/password/forgot", json({ email: user.email }));
    h.clock.advance(61);
    await h.send("/auth/password/forgot", json({ email: user.email }));
    const [older, newer] = [deliveries[1]!.payload.token, deliveries[2]!.payload.token];
    expect(await answer(await h.send("/auth/password/reset", json({ token: older, new_password: "yet another passphrase 7" })))).toEqual({ status: 400, body: INVALID_GRANT });

    h.clock.advance(30 * 60);
    expect(await answer(await h.send("/auth/password/reset", json({ token: newer, new_password: "yet another passphrase 7" })))).toEqual({ status: 400, body: INVALID_GRANT });

    h.clock.advance(61);
    await h.send("/auth/password/forgot", json({ email: user.email }));
    const lastToken = deliveries[3]!.payload.token;
    h.stores.users.rows.delete(user.user.id);
    expect(await answer(await h.send("/auth/password/reset", json({ token: lastToken, new_password: "yet another passphrase 7" })))).toEqual({ status: 400, body: INVALID_GRANT });
  });

  it("sends at most one message a minute per account; a request inside the minute keeps the current token", async () => {
    const h = memoryLifecycle();
    const deliveries = captureDeliveries();
    const user = await registered(h.send);
    for (let i = 0; i < 3; i++) expect((await h.send("/auth/password/forgot", json({ email: user.email }))).status).toBe(202);
    expect(deliveries).toHaveLength(1);
    expect((await h.send("/auth/password/reset", json({ token: deliveries[0]!.payload.token, new_password: NEW_PASSWORD }))).status).toBe(200);
  });

  it("applies the password policy to the new password and leaves the token usable", async () => {
    const h = memoryLifecycle();
    const deliveries = captureDeliveries();
    const user = await registered(h.send);
    await h.send("/auth/password/forgot", json({ email: user.email }));
    const { token } = deliveries[0]!.payload;
    expect(await answer(await h.send("/auth/password/reset", json({ token, new_password: "12345678901" })))).toEqual({
      status: 400, body: { error: "invalid_request", error_description: "The request has invalid fields.", fields: { new_password: "This password is entirely numeric." } },
    });
    expect((await h.send("/auth/password/reset", json({ token, new_password: NEW_PASSWORD }))).status).toBe(200);
  });

  it("clears the lockout of the account's identifiers", async () => {
    const h = memoryLifecycle();
    const deliveries = captureDeliveries();
    const user = await registered(h.send);
    for (let i = 0; i < 5; i++) await h.send("/auth/login", json({ username: user.username, password: "not the password" }));
    const locked = await h.send("/auth/login", json({ username: user.username, password: STRONG_PASSWORD }));
    expect(locked.status).toBe(429);
    await h.send("/auth/password/forgot", json({ email: user.email }));
    expect((await h.send("/auth/password/reset", json({ token: deliveries[0]!.payload.token, new_password: NEW_PASSWORD }))).status).toBe(200);
    expect((await h.send("/auth/login", json({ username: user.username, password: NEW_PASSWORD }))).status).toBe(200);
    expect(h.stores.attempts.rows.size).toBe(0);
  });

  it("audits the request and the reset, with no token in any audit row", async () => {
    const h = memoryLifecycle();
    const deliveries = captureDeliveries();
    const user = await registered(h.send);
    await h.send("/auth/password/forgot", json({ email: user.email }));
    await h.send("/auth/password/reset", json({ token: deliveries[0]!.payload.token, new_password: NEW_PASSWORD }));
    const events = h.stores.audit.events.filter((e) => e.event.startsWith("password_reset"));
    expect(events.map((e) => [e.event, e.userId])).toEqual([["password_reset_requested", user.user.id], ["password_reset", user.user.id]]);
    expect(JSON.stringify(h.stores.audit.events)).not.toContain(deliveries[0]!.payload.token);
  });

  it("answers in cookie mode when asked, like login", async () => {
    const h = memoryLifecycle();
    const deliveries = captureDeliveries();
    const user = await registered(h.send);
    await h.send("/auth/password/forgot", json({ email: user.email }));
    const reset = await h.send("/auth/password/reset", json({ token: deliveries[0]!.payload.token, new_password: NEW_PASSWORD, mode: "cookie" }));
    expect(reset.status).toBe(200);
    expect(Object.keys((await reset.json()) as object).sort()).toEqual(["expires_in", "refresh_expires_in", "token_type", "user"]);
    expect(reset.headers.getAll("Set-Cookie").map((c: string) => c.split("=")[0])).toEqual(["edge_access", "edge_refresh"]);
  });
});

describe("password reset without a delivery hook", () => {
  it("answers 503 in production, naming the missing setting, before looking at the account", async () => {
    const h = memoryLifecycle(hookEnv({ DELIVERY_WEBHOOK_URL: "", DELIVERY_WEBHOOK_SECRET: "" }));
    const response = await h.send("/auth/password/forgot", json({ email: "anyone@example.com" }));
    expect(response.status).toBe(503);
    expect(response.headers.get("Retry-After")).toBe("5");
    expect(await response.json()).toEqual({
      error: "temporarily_unavailable", error_description: "Message delivery is not configured: DELIVERY_WEBHOOK_URL is not set.",
    });
  });

  it("writes the message to the log in development, so npm start users can follow the link", async () => {
    const lines: string[] = [];
    vi.spyOn(console, "log").mockImplementation((...args) => void lines.push(args.map(String).join(" ")));
    const h = memoryLifecycle(hookEnv({ DELIVERY_WEBHOOK_URL: "", DELIVERY_WEBHOOK_SECRET: "", ENVIRONMENT: "development", APP_URL: "" }));
    const user = await registered(h.send);
    expect((await h.send("/auth/password/forgot", json({ email: user.email }))).status).toBe(202);
    const logged = lines.map((l) => JSON.parse(l)).filter((l) => l.event === "delivery_logged");
    expect(logged).toHaveLength(1);
    const { token } = logged[0].payload;
    expect(logged[0]).toEqual({
      level: "info", event: "delivery_logged", note: "development only: no DELIVERY_WEBHOOK_URL, so the message is logged instead of sent",
      payload: { type: "password_reset", to: user.email, username: user.username, token, link: `https://auth.test.example/reset-password#token=${token}`, expires_at: logged[0].payload.expires_at },
    });
    expect((await h.send("/auth/password/reset", json({ token, new_password: NEW_PASSWORD }))).status).toBe(200);
  });
});
