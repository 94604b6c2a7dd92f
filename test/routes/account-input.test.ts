// Bad input on the account-lifecycle routes gets what every native route gets: 415 for another
// media type, 413 over 64 KiB, 400 with per-field messages for unknown or missing fields and
// over-long values, and 429 before any password hashing when a throttle refuses.
import { afterEach, describe, expect, it, vi } from "vitest";
import { createApp } from "../../src/app";
import { json } from "../helpers";
import { bearer, captureDeliveries, hookEnv, memoryLifecycle, registered } from "../accounts/lifecycle-support";

afterEach(() => vi.restoreAllMocks());

const ROUTES: [method: string, path: string, body: Record<string, unknown>, authenticated: boolean][] = [
  ["POST", "/auth/password", { current_password: "x", new_password: "y" }, true],
  ["POST", "/auth/password/forgot", { email: "a@example.com" }, false],
  ["POST", "/auth/password/reset", { token: "t", new_password: "y" }, false],
  ["POST", "/auth/email/verify/request", {}, true],
  ["POST", "/auth/email/verify", { token: "t" }, false],
  ["DELETE", "/auth/me", { password: "x" }, true],
];

const error = (status: number, code: string, description: string, fields?: Record<string, string>) => ({ status, body: { error: code, error_description: description, ...(fields ? { fields } : {}) } });

describe.each(ROUTES)("%s %s: bad input", (method, path, body, authenticated) => {
  async function setup() {
    captureDeliveries();
    const h = memoryLifecycle();
    const headers: Record<string, string> = authenticated ? bearer((await registered(h.send)).access_token) : {};
    const send = async (init: RequestInit) => {
      const response = await h.send(path, { method, ...init, headers: { ...headers, ...(init.headers as Record<string, string>) } });
      expect(response.headers.get("Cache-Control")).toBe("no-store");
      return { status: response.status, body: await response.json() };
    };
    return send;
  }

  it("answers 415 for a body that is not JSON", async () => {
    const send = await setup();
    expect(await send({ body: "a=b", headers: { "Content-Type": "application/x-www-form-urlencoded" } })).toEqual(error(415, "unsupported_media_type", "Send the request body as application/json."));
  });

  it("answers 413 for a body over 64 KiB", async () => {
    const send = await setup();
    expect(await send({ body: JSON.stringify({ ...body, pad: "x".repeat(70_000) }), headers: { "Content-Type": "application/json" } })).toEqual(error(413, "payload_too_large", "The request body is larger than 65536 bytes."));
  });

  it("answers 400 for malformed JSON and for an unknown field (strict schema)", async () => {
    const send = await setup();
    expect(await send({ body: "{", headers: { "Content-Type": "application/json" } })).toEqual(error(400, "invalid_request", "The request body is not valid JSON."));
    expect(await send({ body: JSON.stringify({ ...body, admin: true }), headers: { "Content-Type": "application/json" } })).toEqual(
      error(400, "invalid_request", "The request has invalid fields.", { body: 'Unrecognized key: "admin"' }),
    );
  });
});

describe("optional body", () => {
  it("a bearer verification request may send no body at all; a cookie one must send JSON", async () => {
    captureDeliveries();
    const h = memoryLifecycle();
    const user = await registered(h.send);
    const bare = await h.send("/auth/email/verify/request", { method: "POST", headers: bearer(user.access_token) });
    expect([bare.status, await bare.json()]).toEqual([202, {}]);
    const login = await h.send("/auth/login", json({ username: user.username, password: "correct horse battery staple", mode: "cookie" }));
    const cookie = login.headers.getAll("Set-Cookie").map((c: string) => c.split(";")[0]).join("; ");
    const byCookie = await h.send("/auth/email/verify/request", { method: "POST", headers: { Cookie: cookie } });
    expect([byCookie.status, await byCookie.json()]).toEqual([415, { error: "unsupported_media_type", error_description: "Send the request body as application/json." }]);
  });
});

describe("length limits and required fields", () => {
  it("caps passwords at 1024 bytes and tokens at 512 characters, and names missing fields", async () => {
    captureDeliveries();
    const h = memoryLifecycle();
    const { access_token } = await registered(h.send);
    const long = "p".repeat(1025);
    const cases: [string, string, Record<string, unknown>, Record<string, string>, Record<string, string>][] = [
      ["POST", "/auth/password", { current_password: long, new_password: "x" }, bearer(access_token), { current_password: "Ensure this field has no more than 1024 bytes." }],
      ["POST", "/auth/password", { current_password: "x" }, bearer(access_token), { new_password: "This field is required." }],
      ["POST", "/auth/password/reset", { token: "t".repeat(513), new_password: "x" }, {}, { token: "Ensure this field has no more than 512 characters." }],
      ["POST", "/auth/password/forgot", {}, {}, { email: "This field is required." }],
      ["POST", "/auth/password/forgot", { email: "e".repeat(255) }, {}, { email: "Ensure this field has no more than 254 characters." }],
      ["POST", "/auth/email/verify", {}, {}, { token: "This field is required." }],
      ["DELETE", "/auth/me", { password: long }, bearer(access_token), { password: "Ensure this field has no more than 1024 bytes." }],
    ];
    for (const [method, path, body, headers, fields] of cases) {
      const response = await h.send(path, { ...json(body, { headers }), method });
      expect([path, response.status, await response.json()]).toEqual([path, 400, { error: "invalid_request", error_description: "The request has invalid fields.", fields }]);
    }
  });
});

describe("throttles come before any password hashing", () => {
  it("answers 429 on every lifecycle route without deriving a single key when the per-client limit refuses", async () => {
    captureDeliveries();
    const h = memoryLifecycle();
    const user = await registered(h.send);
    const refuse = { allow: async () => false };
    // Every limiter refuses (the throttles' own tests cover which limiter keys what).
    const app = createApp({ stores: () => h.stores, clock: h.clock.now, rateLimits: () => ({ perClient: refuse, perIdentifier: refuse }) as never });
    const deriveBits = vi.spyOn(crypto.subtle, "deriveBits");
    const requests: [string, string, Record<string, unknown>, Record<string, string>][] = [
      ["POST", "/auth/password", { current_password: "correct horse battery staple", new_password: "a brand new passphrase 42" }, bearer(user.access_token)],
      ["POST", "/auth/password/forgot", { email: user.email }, {}],
      ["POST", "/auth/password/reset", { token: "A".repeat(43), new_password: "a brand new passphrase 42" }, {}],
      ["POST", "/auth/email/verify/request", {}, bearer(user.access_token)],
      ["POST", "/auth/email/verify", { token: "A".repeat(43) }, {}],
      ["DELETE", "/auth/me", { password: "correct horse battery staple" }, bearer(user.access_token)],
    ];
    for (const [method, path, body, headers] of requests) {
      const response = await app.request(path, { ...json(body, { headers: { ...headers, "CF-Connecting-IP": "203.0.113.9" } }), method }, hookEnv());
      expect([path, response.status, await response.json(), response.headers.get("Retry-After")]).toEqual([path, 429, { error: "rate_limited", error_description: "Too many requests. Try again later." }, "60"]);
    }
    expect(deriveBits).not.toHaveBeenCalled();
  });
});
