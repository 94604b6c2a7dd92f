// Fault injection through the storage ports (no test hooks in production code): the real D1/KV
// adapters, with one port method replaced by one that fails the way a failing binding does.
// Every failure must answer 503 + Retry-After, with no token and no cookie, and leave D1 and KV
// as they were, except where a later write of a path fails after an earlier one committed
// (D1 and KV cannot share a transaction); those cases name exactly what stays changed.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { decodeJwt } from "jose";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createApp } from "../../src/app";
import { guardStorage } from "../../src/storage/guard";
import type { AllStores } from "../../src/storage/ports";
import { defaultStores } from "../../src/runtime";
import { json, STRONG_PASSWORD, TestClock, uniqueName } from "../helpers";
import { captureDeliveries, hookEnv, type Delivery } from "../accounts/lifecycle-support";

// With a delivery hook (a captured fetch), so the lifecycle's message routes can run.
const faultEnv = hookEnv();
let deliveries: Delivery[] = [];
beforeEach(() => void (deliveries = captureDeliveries()));
afterEach(() => vi.restoreAllMocks());

type Port = keyof AllStores;
type Fault = `${Port}.${string}`;

const UNAVAILABLE = { error: "temporarily_unavailable", error_description: "The service is temporarily unavailable. Try again shortly." };

function appWithFault(fault: Fault | null, clock: TestClock) {
  const stores = defaultStores(faultEnv);
  if (fault) {
    const [port, method] = fault.split(".") as [Port, string];
    const store = stores[port] as unknown as Record<string, unknown>;
    if (typeof store[method] !== "function") throw new Error(`no port method ${fault}`);
    store[method] = () => guardStorage(fault, () => Promise.reject(new Error("injected fault")));
  }
  const app = createApp({ stores: () => stores, clock: clock.now });
  // A client IP of its own per app keeps audit rows attributable and limits apart.
  const ip = `198.18.${Math.floor(Math.random() * 255)}.${Math.floor(Math.random() * 255)}`;
  // Waits for the request's waitUntil work (a message's delivery) before answering.
  return async (path: string, init: RequestInit = {}) => {
    const ctx = createExecutionContext();
    const response = await app.request(path, { ...init, headers: { ...(init.headers as Record<string, string>), "CF-Connecting-IP": ip } }, faultEnv, ctx);
    await waitOnExecutionContext(ctx);
    return response;
  };
}

/** Everything a flow for these users could have written: D1 rows and KV keys. */
async function snapshot(usernames: string[], clockMs: number) {
  const users: Record<string, Record<string, unknown> | null> = {};
  const ids: string[] = [];
  const identifiers: Record<string, unknown[]> = {};
  for (const name of usernames) {
    const user = await env.DB.prepare("SELECT * FROM users WHERE username_normalized = ?").bind(name.toLowerCase()).first<Record<string, unknown>>();
    users[name] = user;
    if (user) ids.push(user.id as string);
    identifiers[name] = (await env.DB.prepare("SELECT * FROM login_identifiers WHERE user_id = ? ORDER BY identifier").bind(user?.id ?? "none").all()).results;
  }
  const throttle = (await env.DB.prepare("SELECT * FROM login_throttle WHERE updated_at = ?").bind(clockMs).all()).results;
  const audit = (await env.DB.prepare(`SELECT event FROM audit_events WHERE user_id IN (${ids.map(() => "?").join(",") || "NULL"}) OR at = ? ORDER BY id`).bind(...ids, new Date(clockMs).toISOString()).all<{ event: string }>()).results.map((r) => r.event);
  const index = (await env.DB.prepare(`SELECT sid FROM user_sessions WHERE user_id IN (${ids.map(() => "?").join(",") || "NULL"}) OR created_at = ? ORDER BY sid`).bind(...ids, clockMs).all<{ sid: string }>()).results.map((r) => r.sid);
  const tokens = (await env.DB.prepare(`SELECT token_hash, used_at FROM account_tokens WHERE user_id IN (${ids.map(() => "?").join(",") || "NULL"}) ORDER BY token_hash`).bind(...ids).all()).results;
  const kv: Record<string, string | null> = {};
  for (const { name } of (await env.AUTH_KV.list()).keys) {
    const value = await env.AUTH_KV.get(name);
    if (name.startsWith("revoked:") || ids.some((id) => value?.includes(id))) kv[name] = value;
  }
  return { users, identifiers, throttle, audit, index, tokens, kv };
}

