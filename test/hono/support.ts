// Shared by the edge-auth/hono tests: the worker's own tokens and JWKS, and the exact 401/403
// answers the middleware must give (RFC 6750 §3 challenge, edge-auth's JSON error body).
import { expect } from "vitest";
import { realApp, registerUser, testEnv } from "../helpers";

export const ISSUER = testEnv.ISSUER;
export const AUDIENCE = testEnv.AUDIENCE;
export const workerRequest = (path: string, init?: RequestInit) => realApp.request(path, init, testEnv);
export const newUser = () => registerUser(workerRequest);
export const bearer = (token: string) => ({ headers: { Authorization: `Bearer ${token}` } });

const INVALID = "The access token is invalid or has expired.";

/** Status, body and every header that matters, compared at once. */
export async function answerOf(response: Response) {
  return {
    status: response.status,
    body: await response.json(),
    challenge: response.headers.get("WWW-Authenticate"),
    cacheControl: response.headers.get("Cache-Control"),
    contentType: response.headers.get("Content-Type"),
  };
}

const refusal = (status: number, error: string, description: string, challenge: string) => ({
  status,
  body: { error, error_description: description },
  challenge,
  cacheControl: "no-store",
  contentType: "application/json",
});

export const INVALID_TOKEN_ANSWER = refusal(401, "invalid_token", INVALID, `Bearer realm="api", error="invalid_token", error_description="${INVALID}"`);
export const NO_TOKEN_ANSWER = refusal(401, "invalid_token", "No access token was provided.", 'Bearer realm="api"');
const MISSING_ROLE = "The access token does not carry a role this route requires.";
export const MISSING_ROLE_ANSWER = refusal(403, "insufficient_scope", MISSING_ROLE, `Bearer realm="api", error="insufficient_scope", error_description="${MISSING_ROLE}"`);

export async function expectAnswer(response: Response | Promise<Response>, expected: Awaited<ReturnType<typeof answerOf>>) {
  expect(await answerOf(await response)).toEqual(expected);
}
