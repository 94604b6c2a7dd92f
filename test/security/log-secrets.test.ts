// No secret in any log line: runs every flow that logs (failures, lockout, reuse, faults,
// logout-all) with spies on the console and the redactor switched off, then scans each raw line
// for every secret used. The redactor (src/log.ts) is a second line of defence for messages we do
// not write (a storage error quoting a token); it must not hide our own code logging a secret.
import { afterEach, describe, expect, it, vi } from "vitest";
import { createApp } from "../../src/app";
import { logRedaction } from "../../src/log";
import { memoryAuditStore, memoryLoginAttemptStore } from "../../src/storage/memory-security";
import { memorySessionStore, memoryUserStore } from "../../src/storage/memory";
import { guardStorage } from "../../src/storage/guard";
import { envWith, json, realApp, registerUser, TestClock, testEnv, uniqueName } from "../helpers";
import { bearer, captureDeliveries, HOOK_SECRET, hookEnv, memoryLifecycle, registered } from "../accounts/lifecycle-support";
import { basic, form, makeClient } from "../oauth/support";

afterEach(() => vi.restoreAllMocks());

function captureLogLines(): string[] {
  const lines: string[] = [];
  for (const level of ["log", "info", "warn", "error"] as const) vi.spyOn(console, level).mockImplementation((...args) => void lines.push(args.map(String).join(" ")));
  return lines;
}

function memoryStack(clock: TestClock) {
  const audit = memoryAuditStore();
  const sessions = memorySessionStore(clock.now);
  const stores = { users: memoryUserStore(), sessions, attempts: memoryLoginAttemptStore(audit), audit };
  const app = createApp({ stores: () => stores, clock: clock.now });
  return { stores, sessions, app };
}