type Snapshot = Awaited<ReturnType<typeof snapshot>>;

/** What a flow changed, named: `<who> created`, `<who>.<column>`, `audit +<event>`, `kv +session`... */
function changes(before: Snapshot, after: Snapshot, who: Record<string, string>): string[] {
  const out: string[] = [];
  for (const [name, label] of Object.entries(who)) {
    const [b, a] = [before.users[name], after.users[name]];
    if (!b && a) out.push(`${label} created`);
    else if (b && a) for (const column of Object.keys(a)) if (a[column] !== b[column]) out.push(`${label}.${column}`);
    if (b && a && JSON.stringify(before.identifiers[name]) !== JSON.stringify(after.identifiers[name])) out.push(`${label} identifiers`);
  }
  if (JSON.stringify(before.throttle) !== JSON.stringify(after.throttle)) out.push("login_throttle");
  if (JSON.stringify(before.tokens) !== JSON.stringify(after.tokens)) out.push("account_tokens");
  for (const event of after.audit.slice(before.audit.length)) out.push(`audit +${event}`);
  for (const sid of after.index) if (!before.index.includes(sid)) out.push("index +row");
  for (const sid of before.index) if (!after.index.includes(sid)) out.push("index -row");
  for (const key of Object.keys(after.kv)) if (!(key in before.kv)) out.push(`kv +${key.split(":")[0]}`);
  for (const key of Object.keys(before.kv)) if (!(key in after.kv)) out.push(`kv -${key.split(":")[0]}`);
  for (const key of Object.keys(before.kv)) if (key in after.kv && after.kv[key] !== before.kv[key]) out.push(`kv ~${key.split(":")[0]}`);
  return out;
}

async function expectUnavailable(response: Response) {
  expect(response.status).toBe(503);
  expect(response.headers.get("Retry-After")).toBe("5");
  expect(response.headers.get("Set-Cookie")).toBeNull();
  expect(await response.json()).toEqual(UNAVAILABLE);
}

/** Registers a user through a healthy app, returning what later flows need. */
async function healthyUser(clock: TestClock) {
  const username = uniqueName("fault");
  const response = await appWithFault(null, clock)("/auth/register", json({ username, email: `${username}@example.com`, password: STRONG_PASSWORD }));
  expect(response.status).toBe(201);
  return { username, ...((await response.json()) as { access_token: string; refresh_token: string; user: { id: string } }) };
}

// Each flow runs against a prepared user (and a fresh name for registrations), with the clock of
// its own test (so its rows are findable).
type Flow = (send: ReturnType<typeof appWithFault>, u: Awaited<ReturnType<typeof healthyUser>>, fresh: string) => Promise<Response> | Response;
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const flows: Record<string, Flow> = {
  // Cookie mode, so that "no cookie on a 503" is checked where a success would set them.
  register: (send, _u, fresh) => send("/auth/register", json({ username: fresh, password: STRONG_PASSWORD, mode: "cookie" })),
  "login (right password)": (send, u) => send("/auth/login", json({ username: u.username, password: STRONG_PASSWORD, mode: "cookie" })),
  "login (wrong password)": (send, u) => send("/auth/login", json({ username: u.username, password: "not the password" })),
  refresh: (send, u) => send("/auth/refresh", json({ refresh_token: u.refresh_token })),
  me: (send, u) => send("/auth/me", { headers: bearer(u.access_token) }),
  logout: (send, u) => send("/auth/logout", json({}, { headers: bearer(u.access_token) })),
  "logout all": (send, u) => send("/auth/logout", json({ all: true }, { headers: bearer(u.access_token) })),
  "list sessions": (send, u) => send("/auth/sessions", { headers: bearer(u.access_token) }),
  "end a session": (send, u) => send(`/auth/sessions/${decodeJwt(u.access_token).sid}`, { method: "DELETE", headers: bearer(u.access_token) }),
};

