// Attacks on the account lifecycle: guessing and replaying reset tokens, and telling accounts
// apart through forgot/reset by status, body, headers, cookies or the work done (counted through
// crypto.subtle, never by wall time, as test/security/login-cost.test.ts does).
import { afterEach, describe, expect, it, vi } from "vitest";
import { encodeBase64Url, randomBytes } from "../../src/crypto/bytes";
import { json, STRONG_PASSWORD, uniqueName } from "../helpers";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { captureDeliveries, hookEnv, memoryLifecycle, realLifecycle, registered, type Send } from "../accounts/lifecycle-support";

afterEach(() => vi.restoreAllMocks());

const INVALID_GRANT = { error: "invalid_grant", error_description: "The token is invalid, expired or already used." };

/**
 * Every crypto.subtle call a request makes up to its answer (name and algorithm), and the whole
 * answer. The delivery a known account's request starts runs after the answer (sendLater), so it
 * is not counted; `send` resolves with the answer, or with it and `settled`, the work after it.
 */
async function workOf(send: () => Promise<Response | { response: Response; settled: Promise<void> }>) {
  const calls: string[] = [];
  const spies = (["sign", "digest", "deriveBits", "importKey"] as const).map((method) => {
    const original = crypto.subtle[method].bind(crypto.subtle) as (...args: unknown[]) => Promise<unknown>;
    return vi.spyOn(crypto.subtle, method).mockImplementation(((...args: unknown[]) => {
      const algorithm = args[method === "importKey" ? 2 : 0] as string | { name: string; hash?: string };
      calls.push(`${method}:${typeof algorithm === "string" ? algorithm : `${algorithm.name}${algorithm.hash ? `/${algorithm.hash}` : ""}`}`);
      return original(...args);
    }) as never);
  });
  const sent = await send();
  const { response, settled } = sent instanceof Response ? { response: sent, settled: Promise.resolve() } : sent;
  // Only the crypto spies: the hook's fetch (captureDeliveries) must still answer the delivery.
  for (const spy of spies) spy.mockRestore();
  await settled;
  return { status: response.status, headers: [...response.headers].filter(([name]) => name !== "date"), body: await response.text(), calls: calls.sort() };
}

describe("enumeration through forgot", () => {
  it("answers an existing, an unknown, a disabled and an email-less account alike, after the same crypto work", async () => {
    captureDeliveries();
    const h = memoryLifecycle();
    const user = await registered(h.send);
    const disabled = await registered(h.send);
    h.stores.users.rows.get(disabled.user.id)!.isActive = false;
    const noEmail = uniqueName("noemail");
    await h.send("/auth/register", json({ username: noEmail, password: STRONG_PASSWORD }));
    const forgot = (identifier: string) => async () => {
      const ctx = createExecutionContext();
      const response = await h.app.request("/auth/password/forgot", { ...json({ identifier }), headers: { "Content-Type": "application/json", "CF-Connecting-IP": "198.51.100.77" } }, hookEnv(), ctx);
      return { response, settled: waitOnExecutionContext(ctx) };
    };

    const known = await workOf(forgot(user.email));
    expect(known.status).toBe(202);
    expect(known.body).toBe("{}");
    // The identifier digest (HMAC) and the token's hash (SHA-256) for everyone; no KDF for anyone.
    expect(known.calls).toEqual(expect.arrayContaining(["sign:HMAC", "digest:SHA-256"]));
    expect(known.calls.filter((call) => call.includes("PBKDF2"))).toEqual([]);
    for (const identifier of [`${uniqueName("ghost")}@example.com`, uniqueName("ghost"), disabled.email, noEmail]) {
      expect(await workOf(forgot(identifier))).toEqual(known);
    }
  });

  it("sets no cookie and writes the same audit row shape either way", async () => {
    captureDeliveries();
    const h = memoryLifecycle();
    const user = await registered(h.send);
    const before = h.stores.audit.events.length;
    const a = await h.send("/auth/password/forgot", json({ email: user.email }));
    const b = await h.send("/auth/password/forgot", json({ email: `${uniqueName("ghost")}@example.com` }));
    expect([a.headers.get("Set-Cookie"), b.headers.get("Set-Cookie")]).toEqual([null, null]);
    expect(h.stores.audit.events.slice(before).map((e) => [e.event, Object.keys(e).sort()])).toEqual([
      ["password_reset_requested", ["at", "detail", "event", "ip", "subject", "userId"]],
      ["password_reset_requested", ["at", "detail", "event", "ip", "subject", "userId"]],
    ]);
  });

  it("throttles forgot per identifier before any lookup, for real and unknown accounts alike", async () => {
    captureDeliveries();
    const h = memoryLifecycle();
    const user = await registered(h.send);
    const ghost = `${uniqueName("ghost")}@example.com`;
    const statuses = async (identifier: string, send: Send) => {
      const out: number[] = [];
      for (let i = 0; i < 11; i++) out.push((await send("/auth/password/forgot", json({ identifier }))).status);
      return out;
    };
    // LOGIN_LIMITER (10 per 60 s) keyed "password:<identifier digest>", from two client addresses.
    const other = memoryLifecycle(undefined, h.clock);
    expect(await statuses(user.email, h.send)).toEqual([...Array(10).fill(202), 429]);
    expect(await statuses(ghost, other.send)).toEqual([...Array(10).fill(202), 429]);
  });
});

