// edgeAuthBinding(): a tiny Hono app protected through AuthService over RPC (ctx.exports: a
// loopback binding to the named entrypoint, as another Worker's Service Binding is), with real
// local D1/KV. Unlike the JWKS variant, a logout is seen at once.
import { exports } from "cloudflare:workers";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { edgeAuthBinding, type AuthVerifier, type EdgeAuthBindingOptions, type EdgeAuthBindingVariables } from "../../src/hono";
import type { AuthService } from "../../src/index";
import { testEnv } from "../helpers";
import { forgeKit, type ForgeKeys } from "../security/forge";
import { INVALID_TOKEN_ANSWER, MISSING_ROLE_ANSWER, NO_TOKEN_ANSWER, bearer, expectAnswer, newUser, workerRequest } from "./support";

const kit = forgeKit(JSON.parse(testEnv.TEST_KEYS) as ForgeKeys);
const service = () => (exports as unknown as { AuthService: Service<AuthService> }).AuthService;
// The middleware's structural type accepts the real entrypoint's binding (a compile-time check).
const typed: AuthVerifier = service();

function apiWith(options: Partial<EdgeAuthBindingOptions> = {}) {
  const app = new Hono<{ Bindings: { AUTH: AuthVerifier }; Variables: EdgeAuthBindingVariables }>();
  app.use("/orders/*", edgeAuthBinding({ binding: "AUTH", ...options }));
  app.get("/orders/mine", (c) => c.json(c.get("auth")));
  return { request: (path: string, init?: RequestInit, env: { AUTH: AuthVerifier } = { AUTH: typed }) => app.request(path, init, env) };
}
const api = apiWith();
const claimsOf = (token: string) => JSON.parse(atob(token.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/"))) as { sid: string; exp: number; iat: number };

describe("edgeAuthBinding() asks AuthService.verify", () => {
  it("answers 200 with the identity on the context, then 401 at once after a logout", async () => {
    const user = await newUser();
    const { sid, exp, iat } = claimsOf(user.access_token);
    const response = await api.request("/orders/mine", bearer(user.access_token));
    expect([response.status, await response.json()]).toEqual([200, { sub: user.user.id, username: user.username, roles: [], sid, exp, iat }]);
    expect((await workerRequest("/auth/logout", { method: "POST", ...bearer(user.access_token) })).status).toBe(204);
    await expectAnswer(api.request("/orders/mine", bearer(user.access_token)), INVALID_TOKEN_ANSWER);
  });

  it("answers a bare challenge without a token, invalid_token for a forged one", async () => {
    const user = await newUser();
    await expectAnswer(api.request("/orders/mine"), NO_TOKEN_ANSWER);
    await expectAnswer(api.request("/orders/mine", bearer(kit.tamperSignature(user.access_token))), INVALID_TOKEN_ANSWER);
    await expectAnswer(api.request("/orders/mine", bearer(kit.unsecured(user.access_token))), INVALID_TOKEN_ANSWER);
  });

  it("answers 403 insufficient_scope when the user lacks the role (as the user row has it now)", async () => {
    const user = await newUser();
    // The token claims admin, but the binding reads the user's roles from D1: none.
    const claimsAdmin = await kit.resign(user.access_token, { claims: { roles: ["admin"] } });
    await expectAnswer(apiWith({ role: "admin" }).request("/orders/mine", bearer(claimsAdmin)), MISSING_ROLE_ANSWER);
  });

  it("takes the binding from a function of the context", async () => {
    const user = await newUser();
    const viaFunction = apiWith({ binding: () => service() });
    expect((await viaFunction.request("/orders/mine", bearer(user.access_token), {} as { AUTH: AuthVerifier })).status).toBe(200);
  });
});

describe("edgeAuthBinding() fails closed", () => {
  const unavailableAnswer = [503, { error: "temporarily_unavailable", error_description: "The authentication service is temporarily unavailable." }, "5", "no-store"];
  const answerOf = async (response: Response) => [response.status, await response.json(), response.headers.get("Retry-After"), response.headers.get("Cache-Control")];

  it.each([
    ["answers temporarily_unavailable", { verify: async () => ({ valid: false, reason: "temporarily_unavailable" }) }],
    ["throws across RPC", { verify: async () => Promise.reject(new Error("binding down")) }],
  ] as [string, AuthVerifier][])("answers 503 when AuthService %s", async (_, AUTH) => {
    expect(await answerOf(await api.request("/orders/mine", bearer("a.b.c"), { AUTH }))).toEqual(unavailableAnswer);
  });
});