// [flow, failing port method, what stays changed because an earlier write of the path committed]
const cases: [string, Fault, string[]][] = [
  // The session is written first and revoked again when the account cannot be written: a retry
  // after the 503 registers normally instead of meeting 409.
  ["register", "users.create", ["kv +revoked"]],
  ["register", "sessions.put", []],
  ["register", "sessionIndex.add", []],
  ["register", "users.findByIdentifier", []],
  ["register", "commonPasswords.isCommon", []],
  ["login (right password)", "attempts.lockState", []],
  ["login (right password)", "users.findByIdentifier", []],
  ["login (right password)", "users.recordLogin", []],
  ["login (right password)", "attempts.recordSuccess", ["user.last_login_at"]],
  // The index row is written first and deleted again when the session record cannot be.
  ["login (right password)", "sessions.put", ["user.last_login_at", "audit +login_success"]],
  ["login (right password)", "sessionIndex.add", ["user.last_login_at", "audit +login_success"]],
  ["login (wrong password)", "attempts.recordFailure", []],
  ["refresh", "sessions.get", []],
  ["refresh", "users.findById", []],
  ["refresh", "sessions.put", []],
  ["me", "sessions.isRevoked", []],
  ["me", "users.findById", []],
  ["logout", "sessions.isRevoked", []],
  ["logout", "sessions.revoke", []],
  ["logout all", "users.bumpTokenVersion", []],
  // token_version is the authoritative part: every session has already ended.
  ["logout all", "sessions.revoke", ["user.token_version", "user.updated_at"]],
  ["logout all", "audit.record", ["user.token_version", "user.updated_at", "index -row", "kv +revoked", "kv -session"]],
  ["list sessions", "sessionIndex.list", []],
  ["list sessions", "sessions.get", []],
  ["end a session", "sessionIndex.find", []],
  ["end a session", "sessions.get", []],
  ["end a session", "sessions.revoke", []],
  // The session has ended (the user's intent); only its audit row is missing.
  ["end a session", "audit.record", ["index -row", "kv +revoked", "kv -session"]],
];

