// Shared set-up of the passkey tests: the real worker (local D1 and KV) configured as the
// relying party test.example for the origin https://app.test.example, a client address of its
// own per test (so the per-client throttle of one test never meets another's), and the steps of
// registering and signing in with the software authenticator.
import { expect } from "vitest";
import { envWith, json, realApp, registerUser } from "../helpers";
import { SoftAuthenticator, type CeremonyOverrides } from "./authenticator";

export const RP_ID = "test.example";
export const ORIGIN = "https://app.test.example";
export const RP_ENV = envWith({ WEBAUTHN_RP_ID: RP_ID, WEBAUTHN_ORIGINS: `${ORIGIN},https://other.test.example` });

export const LOGIN_REFUSED = { error: "invalid_credentials", error_description: "The passkey could not be verified." };
export const REGISTRATION_REFUSED = { error: "invalid_request", error_description: "The passkey registration could not be verified." };

type Request = (path: string, init?: RequestInit) => Promise<Response>;

/** A client of the real worker from one address; `env` defaults to the configured relying party. */
export function passkeyClient(env: Env = RP_ENV) {
  const ip = `198.51.${Math.floor(Math.random() * 255)}.${Math.floor(Math.random() * 255)}`;
  const request: Request = async (path, init = {}) =>
    realApp.request(`https://auth.test.example${path}`, { ...init, headers: { "CF-Connecting-IP": ip, ...(init.headers as Record<string, string>) } }, env);
  return { request, ip };
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/** A new user with a passkey on a new software authenticator. */
export async function userWithPasskey(request: Request, authenticator = new SoftAuthenticator(ORIGIN), overrides: CeremonyOverrides = {}) {
  const user = await registerUser(request);
  const options = await (await request("/auth/passkeys/register/options", { method: "POST", headers: bearer(user.access_token) })).json<{ challenge: string; rp: { id: string }; user: { id: string } }>();
  const credential = await authenticator.create(options, overrides);
  const response = await request("/auth/passkeys/register/verify", json({ credential, name: "Laptop" }, { headers: bearer(user.access_token) }));
  expect(response.status).toBe(201);
  return { user, authenticator, credential };
}

export async function loginOptions(request: Request) {
  const response = await request("/auth/passkeys/login/options", json({}));
  expect(response.status).toBe(200);
  return response.json<{ challenge: string; rpId: string }>();
}
