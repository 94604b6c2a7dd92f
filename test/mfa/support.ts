// Shared by the second-factor tests: an app over memory twins (the MfaStore's too) with a clock the
// test drives and exact fake limiters, and TOTP codes computed by an INDEPENDENT implementation of
// RFC 6238 (WebCrypto HMAC-SHA-1, RFC 4226 §5.3 dynamic truncation), not the otpauth library the
// service uses.
import { expect } from "vitest";
import { createApp } from "../../src/app";
import { memoryAccountStore } from "../../src/storage/memory-accounts";
import { memoryMfaStore } from "../../src/storage/memory-mfa";
import { memoryAuditStore, memoryLoginAttemptStore } from "../../src/storage/memory-security";
import { memorySessionIndex } from "../../src/storage/memory-session-index";
import { memorySessionStore, memoryUserStore } from "../../src/storage/memory";
import type { Stores } from "../../src/storage/ports";
import { envWith, json, registerUser, STRONG_PASSWORD, TestClock } from "../helpers";
import { countingLimiter } from "../security/throttle-support";

const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

function base32Decode(text: string): Uint8Array {
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const char of text.replace(/=+$/, "")) {
    value = (value << 5) | BASE32.indexOf(char);
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return new Uint8Array(out);
}

/** The RFC 6238 code of `secret` (base32) at `atMs`: HOTP (RFC 4226) of the 30-second step. */
export async function totpCode(secret: string, atMs: number): Promise<string> {
  const counter = new Uint8Array(8);
  new DataView(counter.buffer).setBigUint64(0, BigInt(Math.floor(atMs / 30_000)));
  const key = await crypto.subtle.importKey("raw", base32Decode(secret), { name: "HMAC", hash: "SHA-1" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, counter));
  const offset = mac[19]! & 0xf;
  const binary = ((mac[offset]! & 0x7f) << 24) | (mac[offset + 1]! << 16) | (mac[offset + 2]! << 8) | mac[offset + 3]!;
  return String(binary % 1_000_000).padStart(6, "0");
}

export const IP = "203.0.113.50";
export const CHEAP = envWith({ PASSWORD_ITERATIONS: "1000" });

/** An app over memory twins; `stores` replaces any of them (a D1 adapter, a failing port). */
export function mfaApp(clock = new TestClock(Date.UTC(2026, 10, 25, 12, 0, 10)), stores: Partial<Stores> = {}, env: Env = CHEAP) {
  const audit = memoryAuditStore();
  const users = memoryUserStore();
  const all: Stores = {
    users,
    sessions: memorySessionStore(clock.now),
    sessionIndex: memorySessionIndex(),
    accounts: memoryAccountStore(users, audit),
    attempts: memoryLoginAttemptStore(audit),
    audit,
    mfa: memoryMfaStore(audit),
    ...stores,
  };
  const limits = { perClient: countingLimiter(10_000), perIdentifier: countingLimiter(10_000), refreshPerClient: countingLimiter(10_000), refreshPerSession: countingLimiter(10_000) };
  const app = createApp({ stores: () => all, clock: clock.now, rateLimits: () => limits });
  const send = (path: string, init: RequestInit = {}, e: Env = env) =>
    app.request(path, { ...init, headers: { "CF-Connecting-IP": IP, ...(init.headers as Record<string, string>) } }, e);
  return { send, clock, stores: all, audit, events: (userId: string) => audit.events.filter((e) => e.userId === userId).map((e) => e.event) };
}

export type MfaApp = ReturnType<typeof mfaApp>;

export const bearer = (token: string, body: unknown = {}, method = "POST") => json(body, { method, headers: { Authorization: `Bearer ${token}` } });

/** A registered user with a confirmed TOTP factor: its secret and recovery codes. */
export async function enrolledUser(app: MfaApp) {
  const user = await registerUser(app.send);
  const enroll = await app.send("/auth/mfa/totp/enroll", bearer(user.access_token));
  expect(enroll.status).toBe(200);
  const { secret } = (await enroll.json()) as { secret: string };
  const confirm = await app.send("/auth/mfa/totp/confirm", bearer(user.access_token, { code: await totpCode(secret, app.clock.ms) }));
  expect(confirm.status).toBe(200);
  const { recovery_codes } = (await confirm.json()) as { recovery_codes: string[] };
  // The confirmation used this step's code: later tests start from the next step.
  app.clock.advance(30);
  return { ...user, secret, recoveryCodes: recovery_codes };
}

export const password = (username: string, mode?: "token" | "cookie") => json({ username, password: STRONG_PASSWORD, ...(mode ? { mode } : {}) });

/** Logs in with the password and expects the second step: the mfa_token. */
export async function mfaToken(app: MfaApp, username: string, mode?: "token" | "cookie"): Promise<string> {
  const response = await app.send("/auth/login", password(username, mode));
  const body = (await response.json()) as { mfa_token: string };
  expect(response.status).toBe(200);
  return body.mfa_token;
}