describe("storage faults fail closed", () => {
  it.each(cases)("%s with %s failing: 503, no token, no cookie, changes %j", async (flowName, fault, expectedChanges) => {
    const clock = new TestClock(Date.UTC(2026, 10, 25, 12, 0, 0) + Math.floor(Math.random() * 1e9));
    const u = await healthyUser(clock);
    const fresh = uniqueName("faultnew");
    clock.advance(1);
    const before = await snapshot([u.username, fresh], clock.ms);
    await expectUnavailable(await flows[flowName]!(appWithFault(fault, clock), u, fresh));
    const after = await snapshot([u.username, fresh], clock.ms);
    expect(changes(before, after, { [u.username]: "user", [fresh]: "new user" })).toEqual(expectedChanges);
  });

  it("the same flows without a fault do change state (so the checks above can fail)", async () => {
    const clock = new TestClock(Date.UTC(2026, 10, 25, 12, 0, 0) + Math.floor(Math.random() * 1e9));
    const u = await healthyUser(clock);
    const fresh = uniqueName("faultnew");
    clock.advance(1);
    const before = await snapshot([u.username, fresh], clock.ms);
    const send = appWithFault(null, clock);
    expect((await flows.register!(send, u, fresh)).status).toBe(201);
    expect((await flows["login (wrong password)"]!(send, u, fresh)).status).toBe(401);
    expect((await flows["logout all"]!(send, u, fresh)).status).toBe(204);
    const after = await snapshot([u.username, fresh], clock.ms);
    expect(changes(before, after, { [u.username]: "user", [fresh]: "new user" }).sort()).toEqual([
      "audit +login_failure", "audit +logout_all", "index +row", "index -row", "kv +revoked", "kv +session", "kv -session",
      "login_throttle", "new user created", "user.token_version", "user.updated_at",
    ]);
  });

  it("ending a session without a fault changes what the end-a-session cases check", async () => {
    const clock = new TestClock(Date.UTC(2026, 10, 25, 12, 0, 0) + Math.floor(Math.random() * 1e9));
    const u = await healthyUser(clock);
    const before = await snapshot([u.username], clock.ms);
    expect((await flows["end a session"]!(appWithFault(null, clock), u, "")).status).toBe(204);
    expect(changes(before, await snapshot([u.username], clock.ms), { [u.username]: "user" })).toEqual(["audit +session_revoked_by_user", "index -row", "kv +revoked", "kv -session"]);
  });

  // Deleting an index row is the one write whose failure answers success: the session has ended
  // (marker set, record gone, or token_version bumped), and the row that stays is filtered out by
  // that on every read and pruned later. A 503 would have the client retry what already happened.
  it.each([
    ["end a session", "sessionIndex.remove", ["audit +session_revoked_by_user", "kv +revoked", "kv -session"]],
    ["logout", "sessionIndex.remove", ["kv +revoked", "kv -session"]],
    // The current session's own row goes with its revocation; the other session's row stays.
    ["logout all", "sessionIndex.removeBelowVersion", ["user.token_version", "user.updated_at", "audit +logout_all", "index -row", "kv +revoked", "kv -session"]],
  ] as [string, Fault, string[]][])("%s with %s failing: 204, the session is over and no longer listed", async (flowName, fault, expectedChanges) => {
    const clock = new TestClock(Date.UTC(2026, 10, 25, 12, 0, 0) + Math.floor(Math.random() * 1e9));
    const u = await healthyUser(clock);
    const other = (await (await appWithFault(null, clock)("/auth/login", json({ username: u.username, password: STRONG_PASSWORD }))).json()) as { access_token: string };
    clock.advance(1);
    const before = await snapshot([u.username], clock.ms);
    expect((await flows[flowName]!(appWithFault(fault, clock), u, "")).status).toBe(204);
    expect(changes(before, await snapshot([u.username], clock.ms), { [u.username]: "user" }).sort()).toEqual(expectedChanges.sort());
    expect((await appWithFault(null, clock)("/auth/me", { headers: bearer(u.access_token) })).status).toBe(401);
    if (flowName === "logout all") return;
    const listed = await appWithFault(null, clock)("/auth/sessions", { headers: bearer(other.access_token) });
    expect(((await listed.json()) as { sessions: { id: string }[] }).sessions.map((s) => s.id)).toEqual([decodeJwt(other.access_token).sid]);
  });

  it("lets a registration that failed on D1 be retried as if it never happened", async () => {
    const clock = new TestClock(Date.UTC(2026, 10, 25, 12, 0, 0) + Math.floor(Math.random() * 1e9));
    const username = uniqueName("retry");
    const body = json({ username, password: STRONG_PASSWORD });
    await expectUnavailable(await appWithFault("users.create", clock)("/auth/register", body));
    const retry = await appWithFault(null, clock)("/auth/register", json({ username, password: STRONG_PASSWORD }));
    expect(retry.status).toBe(201);
  });

  it("answers 503 when a storage call outlives its deadline", async () => {
    const never = new Promise<never>(() => {});
    await expect(guardStorage("sessions.get", () => never, 5)).rejects.toMatchObject({ code: "temporarily_unavailable", status: 503, headers: { "Retry-After": "5" } });
  });
});

// The profiles write through the same capabilities; each one's write paths, in its own dialect.
const DOWN = "The service is temporarily unavailable. Try again shortly.";
type ProfileFlow = (send: ReturnType<typeof appWithFault>, u: Awaited<ReturnType<typeof healthyUser>>, healthy: ReturnType<typeof appWithFault>) => Promise<Response> | Response;

/** Logs in to a cookie-session profile through the healthy app: the request headers of the session. */
async function cookieLogin(healthy: ReturnType<typeof appWithFault>, path: string, username: string) {
  const response = await healthy(path, json({ username, password: STRONG_PASSWORD }));
  expect(response.status).toBe(200);
  const cookies = Object.fromEntries(response.headers.getAll("Set-Cookie").map((c: string) => c.split(";")[0]!.split("=") as [string, string]));
  const csrf = cookies.csrftoken ?? ((await response.json()) as { csrf_token: string }).csrf_token;
  return { Cookie: Object.entries(cookies).map(([k, v]) => `${k}=${v}`).join("; "), "X-CSRFToken": csrf };
}

