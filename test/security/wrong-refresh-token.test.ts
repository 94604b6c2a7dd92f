// A refresh token that is wrong, not one this service issued, or of the wrong kind (an access
// token pasted where the refresh token goes) is a 401 in the dialect's own words, which is what
// the seeds' clients act on (log the user out); a 400 about its length would read as a client bug.
// Only a value beyond any plausible token (8 KiB) is refused as oversized, before any work.
import { describe, expect, it } from "vitest";
import { json, realApp, registerUser, testEnv } from "../helpers";

const request = (path: string, init?: RequestInit) => realApp.request(path, init, testEnv);
const INVALID_GRANT = { error: "invalid_grant", error_description: "The refresh token is invalid, expired or revoked." };
const TOKEN_NOT_VALID = { detail: "Token is invalid or expired", code: "token_not_valid" };
const V1_UNAUTHORIZED = { error: "unauthorized", message: "Invalid or expired token", code: 401 };

const DIALECTS: [path: string, field: string, status: number, body: unknown, challenge: string | null][] = [
  ["/auth/refresh", "refresh_token", 401, INVALID_GRANT, null],
  ["/api/token/refresh/", "refresh", 401, TOKEN_NOT_VALID, 'Bearer realm="api"'],
  ["/api/token/blacklist/", "refresh", 401, TOKEN_NOT_VALID, 'Bearer realm="api"'],
  ["/api/v1/auth/refresh", "refresh_token", 401, V1_UNAUTHORIZED, 'Bearer realm="edge-auth"'],
];

describe("a wrong refresh token is 401 in every dialect, whatever its length", () => {
  it.each(DIALECTS)("%s answers a real access token presented as the refresh token with 401", async (path, field, status, body, challenge) => {
    const { access_token } = await registerUser(request);
    expect(access_token.length).toBeGreaterThan(512);
    const response = await request(path, json({ [field]: access_token }));
    expect([response.status, await response.json(), response.headers.get("WWW-Authenticate")]).toEqual([status, body, challenge]);
  });

  it.each(DIALECTS)("%s answers a made-up 8 KiB value with 401", async (path, field, status, body, challenge) => {
    const response = await request(path, json({ [field]: "r".repeat(8192) }));
    expect([response.status, await response.json(), response.headers.get("WWW-Authenticate")]).toEqual([status, body, challenge]);
  });

  it.each([
    ["/auth/refresh", "refresh_token", { error: "invalid_request", error_description: "The request has invalid fields.", fields: { refresh_token: "Ensure this field has no more than 8192 characters." } }],
    ["/api/token/refresh/", "refresh", { refresh: ["Ensure this field has no more than 8192 characters."] }],
    ["/api/v1/auth/refresh", "refresh_token", { error: "bad_request", message: "The request has invalid fields.", code: 400, fields: { refresh_token: "Ensure this field has no more than 8192 characters." } }],
  ])("%s refuses a value over 8 KiB as oversized (400)", async (path, field, body) => {
    const response = await request(path, json({ [field]: "r".repeat(8193) }));
    expect([response.status, await response.json()]).toEqual([400, body]);
  });
});
