// Malformed second-factor requests get the documented JSON errors, never a 500, and change nothing:
// the mfa_token they carry still redeems afterwards.
import { describe, expect, it } from "vitest";
import { json } from "../helpers";
import { bearer, enrolledUser, mfaApp, mfaToken, totpCode } from "./support";

const invalid = (fields: Record<string, string>) => ({ error: "invalid_request", error_description: "The request has invalid fields.", fields });
const SIX_DIGITS = "Must be the 6-digit code from the authenticator app.";

describe("POST /auth/mfa/verify with bad input", () => {
  it.each([
    ["a short code", { code: "12345" }, invalid({ code: SIX_DIGITS })],
    ["letters", { code: "12a456" }, invalid({ code: SIX_DIGITS })],
    ["a number, not a string", { code: 123456 }, invalid({ code: "Must be a string." })],
    ["spaces", { code: "123 456" }, invalid({ code: SIX_DIGITS })],
    ["both proofs", { code: "123456", recovery_code: "AAAA-BBBB-CCCC-DDDD" }, invalid({ code: "Send either code or recovery_code." })],
    ["no proof", {}, invalid({ code: "Send either code or recovery_code." })],
    ["an oversized recovery code", { recovery_code: "A".repeat(65) }, invalid({ recovery_code: "Ensure this field has no more than 64 characters." })],
    ["an unknown field", { code: "123456", admin: true }, invalid({ body: 'Unrecognized key: "admin"' })],
    ["an unknown mode", { code: "123456", mode: "session" }, invalid({ mode: 'Must be "token" or "cookie".' })],
  ])("%s: 400", async (_name, extra, expected) => {
    const app = mfaApp();
    const user = await enrolledUser(app);
    const token = await mfaToken(app, user.username);
    const response = await app.send("/auth/mfa/verify", json({ mfa_token: token, ...extra }));
    expect([response.status, response.headers.get("Cache-Control"), await response.json()]).toEqual([400, "no-store", expected]);
    const after = await app.send("/auth/mfa/verify", json({ mfa_token: token, code: await totpCode(user.secret, app.clock.ms) }));
    expect(after.status).toBe(200);
  });

  it.each([
    ["missing", {}, invalid({ mfa_token: "This field is required." })],
    ["blank", { mfa_token: "" }, invalid({ mfa_token: "This field may not be blank." })],
    ["oversized", { mfa_token: "x".repeat(8193) }, invalid({ mfa_token: "Ensure this field has no more than 8192 characters." })],
  ])("an mfa_token %s: 400", async (_name, body, expected) => {
    const app = mfaApp();
    const response = await app.send("/auth/mfa/verify", json({ code: "123456", ...body }));
    expect([response.status, await response.json()]).toEqual([400, expected]);
  });

  it("an unknown mfa_token, a forged one or an access token pasted in: 401 invalid_grant", async () => {
    const app = mfaApp();
    const user = await enrolledUser(app);
    for (const mfa_token of ["x".repeat(43), user.access_token, user.refresh_token]) {
      const response = await app.send("/auth/mfa/verify", json({ mfa_token, code: "123456" }));
      expect([response.status, await response.json()]).toEqual([401, { error: "invalid_grant", error_description: "The mfa_token is invalid, expired or already used." }]);
    }
  });

  it("a malformed recovery code is a wrong code (401, counted), not a 400: its shape tells nothing", async () => {
    const app = mfaApp();
    const user = await enrolledUser(app);
    const response = await app.send("/auth/mfa/verify", json({ mfa_token: await mfaToken(app, user.username), recovery_code: "not-a-code" }));
    expect([response.status, await response.json()]).toEqual([401, { error: "invalid_credentials", error_description: "The code is incorrect or was already used." }]);
    expect(app.audit.events.filter((e) => e.event === "mfa_failure").map((e) => e.detail.reason)).toEqual(["malformed recovery code"]);
  });

  it("JSON only: a form or text body is 415, malformed JSON 400", async () => {
    const app = mfaApp();
    const user = await enrolledUser(app);
    const form = await app.send("/auth/mfa/totp/confirm", { method: "POST", headers: { Authorization: `Bearer ${user.access_token}`, "Content-Type": "application/x-www-form-urlencoded" }, body: "code=123456" });
    expect([form.status, await form.json()]).toEqual([415, { error: "unsupported_media_type", error_description: "Send the request body as application/json." }]);
    const broken = await app.send("/auth/mfa/totp/confirm", { ...bearer(user.access_token), body: "{" });
    expect([broken.status, await broken.json()]).toEqual([400, { error: "invalid_request", error_description: "The request body is not valid JSON." }]);
  });
});
