// No second-factor secret in any log line: the TOTP secret, the codes, the recovery codes and the
// mfa_token never reach the log, through every flow that logs (enroll, confirm, wrong codes,
// lockout, recovery, disable, faults), with the redactor switched off (as test/security/log-secrets).
import { afterEach, expect, it, vi } from "vitest";
import { logRedaction } from "../../src/log";
import { json, STRONG_PASSWORD } from "../helpers";
import { bearer, enrolledUser, mfaApp, mfaToken, totpCode } from "./support";

afterEach(() => vi.restoreAllMocks());

it("logs no TOTP secret, code, recovery code or mfa_token, before any redaction", async () => {
  const lines: string[] = [];
  for (const level of ["log", "info", "warn", "error"] as const) vi.spyOn(console, level).mockImplementation((...args) => void lines.push(args.map(String).join(" ")));
  vi.spyOn(logRedaction, "apply").mockImplementation((line) => line);

  const app = mfaApp();
  const user = await enrolledUser(app);
  const secrets = [user.secret, ...user.recoveryCodes, ...user.recoveryCodes.map((c) => c.replaceAll("-", ""))];
  const token = await mfaToken(app, user.username);
  secrets.push(token);
  for (let i = 0; i < 6; i++) await app.send("/auth/mfa/verify", json({ mfa_token: token, code: String(100000 + i) })); // wrong, then locked
  app.clock.advance(60);
  const code = await totpCode(user.secret, app.clock.ms);
  secrets.push(code);
  expect((await app.send("/auth/mfa/verify", json({ mfa_token: token, code }))).status).toBe(200);
  expect((await app.send("/auth/mfa/verify", json({ mfa_token: await mfaToken(app, user.username), recovery_code: user.recoveryCodes[0] }))).status).toBe(200);
  const regenerated = await app.send("/auth/mfa/recovery-codes", bearer(user.access_token, { password: STRONG_PASSWORD }));
  secrets.push(...((await regenerated.json()) as { recovery_codes: string[] }).recovery_codes);
  expect((await app.send("/auth/mfa/totp", bearer(user.access_token, { password: STRONG_PASSWORD }, "DELETE"))).status).toBe(204);

  expect(lines.length).toBeGreaterThan(10);
  expect(lines.some((line) => line.includes("mfa_failure")) && lines.some((line) => line.includes("mfa_recovery_code_used"))).toBe(true);
  for (const secret of secrets) expect(lines.filter((line) => line.includes(secret)), secret).toEqual([]);
});