describe("enumeration through reset", () => {
  it("a guessed, used, expired or superseded token, or one whose account is gone, gets one answer, no cookie and no KDF", async () => {
    const deliveries = captureDeliveries();
    const h = memoryLifecycle();
    const reset = (token: string) => () => h.send("/auth/password/reset", json({ token, new_password: "a brand new passphrase 42", mode: "cookie" }));
    const tokenFor = async (user: { email: string }) => {
      await h.send("/auth/password/forgot", json({ email: user.email }));
      return deliveries.at(-1)!.payload.token;
    };
    const [a, b, c, d] = [await registered(h.send), await registered(h.send), await registered(h.send), await registered(h.send)];
    const used = await tokenFor(a);
    await reset(used)();
    const superseded = await tokenFor(b);
    h.clock.advance(61);
    await tokenFor(b);
    const gone = await tokenFor(c);
    h.stores.users.rows.delete(c.user.id);
    const expired = await tokenFor(d);
    const guessed = encodeBase64Url(randomBytes(32));
    const answers = [await workOf(reset(guessed)), await workOf(reset(used)), await workOf(reset(superseded)), await workOf(reset(gone))];
    h.clock.advance(30 * 60);
    answers.push(await workOf(reset(expired)));
    for (const answer of answers) {
      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.body)).toEqual(INVALID_GRANT);
      expect(answer.headers.map(([name]) => name)).not.toContain("set-cookie");
      expect(answer.calls.filter((call) => call.includes("PBKDF2"))).toEqual([]);
      expect(answer.headers).toEqual(answers[0]!.headers);
    }
  });
});

describe("reset tokens", () => {
  it("refuses guessed tokens (random 256-bit values, wrong shapes) with one answer and no storage read for a wrong shape", async () => {
    const { send } = realLifecycle();
    await registered(send);
    for (const token of [encodeBase64Url(randomBytes(32)), encodeBase64Url(randomBytes(32)), "x", "A".repeat(43), "A".repeat(512), "../../etc/passwd"]) {
      const response = await send("/auth/password/reset", json({ token, new_password: "a brand new passphrase 42" }));
      expect([response.status, await response.json()]).toEqual([400, INVALID_GRANT]);
    }
  });

  it("lets exactly one of many concurrent redemptions of one token through (real D1)", async () => {
    const deliveries = captureDeliveries();
    const { send } = realLifecycle();
    const user = await registered(send);
    await send("/auth/password/forgot", json({ email: user.email }));
    const { token } = deliveries[0]!.payload;
    const responses = await Promise.all(Array.from({ length: 8 }, (_, i) => send("/auth/password/reset", json({ token, new_password: `concurrent passphrase number ${i}` }))));
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 400, 400, 400, 400, 400, 400, 400]);
    const winner = responses.findIndex((r) => r.status === 200);
    expect((await send("/auth/login", json({ username: user.username, password: `concurrent passphrase number ${winner}` }))).status).toBe(200);
  });

  it("a reset token is not an email verification token, nor the reverse", async () => {
    const deliveries = captureDeliveries();
    const h = memoryLifecycle();
    const user = await registered(h.send);
    await h.send("/auth/password/forgot", json({ email: user.email }));
    await h.send("/auth/email/verify/request", json({}, { headers: { Authorization: `Bearer ${user.access_token}` } }));
    const [reset, verify] = [deliveries[0]!.payload.token, deliveries[1]!.payload.token];
    expect([(await h.send("/auth/email/verify", json({ token: reset }))).status, (await h.send("/auth/password/reset", json({ token: verify, new_password: "a brand new passphrase 42" }))).status]).toEqual([400, 400]);
  });
});
