// Security regression suite, access tokens on a controlled clock (the clock-free attack classes
// run over real HTTP in test/e2e/attacks.test.ts): expired and not-yet-valid tokens.
import { describe, expect, it } from "vitest";
import { memoryApp, registerUser, testEnv } from "../helpers";
import { forgeKit } from "./forge";

const kit = forgeKit(JSON.parse(testEnv.TEST_KEYS));
const me = (token: string, send: (path: string, init?: RequestInit) => Promise<Response> | Response) => send("/auth/me", { headers: { Authorization: `Bearer ${token}` } });
const CHALLENGE = 'Bearer realm="edge-auth", error="invalid_token", error_description="The access token is invalid or has expired."';

async function expectRefused(response: Response) {
  expect(response.status).toBe(401);
  expect(response.headers.get("WWW-Authenticate")).toBe(CHALLENGE);
  expect(response.headers.get("Cache-Control")).toBe("no-store");
  expect(await response.json()).toEqual({ error: "invalid_token", error_description: "The access token is invalid or has expired." });
}

describe("attack: expired and not-yet-valid tokens (clock controlled)", () => {
  it("accepts a token until exp and refuses it after", async () => {
    const { request: send, clock } = memoryApp();
    const { access_token } = await registerUser(send);
    clock.advance(299);
    expect((await me(access_token, send)).status).toBe(200);
    clock.advance(2);
    await expectRefused(await me(access_token, send));
  });

  it("accepts the real claims re-signed by the real key (control for the cases below)", async () => {
    const { request: send } = memoryApp();
    const { access_token } = await registerUser(send);
    expect((await me(await kit.resign(access_token), send)).status).toBe(200);
  });

  it.each([
    ["nbf in the future", (now: number) => ({ nbf: now + 120 })],
    ["iat in the future", (now: number) => ({ iat: now + 3600, exp: now + 3900 })],
    ["exp already past", (now: number) => ({ iat: now - 600, exp: now - 300 })],
    ["a lifetime far beyond the configured one", (now: number) => ({ iat: now, exp: now + 10 * 365 * 86_400 })],
  ])("refuses a correctly signed token with %s", async (_, claims) => {
    const { request: send, clock } = memoryApp();
    const { access_token } = await registerUser(send);
    await expectRefused(await me(await kit.resign(access_token, { claims: claims(Math.floor(clock.ms / 1000)) }), send));
  });
});