const profileCases: [string, Fault, ProfileFlow, unknown, string[]][] = [
  ["seed 000 login", "sessions.put", (send, u) => send("/accounts/login/", json({ username: u.username, password: STRONG_PASSWORD })), { error: DOWN, status: 503 }, ["user.last_login_at", "audit +login_success"]],
  ["seed 000 logout", "sessions.revoke", async (send, u, healthy) => send("/accounts/logout/", json({}, { headers: await cookieLogin(healthy, "/accounts/login/", u.username) })), { error: DOWN, status: 503 }, []],
  ["seed 001 token", "sessions.put", (send, u) => send("/api/token/", json({ username: u.username, password: STRONG_PASSWORD })), { detail: DOWN }, ["user.last_login_at", "audit +login_success"]],
  ["seed 001 refresh", "sessions.put", async (send, u, healthy) => {
    const { refresh } = (await (await healthy("/api/token/", json({ username: u.username, password: STRONG_PASSWORD }))).json()) as { refresh: string };
    return send("/api/token/refresh/", json({ refresh }));
  }, { detail: DOWN }, []],
  // A read, not a write: a refresh token that cannot be looked up is not "invalid" (401) but unknown.
  ["seed 001 verify", "sessions.get", (send, u) => send("/api/token/verify/", json({ token: u.refresh_token })), { detail: DOWN }, []],
  ["seed 001 blacklist", "sessions.revoke", (send, u) => send("/api/token/blacklist/", json({ refresh: u.refresh_token })), { detail: DOWN }, []],
  ["seed 002 register", "users.create", (send) => send("/api/auth/register", json({ username: uniqueName("f2"), password: STRONG_PASSWORD })), { detail: DOWN }, []],
  ["seed 002 login", "sessions.put", (send, u) => send("/api/auth/login", json({ username: u.username, password: STRONG_PASSWORD })), { detail: DOWN }, ["user.last_login_at", "audit +login_success"]],
  ["seed 003 refresh", "sessions.put", (send, u) => send("/api/v1/auth/refresh", json({ refresh_token: u.refresh_token })), { error: "service_unavailable", message: DOWN, code: 503 }, []],
  ["seed 003 logout", "sessions.revoke", (send, u) => send("/api/v1/auth/logout", json({}, { headers: bearer(u.access_token) })), { error: "service_unavailable", message: DOWN, code: 503 }, []],
  ["seed 004 login", "attempts.recordFailure", (send, u) => send("/api/login/", json({ username: u.username, password: "not the password" })), { detail: DOWN }, []],
  ["seed 004 logout", "sessions.revoke", async (send, u, healthy) => send("/api/logout/", json({}, { headers: await cookieLogin(healthy, "/api/login/", u.username) })), { detail: DOWN }, []],
];

/** Runs a flow whose healthy preparation comes first; only the failing request's changes count. */
async function failAfterPreparation(fault: Fault, flow: ProfileFlow, body: unknown, expectedChanges: string[]) {
  const clock = new TestClock(Date.UTC(2026, 10, 25, 12, 0, 0) + Math.floor(Math.random() * 1e9));
  const u = await healthyUser(clock);
  const healthy = appWithFault(null, clock);
  const failing = appWithFault(fault, clock);
  clock.advance(1);
  // Snapshot after any healthy preparation the flow does, so only the failing request counts.
  let before: Snapshot | undefined;
  const response = await flow(async (path, init) => ((before = await snapshot([u.username], clock.ms)), failing(path, init)), u, healthy);
  expect(response.status).toBe(503);
  expect(response.headers.get("Retry-After")).toBe("5");
  expect(response.headers.get("Set-Cookie")).toBeNull();
  expect(await response.json()).toEqual(body);
  expect(changes(before!, await snapshot([u.username], clock.ms), { [u.username]: "user" })).toEqual(expectedChanges);
}

