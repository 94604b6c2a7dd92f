// invalid_client is throttled like a login: per client address and per client id, before the
// secret is checked, at wrangler.toml's IP_LIMITER limit (windowed fakes on the test's clock).
// A gateway that authenticates on every introspection is not throttled: verified credentials are
// remembered per isolate (CLIENT_AUTH_MEMO_MS), so only checks that reach the secret spend the limit.
import { describe, expect, it } from "vitest";
import { CLIENT_AUTH_MEMO_MS } from "../../src/oauth/client-auth";
import { TestClock } from "../helpers";
import { answer, basic, CLIENT_FAILED, form, makeClient } from "../oauth/support";
import { BINDING_LIMITS, countingLimiter, throttledApp, windowLimiter } from "./throttle-support";

const LIMIT = BINDING_LIMITS.IP_LIMITER!;
const THROTTLED = { status: 429, cacheControl: "no-store", pragma: "no-cache", challenge: null, body: { error: "rate_limited", error_description: "Too many requests. Try again later." } };
const clientCredentials = (id: string, secret: string) => form({ grant_type: "client_credentials" }, basic(id, secret));

describe("client authentication throttle", () => {
  it("per client address: past the limit even the right secret is refused 429 before it is checked", async () => {
    const clock = new TestClock(Date.now());
    const { send } = throttledApp({ perClient: windowLimiter(LIMIT, clock) }, { clock });
    const client = await makeClient();
    for (let i = 0; i < LIMIT; i++) expect(await answer(await send("/oauth/token", clientCredentials(crypto.randomUUID(), "E".repeat(43))))).toEqual(CLIENT_FAILED);
    const response = await send("/oauth/token", clientCredentials(client.client_id, client.client_secret));
    expect([await answer(response), response.headers.get("Retry-After")]).toEqual([THROTTLED, "60"]);
    clock.advance(60);
    expect((await send("/oauth/token", clientCredentials(client.client_id, client.client_secret))).status).toBe(200);
  });

  it("per client id: guesses spread over many addresses still stop at the limit", async () => {
    const clock = new TestClock(Date.now());
    const { send } = throttledApp({ perClient: windowLimiter(LIMIT, clock) }, { clock });
    const client = await makeClient();
    const from = (n: number) => `203.0.113.${n % 250}`;
    for (let i = 0; i < LIMIT; i++) {
      expect(await answer(await send("/oauth/introspect", form({ token: "x" }, basic(client.client_id, "F".repeat(43))), `192.0.2.${i % 250}`))).toEqual(CLIENT_FAILED);
    }
    const response = await send("/oauth/introspect", form({ token: "x" }, basic(client.client_id, client.client_secret)), from(7));
    expect([await answer(response), response.headers.get("Retry-After")]).toEqual([THROTTLED, "60"]);
  });

  it("a gateway introspecting on every request spends the limit once per memo period, not per request", async () => {
    const clock = new TestClock(Date.now());
    const perClient = countingLimiter(LIMIT);
    const { send } = throttledApp({ perClient }, { clock });
    const client = await makeClient();
    for (let i = 0; i < 3 * LIMIT; i++) {
      expect(await answer(await send("/oauth/introspect", form({ token: "x" }, basic(client.client_id, client.client_secret))))).toMatchObject({ status: 200, body: { active: false } });
    }
    expect(perClient.counts.get(`client_id:${client.client_id}`)).toBe(1);
    clock.advance(CLIENT_AUTH_MEMO_MS / 1000);
    expect((await send("/oauth/introspect", form({ token: "x" }, basic(client.client_id, client.client_secret)))).status).toBe(200);
    expect(perClient.counts.get(`client_id:${client.client_id}`)).toBe(2);
  });
});