describe("log lines carry no secrets", () => {
  it("logs structured JSON without passwords, tokens, cookies or server secrets, before any redaction", async () => {
    const lines = captureLogLines();
    vi.spyOn(logRedaction, "apply").mockImplementation((line) => line);

    const pepper = "pepper-" + crypto.randomUUID();
    const env = envWith({ PASSWORD_PEPPER: pepper });
    const clock = new TestClock();
    const { stores, sessions, app } = memoryStack(clock);
    const send = (path: string, init: RequestInit = {}) => app.request(path, init, env);
    const password = "Secret-Passw0rd-" + crypto.randomUUID().slice(0, 8);
    const wrongPassword = "Wrong-Passw0rd-" + crypto.randomUUID().slice(0, 8);
    const username = uniqueName("logscan");
    const secrets = [password, wrongPassword, pepper, testEnv.REFRESH_TOKEN_SECRET, (JSON.parse(testEnv.TEST_KEYS).RS256 as { d: string }).d];

    const registered = (await (await send("/auth/register", json({ username, password }))).json()) as { access_token: string; refresh_token: string };
    for (let i = 0; i < 6; i++) await send("/auth/login", json({ username, password: wrongPassword })); // failures, lockout, 429
    clock.advance(31);
    const login = await send("/auth/login", json({ username, password }));
    const cookieLogin = await send("/auth/login", json({ username, password, mode: "cookie" }));
    const cookies = cookieLogin.headers.getAll("Set-Cookie").map((c: string) => c.split(";")[0]!.split("=")[1]!);
    expect(cookies).toHaveLength(2);
    const session = (await login.json()) as { access_token: string; refresh_token: string };
    const rotated = (await (await send("/auth/refresh", json({ refresh_token: session.refresh_token }))).json()) as { refresh_token: string; access_token: string };
    expect((await send("/auth/me", { headers: { Cookie: `edge_access=${cookies[0]}` } })).status).toBe(200);
    await send("/auth/me", { headers: { Authorization: `Bearer ${rotated.access_token}x` } });
    clock.advance(11);
    await send("/auth/refresh", json({ refresh_token: session.refresh_token })); // reuse: family revoked
    await send("/auth/logout", json({ all: true }, { headers: { Authorization: `Bearer ${registered.access_token}` } }));
    stores.sessions = { ...sessions, get: () => guardStorage("sessions.get", () => Promise.reject(new Error("KV GET failed: 503 Service Unavailable"))) };
    await send("/auth/refresh", json({ refresh_token: registered.refresh_token })); // storage fault

    for (const token of [registered, session, rotated]) {
      secrets.push(token.access_token, token.refresh_token, token.access_token.split(".")[2]!, token.refresh_token.split(".")[2]!, token.refresh_token.split(".")[3]!);
    }
    secrets.push(...cookies);

    expect(logRedaction.apply).toHaveBeenCalledTimes(lines.length);
    expect(lines.length).toBeGreaterThan(10);
    expect(lines.map((l) => JSON.parse(l).event)).toEqual(expect.arrayContaining(["audit", "request_refused", "session_revoked"]));
    const audited = lines.map((l) => JSON.parse(l)).filter((l) => l.event === "audit").map((l) => l.audit_event);
    expect(new Set(audited)).toEqual(new Set(["login_failure", "lockout", "login_success", "refresh_reuse_detected", "logout_all"]));
    for (const line of lines) for (const secret of secrets) expect(line).not.toContain(secret);
  });

  it("logs no password, reset or verification token, or webhook secret in the account lifecycle, before any redaction", async () => {
    const lines = captureLogLines();
    vi.spyOn(logRedaction, "apply").mockImplementation((line) => line);
    // The hook fails once per message first, so the retry and failure paths log too.
    const deliveries = captureDeliveries([500]);
    const h = memoryLifecycle(hookEnv());
    const user = await registered(h.send, "Lifecycle-Passw0rd-" + crypto.randomUUID().slice(0, 8));
    const [changed, reset] = ["Changed-Passw0rd-" + crypto.randomUUID().slice(0, 8), "Reset-Passw0rd-" + crypto.randomUUID().slice(0, 8)];
    const secrets = [user.password, changed, reset, "wrong-" + user.password, HOOK_SECRET, HOOK_SECRET.slice("whsec_".length), testEnv.REFRESH_TOKEN_SECRET];

    await h.send("/auth/password", json({ current_password: "wrong-" + user.password, new_password: changed }, { headers: bearer(user.access_token) }));
    const afterChange = (await (await h.send("/auth/password", json({ current_password: user.password, new_password: changed }, { headers: bearer(user.access_token) }))).json()) as { access_token: string };
    await h.send("/auth/email/verify/request", json({}, { headers: bearer(afterChange.access_token) }));
    await h.send("/auth/email/verify", json({ token: deliveries.at(-1)!.payload.token }));
    await h.send("/auth/password/forgot", json({ email: user.email }));
    const resetToken = deliveries.at(-1)!.payload.token;
    await h.send("/auth/password/reset", json({ token: resetToken + "x", new_password: reset }));
    const afterReset = (await (await h.send("/auth/password/reset", json({ token: resetToken, new_password: reset }))).json()) as { access_token: string; refresh_token: string };
    await h.send("/auth/password/reset", json({ token: resetToken, new_password: reset }));
    await h.send("/auth/me", { ...json({ password: reset }, { headers: bearer(afterReset.access_token) }), method: "DELETE" });
    secrets.push(...deliveries.map((d) => d.payload.token), ...deliveries.map((d) => d.headers["webhook-signature"]!.slice(3)), afterChange.access_token, afterReset.access_token, afterReset.refresh_token);

    const audited = new Set(lines.map((l) => JSON.parse(l)).filter((l) => l.event === "audit").map((l) => l.audit_event));
    expect(audited).toEqual(new Set(["login_failure", "login_success", "password_changed", "email_verification_requested", "email_verified", "password_reset_requested", "password_reset", "account_deleted"]));
    expect(lines.map((l) => JSON.parse(l).event)).toEqual(expect.arrayContaining(["delivery_sent", "request_refused"]));
    for (const line of lines) for (const secret of secrets) expect(line).not.toContain(secret);
  });

  it("redacts a token that a storage error message quotes (the second line of defence)", async () => {
    const lines = captureLogLines();
    const { stores, sessions, app } = memoryStack(new TestClock());
    const registered = (await (await app.request("/auth/register", json({ username: uniqueName("redact"), password: "correct horse battery staple" }), testEnv)).json()) as { refresh_token: string; access_token: string };
    stores.sessions = { ...sessions, get: () => guardStorage("sessions.get", () => Promise.reject(new Error(`KV down for ${registered.refresh_token} / ${registered.access_token}`))) };
    const response = await app.request("/auth/refresh", json({ refresh_token: registered.refresh_token }), testEnv);

    expect(response.status).toBe(503);
    const refused = lines.map((l) => JSON.parse(l)).find((l) => l.event === "request_refused");
    expect(refused).toEqual({ level: "error", event: "request_refused", path: "/auth/refresh", code: "temporarily_unavailable", reason: "storage failure in sessions.get: KV down for [redacted] / [redacted]" });
  });

  it("the OAuth endpoints log no client secret, Basic credential or token, before any redaction", async () => {
    const lines = captureLogLines();
    vi.spyOn(logRedaction, "apply").mockImplementation((line) => line);
    const send = (path: string, init: RequestInit = {}) => realApp.request(path, { ...init, headers: { ...(init.headers as Record<string, string>), "CF-Connecting-IP": "198.51.100.77" } }, testEnv);
    const client = await makeClient();
    const wrong = "wrong-client-secret-" + crypto.randomUUID();
    const user = await registerUser(send);
    const secrets = [client.client_secret, wrong, basic(client.client_id, client.client_secret).Authorization.slice(6), basic(client.client_id, wrong).Authorization.slice(6)];

    const issued = (await (await send("/oauth/token", form({ grant_type: "client_credentials" }, basic(client.client_id, client.client_secret)))).json()) as { access_token: string };
    await send("/oauth/token", form({ grant_type: "client_credentials" }, basic(client.client_id, wrong)));
    await send("/oauth/token", form({ grant_type: "client_credentials", client_id: client.client_id, client_secret: wrong }));
    await send("/oauth/token", form({ grant_type: "client_credentials", client_secret: client.client_secret }, basic(client.client_id, client.client_secret)));
    await send("/oauth/token", form({ grant_type: "client_credentials" }, { Authorization: `Basic ${btoa(client.client_secret)}` }));
    const refreshed = (await (await send("/oauth/token", form({ grant_type: "refresh_token", refresh_token: user.refresh_token }))).json()) as { access_token: string; refresh_token: string };
    await send("/oauth/token", form({ grant_type: "refresh_token", refresh_token: `${user.refresh_token}x` }));
    for (const token of [issued.access_token, refreshed.access_token, refreshed.refresh_token, "forged.token"]) await send("/oauth/introspect", form({ token }, basic(client.client_id, client.client_secret)));
    await send("/oauth/introspect", form({ token: refreshed.access_token }, basic(client.client_id, wrong)));
    for (const token of [issued.access_token, refreshed.refresh_token]) await send("/oauth/revoke", form({ token }));

    for (const token of [user, issued, refreshed] as { access_token: string; refresh_token?: string }[]) {
      secrets.push(token.access_token, token.access_token.split(".")[2]!);
      if (token.refresh_token) secrets.push(token.refresh_token, token.refresh_token.split(".")[2]!, token.refresh_token.split(".")[3]!);
    }
    const events = lines.map((l) => JSON.parse(l));
    expect(events.filter((l) => l.event === "request_refused").map((l) => l.code)).toEqual(expect.arrayContaining(["invalid_client", "invalid_grant"]));
    expect(events.map((l) => l.event)).toEqual(expect.arrayContaining(["session_revoked", "service_token_revoked"]));
    for (const line of lines) for (const secret of secrets) expect(line).not.toContain(secret);
  });
});