describe("storage faults fail closed on every profile's write paths", () => {
  it.each(profileCases)("%s with %s failing: 503 in the dialect, no token, no cookie", (_, fault, flow, body, expectedChanges) => failAfterPreparation(fault, flow, body, expectedChanges));
});

// The account lifecycle. D1 and KV cannot share a transaction: where the D1 batch
// that changes the password has committed and a later KV write fails, the password HAS changed
// (and every earlier session has ended with its token_version): the client is told 503 and logs
// in with the new password. Each such case names what stays changed.
const NEW_PASSWORD = "a brand new passphrase 42";
const resetToken = async (healthy: ReturnType<typeof appWithFault>, u: { username: string }) => {
  await healthy("/auth/password/forgot", json({ identifier: u.username }));
  return deliveries.at(-1)!.payload.token;
};
const verifyToken = async (healthy: ReturnType<typeof appWithFault>, u: { access_token: string }) => {
  await healthy("/auth/email/verify/request", json({}, { headers: bearer(u.access_token) }));
  return deliveries.at(-1)!.payload.token;
};
const change: ProfileFlow = (send, u) => send("/auth/password", json({ current_password: STRONG_PASSWORD, new_password: NEW_PASSWORD }, { headers: bearer(u.access_token) }));
const forgot: ProfileFlow = (send, u) => send("/auth/password/forgot", json({ identifier: u.username }));
const reset: ProfileFlow = async (send, u, healthy) => send("/auth/password/reset", json({ token: await resetToken(healthy, u), new_password: NEW_PASSWORD }));
const verify: ProfileFlow = async (send, u, healthy) => send("/auth/email/verify", json({ token: await verifyToken(healthy, u) }));
const erase: ProfileFlow = (send, u) => send("/auth/me", { ...json({ password: STRONG_PASSWORD }, { headers: bearer(u.access_token) }), method: "DELETE" });
const PASSWORD_SET = ["user.password_hash", "user.token_version", "user.updated_at"];
const LOGGED_IN = ["user.last_login_at", "audit +login_success"];

const lifecycleCases: [string, Fault, ProfileFlow, string[]][] = [
  ["password change", "attempts.lockState", change, []],
  ["password change", "accounts.changePassword", change, LOGGED_IN],
  // The batch committed: new password, every session ended, audited; the fresh session failed.
  ["password change", "sessions.revoke", change, [...PASSWORD_SET, "user.last_login_at", "audit +login_success", "audit +password_changed"]],
  // ...and the ended session's index row is gone with it.
  ["password change", "sessions.put", change, [...PASSWORD_SET, "user.last_login_at", "audit +login_success", "audit +password_changed", "index -row", "kv +revoked", "kv -session"]],
  ["forgot", "users.findByIdentifier", forgot, []],
  ["forgot", "accounts.issueToken", forgot, []],
  ["reset", "accounts.findToken", reset, []],
  ["reset", "accounts.redeemReset", reset, []],
  // Redeemed (token used, password set, sessions ended); the lockout is not cleared yet.
  ["reset", "attempts.clearSubjects", reset, [...PASSWORD_SET, "user.email_verified", "account_tokens", "audit +password_reset"]],
  ["reset", "sessions.put", reset, [...PASSWORD_SET, "user.email_verified", "account_tokens", "audit +password_reset"]],
  ["verify email", "accounts.redeemVerification", verify, []],
  ["delete account", "users.bumpTokenVersion", erase, LOGGED_IN],
  // Every session has already ended (token_version, then each indexed session's marker, its
  // record and its index row); the account itself is untouched.
  ["delete account", "accounts.erase", erase, ["user.token_version", "user.updated_at", ...LOGGED_IN, "index -row", "kv +revoked", "kv -session"]],
];

describe("storage faults fail closed on the account lifecycle", () => {
  it.each(lifecycleCases)("%s with %s failing: 503, no token, no cookie, the named changes only", (_, fault, flow, expectedChanges) => failAfterPreparation(fault, flow, UNAVAILABLE, expectedChanges));
});

